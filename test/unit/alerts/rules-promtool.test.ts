import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { EXAMPLE_DEVICE, THRESHOLDS } from '../../../alerts';
import { config } from '../../../config';
import { AlertRule, AlertText, Duration, Milliseconds, MonitoringStack, SERVICE_METRICS } from '../../../lib';
import { renderRuleFile } from '../../../lib/prometheus/prometheus-rules';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { byKind, exampleDir, loadDist } from '../../support/dist';
import { run } from '../../support/programs';
import { testFileName, writeRuleFiles } from '../../support/rule-files';

/** The rule files exactly as the stack renders them into its ConfigMap. */
function stackRuleFiles() {
  const stack = new MonitoringStack(Testing.app(), 'stack', config);
  const dir = writeRuleFiles(stack.ruleGroups, (group) => stack.rules.files[group.fileName]);
  return { stack, dir };
}

describe('the seed alert rules, judged by the real promtool', () => {
  const { stack, dir } = stackRuleFiles();

  test.each(stack.ruleGroups.map((g) => [g.name, g] as const))('promtool check rules accepts %s', (_name, group) => {
    const result = run('promtool', ['check', 'rules', group.fileName], dir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`SUCCESS: ${group.rules.length + group.records.length} rules found`);
    expect(result.status).toBe(0);
  });

  test.each(stack.ruleGroups.map((g) => [g.name, g] as const))(
    'promtool test rules passes the tests generated for %s',
    (_name, group) => {
      const result = run('promtool', ['test', 'rules', testFileName(group)], dir);
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.status).toBe(0);
    },
  );

  test('every seed alert has generated tests; every threshold alert one past and one inside its threshold, and both sides of its resolve level', () => {
    const caseNames = Object.fromEntries(
      stack.ruleGroups.flatMap((g) => g.rules.map((r) => [r.name, r.testCases(g.interval).map((c) => c.name)])),
    );
    for (const name of [
      'LowThroughput',
      'LowModelAccuracy',
      'HighInferenceLatency',
      'HighPowerConsumption',
      'HighMemoryUsage',
      'DeviceTooHot',
      'BatteryLow',
    ]) {
      // The band of its resolve level (alerts/thresholds.ts): kept firing just inside it, resolved just past it.
      expect([name, caseNames[name]]).toEqual([
        name,
        [
          expect.stringMatching(/just past .* fires after/),
          expect.stringMatching(/just inside .* never fires/),
          expect.stringMatching(/inside the band just short of .* keeps firing/),
          expect.stringMatching(/just past .*, resolves/),
        ],
      ]);
    }
    expect(caseNames.DeviceOffline).toEqual(
      expect.arrayContaining([
        'a target reporting down fires after for',
        'a target gone from discovery fires after for, until forgetAfter',
      ]),
    );
    expect(caseNames.ModelAccuracyDegrading).toHaveLength(2);
  });

  test('the generated tests fail when a rule file drifts from its thresholds', () => {
    const drifted = writeRuleFiles(stack.ruleGroups, (group) =>
      stack.rules.files[group.fileName]
        .replaceAll('audio_samples_processed_per_second < 16000', 'audio_samples_processed_per_second < 15900')
        .replaceAll('inference_latency_ms > 25', 'inference_latency_ms > 24.9')
        .replaceAll('inference_latency_ms >= 20', 'inference_latency_ms >= 20.1')
        .replaceAll('for: 2m', 'for: 4m'),
    );
    const device = stack.ruleGroups.find((g) => g.name === 'device-health')!;
    const result = run('promtool', ['test', 'rules', testFileName(device)], drifted);
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('FAILED');
    expect(output).toMatch(/LowThroughput: audio_samples_processed_per_second just past 16000 Hz/);
    expect(output).toMatch(/HighInferenceLatency: inference_latency_ms just inside 25 ms/);
    expect(output).toMatch(/HighInferenceLatency: inference_latency_ms fired, then inside the band/);
    expect(output).toMatch(/DeviceOffline: a target reporting down fires after for/);
  });

  test('the dist/ rule files and the stack render the same bytes', () => {
    // Guards the promtool runs above: they judge what `kubectl apply -f dist/` installs.
    const distDir = join(__dirname, '../../../dist/standalone');
    const dist = readFileSync(
      join(distDir, readdirSync(distDir).find((f) => /^\d{4}-prometheus\.k8s\.yaml$/.test(f))!),
      'utf8',
    );
    for (const group of stack.ruleGroups) {
      const indented = stack.rules.files[group.fileName]
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
      expect(dist).toContain(indented);
    }
  });
});

