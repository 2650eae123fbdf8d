import { AlertRule, type AlertShaping, AlertText, Duration, Milliseconds, SERVICE_METRICS } from '../../../lib';
import { renderRuleFile } from '../../../lib/prometheus/prometheus-rules';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { run } from '../../support/programs';
import { testFileName, writeRuleFiles } from '../../support/rule-files';

/** The typed shaping options of a threshold alert: rendering, validation, and promtool judging the generated tests. */
const latency = (shaping: AlertShaping) =>
  AlertRule.threshold({
    name: 'HighInferenceLatency',
    severity: 'warning',
    metric: SERVICE_METRICS.inferenceLatency,
    op: '>',
    threshold: Milliseconds.of(25),
    for: Duration.minutes(5),
    series: { device: 'edge-01' },
    summary: AlertText.of`slow`,
    description: AlertText.of`slow`,
    ...shaping,
  });
const group = (rule: AlertRule) =>
  new RuleGroup({
    name: 'shaped',
    interval: Duration.seconds(30),
    rules: [rule],
    runbookBaseUrl: 'https://example.org/r.md',
  });

const OPTIONS: Array<[string, AlertShaping, string]> = [
  ['bare', {}, 'inference_latency_ms > 25'],
  [
    'avg_over_time',
    { smoothing: { fn: 'avg_over_time', window: Duration.minutes(5) } },
    'avg_over_time(inference_latency_ms[5m]) > 25',
  ],
  [
    'quantile_over_time',
    { smoothing: { fn: 'quantile_over_time', quantile: 0.9, window: Duration.minutes(5) } },
    'quantile_over_time(0.9, inference_latency_ms[5m]) > 25',
  ],
  [
    'max_over_time + keep_firing_for',
    { smoothing: { fn: 'max_over_time', window: Duration.minutes(3) }, keepFiringFor: Duration.minutes(10) },
    'max_over_time(inference_latency_ms[3m]) > 25',
  ],
  [
    'min_over_time',
    { smoothing: { fn: 'min_over_time', window: Duration.minutes(3) } },
    'min_over_time(inference_latency_ms[3m]) > 25',
  ],
  ['keep_firing_for', { keepFiringFor: Duration.minutes(15) }, 'inference_latency_ms > 25'],
];

describe('threshold alert shaping', () => {
  test.each(OPTIONS)('%s renders its expression, and keep_firing_for only when set', (_name, shaping, expr) => {
    const rule = latency(shaping);
    expect(rule.expr).toBe(expr);
    const file = renderRuleFile(group(rule));
    expect(file).toContain(`expr: ${expr}`);
    if (shaping.keepFiringFor) expect(file).toContain(`keep_firing_for: ${shaping.keepFiringFor.toPrometheus()}`);
    else expect(file).not.toContain('keep_firing_for');
  });

  test.each(OPTIONS)(
    '%s: promtool passes the generated tests (past fires, inside never, back inside keeps firing)',
    (_name, shaping) => {
      const g = group(latency(shaping));
      const names = g.rules[0].testCases(g.interval).map((c) => c.name);
      expect(names.some((n) => /keeps firing for/.test(n))).toBe(shaping.keepFiringFor !== undefined);
      const dir = writeRuleFiles([g]);
      const result = run('promtool', ['test', 'rules', testFileName(g)], dir);
      expect(result.stdout + result.stderr).toContain('SUCCESS');
    },
  );

  test('the keep_firing_for test fails against a rule that resolves at once', () => {
    const g = group(latency({ keepFiringFor: Duration.minutes(15) }));
    const dir = writeRuleFiles([g], (x) => renderRuleFile(x).replace(/\s*keep_firing_for: 15m/, ''));
    const result = run('promtool', ['test', 'rules', testFileName(g)], dir);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/back inside 25 ms keeps firing for 15m/);
  });

  test('fails when quantile_over_time has no quantile', () => {
    expect(() => latency({ smoothing: { fn: 'quantile_over_time', window: Duration.minutes(5) } })).toThrow(
      "alert 'HighInferenceLatency': 'smoothing' 'quantile' must be between 0 and 1 for quantile_over_time, got undefined",
    );
  });

  test('fails when another function is given a quantile', () => {
    expect(() => latency({ smoothing: { fn: 'avg_over_time', quantile: 0.5, window: Duration.minutes(5) } })).toThrow(
      /'quantile' is only read by quantile_over_time/,
    );
  });

  test('fails on a zero window', () => {
    expect(() => latency({ smoothing: { fn: 'avg_over_time', window: Duration.ZERO } })).toThrow(
      /'smoothing' 'window' must be a positive duration, got 0s/,
    );
  });

  test('fails on a negative keepFiringFor', () => {
    expect(() => latency({ keepFiringFor: Duration.seconds(-1) })).toThrow(/'keepFiringFor' must not be negative/);
  });

  test('fails when keepFiringFor is shorter than the evaluation interval', () => {
    expect(() => group(latency({ keepFiringFor: Duration.seconds(10) }))).toThrow(
      "alert 'HighInferenceLatency': 'keepFiringFor' must be 0s or at least the evaluation interval (30s), got 10s",
    );
  });
});

