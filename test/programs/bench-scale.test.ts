import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The scale benchmark at its smallest sizes, so the harness cannot rot (npm test compiles it first). */
const root = resolve(__dirname, '../..');

beforeAll(() => {
  if (!existsSync(join(root, 'build/bench/scale.js')))
    throw new Error("build/bench/scale.js is missing: 'npm test' compiles it with tsc first");
});

test('npm run bench: the synth-at-scale harness runs and prints its table', () => {
  const result = spawnSync(process.execPath, ['build/bench/scale.js'], {
    cwd: root,
    env: { ...process.env, SCALE_SMOKE: '1' },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^floor: require cdk8s, cdk8s-plus-27 +\d+ +0 +[\d.]+$/m);
  // One run each on a loaded machine: the figure above the floor may come out negative; only the line is checked.
  expect(result.stdout).toMatch(/^10 rules, 4 dashboards +\d+ +-?\d+ +[\d.]+$/m);
});

test('1,000 generated rules fill two rule ConfigMaps, both mounted into Prometheus', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'scale-smoke-'));
  const result = spawnSync(
    process.execPath,
    ['build/bench/scale-synth.js', '--rules', '1000', '--dashboards', '2', '--outdir', outdir],
    { cwd: root, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  const file = readdirSync(outdir).find((f) => f.endsWith('-prometheus.k8s.yaml'))!;
  const docs = parseAllDocuments(readFileSync(join(outdir, file), 'utf8')).map((d) => d.toJS());
  const ruleMaps = docs.filter((d) => d.kind === 'ConfigMap' && String(d.metadata.name).startsWith('prometheus-rules'));
  expect(ruleMaps.map((m) => m.metadata.name)).toEqual(['prometheus-rules', 'prometheus-rules-2']);
  // The 20 generated groups, beside the repository's own rule files (alerts/rules/).
  expect(ruleMaps.flatMap((m) => Object.keys(m.data)).filter((f) => f.startsWith('fleet-'))).toHaveLength(20);
  const volume = docs
    .find((d) => d.kind === 'StatefulSet')
    .spec.template.spec.volumes.find((v: any) => v.name === 'rules');
  expect(volume).toEqual({
    name: 'rules',
    projected: {
      sources: [{ configMap: { name: 'prometheus-rules' } }, { configMap: { name: 'prometheus-rules-2' } }],
    },
  });
  const grafana = readdirSync(outdir).find((f) => f.endsWith('-grafana.k8s.yaml'))!;
  expect(readFileSync(join(outdir, grafana), 'utf8')).toContain('name: grafana-dashboard-fleet-1');
});