describe('a retuned threshold moves the rule and its tests together', () => {
  test('latency at 40 ms: the rule compares with 40 and the generated tests pass in promtool', () => {
    const retuned = AlertRule.threshold({
      name: 'HighInferenceLatency',
      severity: 'warning',
      metric: SERVICE_METRICS.inferenceLatency,
      op: '>',
      threshold: Milliseconds.of(40),
      for: THRESHOLDS.inferenceLatency.for,
      series: EXAMPLE_DEVICE,
      summary: AlertText.of`slow`,
      description: AlertText.of`slow`,
    });
    const group = new RuleGroup({
      name: 'retuned',
      interval: Duration.seconds(30),
      rules: [retuned],
      runbookBaseUrl: 'https://example.org/r.md',
    });
    expect(renderRuleFile(group)).toContain('expr: inference_latency_ms > 40');
    const dir = writeRuleFiles([group]);
    expect(readFileSync(join(dir, testFileName(group)), 'utf8')).toMatch(/values: 40\.04x\d+/);
    const result = run('promtool', ['test', 'rules', testFileName(group)], dir);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.status).toBe(0);

    // The same tests against the old 25 ms rule fail: the tests really follow the threshold.
    writeFileSync(join(dir, group.fileName), renderRuleFile(group).replace('> 40', '> 25'));
    expect(run('promtool', ['test', 'rules', testFileName(group)], dir).status).not.toBe(0);
  });
});

/**
 * Operator mode: the rule groups exactly as dist/operator/ holds them, extracted from the
 * PrometheusRules' `spec.groups` (the operator writes each object's groups into a rule file as they
 * are), judged by the same generated tests as the standalone rule files.
 */
describe('the PrometheusRules of dist/operator/, judged by the same promtool tests', () => {
  const { stack } = stackRuleFiles();
  const rules = byKind(loadDist(exampleDir('operator')), 'PrometheusRule');
  const extracted = Object.fromEntries(
    rules.flatMap((r) =>
      (r.object.spec as { groups: Array<{ name: string }> }).groups.map((g) => [g.name, { groups: [g] }]),
    ),
  );
  const dir = writeRuleFiles(stack.ruleGroups, (group) => stringify(extracted[group.name]));

  test('one PrometheusRule per rule group, with the same groups', () => {
    expect(rules).toHaveLength(stack.ruleGroups.length);
    expect(Object.keys(extracted).sort()).toEqual(stack.ruleGroups.map((g) => g.name).sort());
  });

  test.each(stack.ruleGroups.map((g) => [g.name, g] as const))('promtool check rules accepts %s', (_name, group) => {
    const result = run('promtool', ['check', 'rules', group.fileName], dir);
    expect(result.stdout).toContain(`SUCCESS: ${group.rules.length + group.records.length} rules found`);
    expect(result.status).toBe(0);
  });

  test.each(stack.ruleGroups.map((g) => [g.name, g] as const))(
    'promtool test rules passes the tests generated for %s',
    (_name, group) => {
      const result = run('promtool', ['test', 'rules', testFileName(group)], dir);
      expect(result.stdout + result.stderr).toContain('SUCCESS');
      expect(result.status).toBe(0);
    },
  );
});
