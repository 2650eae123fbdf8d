import {
  AlertRule,
  type AlertRuleProps,
  AlertText,
  Celsius,
  DEFAULT_CATALOGUE,
  Duration,
  Milliseconds,
  Percent,
  SERVICE_METRICS,
  ThresholdAlertRule,
  Units,
} from '../../../lib';

const custom = (overrides: Partial<AlertRuleProps> = {}): AlertRule =>
  new AlertRule({
    name: 'CustomAlert',
    expr: 'battery_level_percent < 10',
    for: Duration.minutes(5),
    severity: 'warning',
    summary: AlertText.template('Battery low on {{ $labels.device }}'),
    description: AlertText.template('Battery is at {{ $value }}%'),
    ...overrides,
  });

const latency = (threshold = Milliseconds.of(25)) =>
  AlertRule.threshold({
    name: 'HighInferenceLatency',
    severity: 'warning',
    metric: SERVICE_METRICS.inferenceLatency,
    op: '>',
    threshold,
    for: Duration.minutes(5),
    summary: AlertText.of`slow`,
    description: AlertText.of`slow`,
  });

describe('AlertRule', () => {
  test('a team adds its own alert with the same checks (the custom alert API)', () => {
    const rule = custom();
    expect(rule).toMatchObject({
      name: 'CustomAlert',
      expr: 'battery_level_percent < 10',
      severity: 'warning',
      runbook: 'customalert',
    });
    expect(rule.for.toPrometheus()).toBe('5m');
    expect(rule.ruleLabels).toEqual({ severity: 'warning' });
    expect(rule.testCases(Duration.seconds(30))).toEqual([]);
  });

  test('a custom alert may query a team metric added to the catalogue', () => {
    const catalogue = DEFAULT_CATALOGUE.with({
      name: 'wake_words_total',
      type: 'counter',
      unit: Units.count,
      help: 'Wake words heard.',
    });
    expect(custom({ expr: 'rate(wake_words_total[5m]) == 0', catalogue }).expr).toBe('rate(wake_words_total[5m]) == 0');
  });

  test('a threshold alert converts the threshold into the metric unit', () => {
    expect(latency(Milliseconds.of(25)).expr).toBe('inference_latency_ms > 25');
    expect(
      AlertRule.threshold({
        name: 'LowModelAccuracy',
        severity: 'critical',
        metric: SERVICE_METRICS.modelAccuracy,
        op: '<',
        threshold: Percent.of(90),
        for: Duration.minutes(10),
        summary: AlertText.of`low`,
        description: AlertText.of`low`,
      }).expr,
    ).toBe('model_accuracy < 0.9');
  });

  test('a threshold alert derives tests just past and just inside the threshold', () => {
    const cases = latency().testCases(Duration.seconds(30));
    expect(cases.map((c) => c.input[0].values)).toEqual(['25.025x24', '24.975x24']);
    expect(cases[0].checks!.map((c) => [c.at.toPrometheus(), c.firing.length])).toEqual([
      ['4m30s', 0],
      ['5m30s', 1],
    ]);
    expect(cases[1].checks!.every((c) => c.firing.length === 0)).toBe(true);
  });

  test('a negative temperature threshold is allowed', () => {
    expect(
      AlertRule.threshold({
        name: 'TooCold',
        severity: 'info',
        metric: SERVICE_METRICS.deviceTemperature,
        op: '<',
        threshold: Celsius.of(-20),
        for: Duration.minutes(5),
        summary: AlertText.of`cold`,
        description: AlertText.of`cold`,
      }).expr,
    ).toBe('device_temperature_celsius < -20');
  });

  test('fails when a threshold is negative', () => {
    expect(() => latency(Milliseconds.of(-25))).toThrow(
      "alert 'HighInferenceLatency': 'threshold' must be a finite, non-negative amount, got -25 ms",
    );
  });

  test('fails when a threshold is NaN', () => {
    expect(() => latency(Milliseconds.of(Number.NaN))).toThrow(
      "alert 'HighInferenceLatency': 'threshold' must be a finite, non-negative amount, got NaN ms",
    );
  });

  test('fails when the PromQL does not parse', () => {
    expect(() => custom({ expr: 'battery_level_percent <' })).toThrow(
      /^alert 'CustomAlert': 'expr' is not valid PromQL \(unexpected input at character 24\): battery_level_percent <$/,
    );
  });

  test('fails when the PromQL selects a metric not in the catalogue', () => {
    expect(() => custom({ expr: 'battery_percent < 10' })).toThrow(
      /^alert 'CustomAlert': 'expr' selects metric 'battery_percent', which is not in the metric catalogue \(known: .*battery_level_percent/,
    );
  });

  test('fails on an alert name Prometheus would reject', () => {
    expect(() => custom({ name: 'High-Latency' })).toThrow(/^alert 'High-Latency': 'name' must match/);
  });

  test('fails on a label name Prometheus would reject', () => {
    expect(() => custom({ labels: { 'team-name': 'audio' } })).toThrow(
      /^alert 'CustomAlert': label name 'team-name' must match/,
    );
    expect(() => custom({ labels: { __team: 'audio' } })).toThrow(/label name '__team' must not start with "__"/);
  });

  test('fails when labels try to override severity', () => {
    expect(() => custom({ labels: { severity: 'critical' } })).toThrow(/label 'severity' is set by the rule itself/);
  });

  test('fails on a severity outside the closed set', () => {
    expect(() => custom({ severity: 'page' as never })).toThrow(
      /'severity' must be one of critical, warning, info, none, got 'page'/,
    );
  });

  test('fails on a negative for', () => {
    expect(() => custom({ for: Duration.minutes(-1) })).toThrow(
      /^alert 'CustomAlert': 'for' must not be negative, got -60000ms$/,
    );
  });

  test('fails on an empty summary', () => {
    expect(() => custom({ summary: AlertText.template(' ') })).toThrow(/'summary' must not be empty/);
  });

  test('fails on a runbook anchor that is not one', () => {
    expect(() => custom({ runbook: 'Custom Alert' })).toThrow(
      /'runbook' must be an anchor of lower-case letters, digits and "-", got 'Custom Alert'/,
    );
  });
});

describe("a threshold alert's dashboard line", () => {
  test('is its own threshold, side, severity, name and for', () => {
    expect(latency(Milliseconds.of(25)).line()).toEqual({
      threshold: Milliseconds.of(25),
      bad: 'above',
      severity: 'warning',
      alert: { name: 'HighInferenceLatency', for: Duration.minutes(5) },
    });
    const accuracy = AlertRule.threshold({
      name: 'LowModelAccuracy',
      severity: 'critical',
      metric: SERVICE_METRICS.modelAccuracy,
      op: '<',
      threshold: Percent.of(90),
      for: Duration.minutes(10),
      summary: AlertText.of`low`,
      description: AlertText.of`low`,
    });
    expect(accuracy.line()).toMatchObject({ threshold: Percent.of(90), bad: 'below', severity: 'critical' });
  });

  test('moves with the threshold the alert was built from', () => {
    expect(latency(Milliseconds.of(40)).line().threshold).toEqual(Milliseconds.of(40));
    expect(latency(Milliseconds.of(40)).expr).toBe('inference_latency_ms > 40');
  });

  test('a threshold alert on an expression renders `<value> op <threshold in its unit>` and draws its line', () => {
    const drop = new ThresholdAlertRule({
      name: 'AccuracyDropping',
      severity: 'warning',
      value: 'avg_over_time(model_accuracy[6h] offset 1h) - avg_over_time(model_accuracy[10m])',
      unit: Units.ratio,
      op: '>',
      threshold: Percent.of(5),
      for: Duration.minutes(15),
      summary: AlertText.of`drop`,
      description: AlertText.of`drop`,
    });
    expect(drop.expr).toBe('avg_over_time(model_accuracy[6h] offset 1h) - avg_over_time(model_accuracy[10m]) > 0.05');
    expect(drop.line()).toMatchObject({ threshold: Percent.of(5), bad: 'above', alert: { name: 'AccuracyDropping' } });
  });

  test('fails for an alert whose severity colours no line', () => {
    const cold = AlertRule.threshold({
      name: 'TooCold',
      severity: 'info',
      metric: SERVICE_METRICS.deviceTemperature,
      op: '<',
      threshold: Celsius.of(-20),
      for: Duration.minutes(5),
      summary: AlertText.of`cold`,
      description: AlertText.of`cold`,
    });
    expect(() => cold.line()).toThrow(
      "alert 'TooCold': line() colours a line by severity critical or warning, got 'info'",
    );
  });

  test('fails when the threshold of an expression alert is negative', () => {
    expect(
      () =>
        new ThresholdAlertRule({
          name: 'AccuracyDropping',
          severity: 'warning',
          value: 'model_accuracy',
          unit: Units.ratio,
          op: '>',
          threshold: Percent.of(-5),
          for: Duration.minutes(15),
          summary: AlertText.of`drop`,
          description: AlertText.of`drop`,
        }),
    ).toThrow("alert 'AccuracyDropping': 'threshold' must be a finite, non-negative amount, got -5%");
  });
});