describe('a resolve level (hysteresis)', () => {
  const banded = (resolve: ReturnType<typeof Milliseconds.of>, extra: AlertShaping = {}) =>
    AlertRule.threshold({
      name: 'HighInferenceLatency',
      severity: 'warning',
      metric: SERVICE_METRICS.inferenceLatency,
      op: '>',
      threshold: Milliseconds.of(25),
      resolve,
      for: Duration.minutes(5),
      series: { device: 'edge-01' },
      labels: { team: 'audio' },
      summary: AlertText.of`slow`,
      description: AlertText.of`slow`,
      ...extra,
    });

  test('fires past the fire level, and once firing holds until past the resolve level, reading its own ALERTS', () => {
    expect(banded(Milliseconds.of(20)).expr).toBe(
      'inference_latency_ms > 25 or (inference_latency_ms >= 20 and ignoring (alertname, alertstate, severity, team) ' +
        'ALERTS{alertname="HighInferenceLatency",alertstate="firing"})',
    );
    expect(banded(Milliseconds.of(20)).line().resolve?.in(Milliseconds.unit)).toBe(20);
  });

  test('fails when the resolve level is not inside the fire level', () => {
    expect(() => banded(Milliseconds.of(30))).toThrow(
      "alert 'HighInferenceLatency': 'resolve' must be below 'threshold' (25 ms) for an alert firing above it, got 30 ms",
    );
    expect(() => banded(Milliseconds.of(25))).toThrow(/'resolve' must be below 'threshold'/);
    expect(() => banded(Milliseconds.of(Number.NaN))).toThrow(/'resolve' must be a finite/);
  });

  test.each([
    ['alone', {}],
    ['with keepFiringFor', { keepFiringFor: Duration.minutes(2) }],
  ] as const)(
    'promtool passes the generated band tests %s, and they fail against a rule without the band',
    (_n, extra) => {
      const g = group(banded(Milliseconds.of(20), extra));
      const names = g.rules[0].testCases(g.interval).map((c) => c.name);
      expect(names).toEqual(
        expect.arrayContaining([expect.stringMatching(/keeps firing$/), expect.stringMatching(/, resolves$/)]),
      );
      const dir = writeRuleFiles([g], () => renderRuleFile(g));
      const ok = run('promtool', ['test', 'rules', testFileName(g)], dir);
      expect(ok.stdout + ok.stderr).toContain('SUCCESS');
      const bare = writeRuleFiles([g], () => renderRuleFile(group(latency(extra))));
      const failed = run('promtool', ['test', 'rules', testFileName(g)], bare);
      expect(failed.status).not.toBe(0);
      expect(failed.stdout + failed.stderr).toMatch(/inside the band just short of 20 ms .* keeps firing/);
    },
  );
});
