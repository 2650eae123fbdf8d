import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Testing } from 'cdk8s';
import { config } from '../../../config';
import { Duration, loadRuleFiles, MonitoringStack, renderedRuleTest } from '../../../lib';
import { renderRuleFile } from '../../../lib/prometheus/prometheus-rules';

/** A folder holding `files` (name to content). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rule-files-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** One rule file holding one alert with `fields` (YAML lines under `- alert: X`) in group `team`. */
function alertFile(fields: string, name = 'CustomAlert'): string {
  return `groups:
  - name: team
    rules:
      - alert: ${name}
${fields
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
`;
}

const GOOD = `
expr: battery_level_percent < 10
for: 5m
labels:
  severity: warning
  team: audio
annotations:
  summary: "Battery low on {{ $labels.device }}"
  description: "Battery at {{ $value }}%"
`;

/** The first line of the error `load` throws. */
function failure(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the load to fail');
}

describe('loadRuleFiles', () => {
  test('reads the repository’s alerts/rules/ into groups of checked values, in name order', () => {
    const { groups, tests } = loadRuleFiles(join(__dirname, '../../../alerts/rules'));
    expect(groups.map((g) => [g.name, g.source.endsWith('alerts/rules/edge-cpu.yml')])).toEqual([['edge-cpu', true]]);
    const [group] = groups;
    expect(group.interval).toEqual(Duration.seconds(30));
    expect(group.records.map((r) => r.name)).toEqual(['device:cpu_usage_percent:avg5m']);
    expect(group.rules).toMatchObject([{ name: 'HighCpuUsage', severity: 'warning', for: Duration.minutes(15) }]);
    expect(tests).toEqual([
      expect.objectContaining({
        source: expect.stringMatching(/alerts\/rules\/edge-cpu\.test\.yml$/),
        ruleFiles: [group.source],
      }),
    ]);
  });

  test('renders an alert as the file wrote it: its labels and annotations, no runbook_url added', () => {
    const dir = folder({ 'team.yml': alertFile(GOOD) });
    const [group] = loadRuleFiles(dir).groups;
    expect(group.toPrometheus()).toEqual({
      groups: [
        {
          name: 'team',
          interval: '30s',
          rules: [
            {
              alert: 'CustomAlert',
              expr: 'battery_level_percent < 10',
              for: '5m',
              labels: { team: 'audio', severity: 'warning' },
              annotations: { summary: 'Battery low on {{ $labels.device }}', description: 'Battery at {{ $value }}%' },
            },
          ],
        },
      ],
    });
  });

  test('a group keeps its own interval, and `for` is checked against it', () => {
    const file = (interval: string) =>
      `groups:\n  - name: slow\n    interval: ${interval}\n    rules:\n${alertFile(GOOD).split('\n').slice(3).join('\n')}`;
    expect(loadRuleFiles(folder({ 'a.yml': file('1m') })).groups[0].interval).toEqual(Duration.minutes(1));
    expect(failure(() => loadRuleFiles(folder({ 'a.yml': file('10m') })))).toMatch(
      /^rule file '.*a\.yml': alert 'CustomAlert': 'for' must be 0s or at least the evaluation interval \(10m\), got 5m$/,
    );
  });

  test('an empty file, and a file with no groups, hold no groups', () => {
    expect(loadRuleFiles(folder({ 'a.yml': '', 'b.yaml': 'groups: []\n' })).groups).toEqual([]);
  });

  test('files other than *.yml and *.yaml are left alone', () => {
    expect(loadRuleFiles(folder({ 'README.md': '# notes', 'a.yml.bak': 'x: [' })).groups).toEqual([]);
  });

  test('a recording rule of one file is a metric the alerts of another may select', () => {
    const records =
      'groups:\n  - name: records\n    rules:\n      - record: team:battery:min\n        expr: min(battery_level_percent)\n';
    const dir = folder({
      'a.yml': records,
      'b.yml': alertFile(GOOD.replace('battery_level_percent', 'team:battery:min')),
    });
    expect(loadRuleFiles(dir).groups.map((g) => g.name)).toEqual(['records', 'team']);
  });

  test('a metric outside the catalogue is refused unless allowMetrics names it', () => {
    const dir = folder({ 'team.yml': alertFile(GOOD.replace('battery_level_percent', 'wake_words_total')) });
    expect(failure(() => loadRuleFiles(dir))).toMatch(
      /^rule file '.*team\.yml': alert 'CustomAlert': 'expr' selects metric 'wake_words_total', which is not in the metric catalogue/,
    );
    expect(loadRuleFiles(dir, { allowMetrics: ['wake_words_total'] }).groups).toHaveLength(1);
  });

  test('reads the catalogue it is given', () => {
    const dir = folder({ 'team.yml': alertFile(GOOD.replace('battery_level_percent', 'fleet:up:devices')) });
    const stack = new MonitoringStack(Testing.app(), 'stack', config);
    expect(loadRuleFiles(dir, { catalogue: stack.catalogue }).groups).toHaveLength(1);
  });

  test.each([
    [
      'PromQL that does not parse',
      GOOD.replace('< 10', '<'),
      /alert 'CustomAlert': 'expr' is not valid PromQL \(.*\): /,
    ],
    [
      'a duration Prometheus would refuse',
      GOOD.replace('for: 5m', 'for: 5 minutes'),
      /alert 'CustomAlert': 'for' must be a Prometheus duration like 30s, 5m or 1h30m, got "5 minutes"$/,
    ],
    [
      'no severity',
      GOOD.replace('severity: warning', 'tier: two'),
      /alert 'CustomAlert': label 'severity' must be one of critical, warning, info, none \(routing relies on it\), got null$/,
    ],
    [
      'a severity outside the closed set',
      GOOD.replace('severity: warning', 'severity: page'),
      /label 'severity' must be one of .*, got "page"$/,
    ],
    ['no summary', GOOD.replace(/summary: .*/, 'title: x'), /alert 'CustomAlert': annotation 'summary' is required/],
    [
      'an unclosed template',
      GOOD.replace('{{ $value }}', '{{ $value'),
      /annotation 'description' is not a valid Go template: /,
    ],
    [
      'a field Prometheus does not read',
      `${GOOD}\nseverity: warning`,
      /alert 'CustomAlert': field 'severity' is not read by Prometheus \(allowed: alert, expr, for, keep_firing_for, labels, annotations\)$/,
    ],
    [
      'a label that is not a string',
      GOOD.replace('team: audio', 'team: [audio]'),
      /alert 'CustomAlert': labels 'team' must be a string, got \["audio"\]$/,
    ],
  ])('fails with one sentence naming the file on %s', (_case, fields, message) => {
    const dir = folder({ 'team.yml': alertFile(fields) });
    const line = failure(() => loadRuleFiles(dir));
    expect(line).toMatch(/^rule file '.*team\.yml': /);
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });

  test('fails on an alert name typed rules would refuse, and a name given twice in a group', () => {
    expect(failure(() => loadRuleFiles(folder({ 'a.yml': alertFile(GOOD, 'Custom Alert') })))).toMatch(
      /^rule file '.*a\.yml': alert 'Custom Alert': 'name' must match/,
    );
    const twice = `${alertFile(GOOD)}${alertFile(GOOD).split('\n').slice(3).join('\n')}`;
    expect(failure(() => loadRuleFiles(folder({ 'a.yml': twice })))).toMatch(
      /^rule file '.*a\.yml': rule group 'team': alert 'CustomAlert' is defined twice; alert names must be unique$/,
    );
  });

  test('fails on a group field this stack does not render, and on a group name that is no file name', () => {
    const limit = alertFile(GOOD).replace('  - name: team\n', '  - name: team\n    limit: 10\n');
    expect(failure(() => loadRuleFiles(folder({ 'a.yml': limit })))).toMatch(
      /^rule file '.*a\.yml': groups\[0\]: field 'limit' is not supported \(allowed: name, interval, rules\)$/,
    );
    expect(
      failure(() => loadRuleFiles(folder({ 'a.yml': alertFile(GOOD).replace('name: team', 'name: Team_A') }))),
    ).toMatch(/^rule file '.*a\.yml': rule group 'Team_A': 'name' must be lower-case letters/);
  });

  test('malformed YAML is one sentence with its line and column', () => {
    const line = failure(() => loadRuleFiles(folder({ 'bad.yml': 'groups:\n  - name: team\n    rules: [\n' })));
    expect(line).toMatch(/^rule file '.*bad\.yml': not valid YAML at line 4, column 1: Flow sequence .*$/);
  });

  test('an unreadable folder is one sentence naming it', () => {
    expect(failure(() => loadRuleFiles(join(tmpdir(), 'no-such-folder-here')))).toMatch(
      /^rule files: cannot read the folder '.*no-such-folder-here' \(ENOENT\)$/,
    );
  });

  test('a test file must name rule files of its folder', () => {
    const tests = (ruleFiles: string) => `rule_files: [${ruleFiles}]\ntests:\n  - input_series: []\n`;
    const dir = folder({ 'team.yml': alertFile(GOOD), 'team.test.yml': tests('team.yml') });
    const { groups, tests: found } = loadRuleFiles(dir);
    expect(renderedRuleTest(found[0], groups)).toMatchObject({ rule_files: ['team.rules.yaml'] });
    expect(
      failure(() => loadRuleFiles(folder({ 'team.yml': alertFile(GOOD), 'team.test.yml': tests('other.yml') }))),
    ).toMatch(
      /^rule test file '.*team\.test\.yml': 'rule_files' names "other\.yml", which is not a rule file of its folder \(rule files: .*team\.yml\)$/,
    );
    expect(failure(() => loadRuleFiles(folder({ 'team.test.yml': 'rule_files: []\ntests: []\n' })))).toMatch(
      /'tests' must list at least one test$/,
    );
  });

  test('errors name the file relative to the folder the synth runs in', () => {
    const dir = join(process.cwd(), 'build', 'rule-files-test');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'team.yml'), alertFile(GOOD.replace('< 10', '<')));
    expect(failure(() => loadRuleFiles(dir))).toMatch(
      new RegExp(`^rule file '${relative(process.cwd(), dir)}/team\\.yml': `),
    );
  });
});

