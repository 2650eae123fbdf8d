/**
 * The team's rule files of alerts/rules/, judged by the real promtool exactly as the stack renders
 * them into its rule ConfigMap: `promtool check rules` on each group, and the `*.test.yml` files
 * beside them through `promtool test rules`, pointed at the rendered files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { config } from '../../../config';
import { loadRuleFiles, MonitoringStack, renderedRuleTest } from '../../../lib';
import { run } from '../../support/programs';

const stack = new MonitoringStack(Testing.app(), 'stack', config);
const { tests } = loadRuleFiles(join(__dirname, '../../../alerts/rules'));
const fromFiles = stack.ruleGroups.filter((g) => g.source !== undefined);

/** The rendered rule files (edited by `edit`) and each test file, in a fresh folder. */
function renderedFolder(edit: (text: string) => string = (t) => t): string {
  const dir = mkdtempSync(join(tmpdir(), 'rule-file-tests-'));
  for (const group of fromFiles) writeFileSync(join(dir, group.fileName), edit(stack.rules.files[group.fileName]));
  for (const test of tests)
    writeFileSync(
      join(dir, basename(test.source)),
      stringify(renderedRuleTest(test, stack.ruleGroups), { lineWidth: 0 }),
    );
  return dir;
}

describe('rule files of alerts/rules/, judged by the real promtool', () => {
  const dir = renderedFolder();

  test('the repository ships rule files with tests beside them', () => {
    expect(fromFiles.length).toBeGreaterThan(0);
    expect(tests.length).toBeGreaterThan(0);
  });

  test.each(fromFiles.map((g) => [g.name, g] as const))('promtool check rules accepts %s as rendered', (_n, group) => {
    const result = run('promtool', ['check', 'rules', group.fileName], dir);
    expect(result.stdout).toContain(`SUCCESS: ${group.rules.length + group.records.length} rules found`);
    expect(result.status).toBe(0);
  });

  test.each(tests.map((t) => [basename(t.source), t] as const))('promtool test rules passes %s', (file) => {
    const result = run('promtool', ['test', 'rules', file], dir);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('the tests fail when the rendered rule drifts from what they expect', () => {
    const drifted = renderedFolder((text) => text.replace('> 90', '> 96'));
    const result = run('promtool', ['test', 'rules', basename(tests[0].source)], drifted);
    expect(result.stdout + result.stderr).toMatch(/FAILED/);
    expect(result.status).not.toBe(0);
  });
});
