import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byKind, loadDist } from '../../support/dist';
import { run } from '../../support/programs';

/** `otelcol validate`, the collector built from the pinned components, on the configuration dist/ ships. */
const shipped = (byKind(loadDist(), 'ConfigMap').find((d) => d.object.metadata?.name === 'otel-collector-config')
  ?.object.data ?? {}) as Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'otelcol-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(text: string) {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return run('otelcol', ['validate', `--config=file:${file}`], dir);
}

test('accepts the rendered collector configuration', () => {
  expect(shipped['collector.yaml']).toContain('receivers:');
  const result = validate(shipped['collector.yaml']);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/error/i);
  expect(result.status).toBe(0);
});

test('refuses a configuration naming a component the build lacks, so the check can fail', () => {
  const result = validate(shipped['collector.yaml'].replace('memory_limiter:', 'memory_limitter:'));
  expect(result.status).not.toBe(0);
  expect(`${result.stdout}${result.stderr}`).toMatch(/memory_limitter/);
});