describe('rule files in the stack', () => {
  const typed = config.alertGroups.find((g) => g.name === 'device-health')!;

  test('an alert named like a typed one fails, naming the file', () => {
    const dir = folder({ 'team.yml': alertFile(GOOD, 'DeviceOffline') });
    const stack = () =>
      new MonitoringStack(Testing.app(), 'stack', { ...config, ruleGroups: loadRuleFiles(dir).groups });
    expect(failure(stack)).toMatch(
      /^rule file '.*team\.yml': alert 'DeviceOffline': defined in rule groups 'device-health' \(in code\) and 'team' \(in '.*team\.yml'\); alert names must be unique across the stack$/,
    );
    expect(typed.rules.some((r) => r.name === 'DeviceOffline')).toBe(true);
  });

  test('a group named like a typed one fails, naming the file', () => {
    const dir = folder({ 'team.yml': alertFile(GOOD).replace('name: team', 'name: hardware') });
    const stack = () =>
      new MonitoringStack(Testing.app(), 'stack', { ...config, ruleGroups: loadRuleFiles(dir).groups });
    expect(failure(stack)).toMatch(
      /^rule file '.*team\.yml': PrometheusRules 'prometheus-rules': rule group 'hardware' is defined twice \(in code and in '.*team\.yml'\)/,
    );
  });

  test('the rule file groups are rendered into the rule ConfigMap beside the typed ones', () => {
    const stack = new MonitoringStack(Testing.app(), 'stack', config);
    const group = stack.ruleGroups.find((g) => g.name === 'edge-cpu')!;
    expect(stack.rules.files['edge-cpu.rules.yaml']).toBe(renderRuleFile(group));
    expect(stack.catalogue.has('device:cpu_usage_percent:avg5m')).toBe(true);
  });
});
