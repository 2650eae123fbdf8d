import { Duration, RecordingRule, SERVICE_METRICS, Units } from '../../../lib';
import { renderRuleFile } from '../../../lib/prometheus/prometheus-rules';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { run } from '../../support/programs';
import { testFileName, writeRuleFiles } from '../../support/rule-files';

const latencyAvg = {
  name: 'device:inference_latency_ms:avg5m',
  type: 'gauge',
  unit: Units.milliseconds,
  help: 'Mean inference latency over 5 minutes.',
} as const;

const record = (expr = 'avg_over_time(inference_latency_ms[5m])') =>
  new RecordingRule({
    metric: latencyAvg,
    expr,
    tests: (interval) => [
      {
        name: 'averages the latency',
        interval,
        input: [{ series: 'inference_latency_ms{device="edge-01"}', values: '10 20 30 40 50 60 70 80 90 100 110' }],
        exprChecks: [
          {
            at: Duration.minutes(2),
            expr: latencyAvg.name,
            samples: [{ labels: { __name__: latencyAvg.name, device: 'edge-01' }, value: 30 }],
          },
        ],
      },
    ],
  });

const group = (records: RecordingRule[]) =>
  new RuleGroup({
    name: 'records',
    interval: Duration.seconds(30),
    rules: [],
    records,
    runbookBaseUrl: 'https://example.org/r.md',
  });

describe('RecordingRule', () => {
  test('renders as record before the alerts of its group', () => {
    expect(renderRuleFile(group([record()]))).toContain(
      `- record: ${latencyAvg.name}\n        expr: avg_over_time(inference_latency_ms[5m])`,
    );
  });

  test('its promql_expr_test passes in the real promtool, and fails when the rule changes', () => {
    const dir = writeRuleFiles([group([record()])]);
    const ok = run('promtool', ['test', 'rules', testFileName(group([record()]))], dir);
    expect(ok.stdout).toContain('SUCCESS');
    expect(ok.status).toBe(0);
    const drifted = group([record('max_over_time(inference_latency_ms[5m])')]);
    const bad = run('promtool', ['test', 'rules', testFileName(drifted)], writeRuleFiles([drifted]));
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/exp: .*device="edge-01"} 3E\+01\s+got: .*device="edge-01"} 5E\+01/);
  });

  test('fails when the PromQL selects a metric not in the catalogue', () => {
    expect(() => record('avg_over_time(latency[5m])')).toThrow(
      /^recording rule 'device:inference_latency_ms:avg5m': 'expr' selects metric 'latency', which is not in the metric catalogue/,
    );
  });

  test('fails when the PromQL does not parse', () => {
    expect(() => record('avg_over_time(inference_latency_ms[5m]')).toThrow(/'expr' is not valid PromQL/);
  });

  test('fails on a recorded name Prometheus would reject', () => {
    expect(
      () =>
        new RecordingRule({ metric: { ...SERVICE_METRICS.cpuUsage, name: 'cpu-usage' }, expr: 'cpu_usage_percent' }),
    ).toThrow(/^recording rule 'cpu-usage': 'record' must be a valid metric name/);
  });

  test('fails when a group records the same metric twice', () => {
    expect(() => group([record(), record()])).toThrow(
      /recording rule 'device:inference_latency_ms:avg5m' is defined twice/,
    );
  });
});
