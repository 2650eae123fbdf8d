import { App } from 'cdk8s';
import { deviceAlerts, scaleDurations, THRESHOLDS } from '../../../alerts';
import { stackConfig } from '../../../config';
import { Duration, MonitoringStack, Units } from '../../../lib';

describe('scaleDurations', () => {
  test('scales every duration and leaves every amount alone', () => {
    const fast = scaleDurations(THRESHOLDS, 1 / 60);
    expect(fast.inferenceLatency.for.toPrometheus()).toBe('5s');
    expect(fast.deviceOffline.forgetAfter.toPrometheus()).toBe('1m');
    expect(fast.inferenceLatency.warning.in(Units.milliseconds)).toBe(25);
    expect(fast.modelAccuracy.critical).toBe(THRESHOLDS.modelAccuracy.critical);
    expect(THRESHOLDS.inferenceLatency.for.toPrometheus()).toBe('5m');
  });

  test('the alerts built from scaled thresholds keep their thresholds and shorten their timing', () => {
    const rules = deviceAlerts(scaleDurations(THRESHOLDS, 1 / 60));
    expect(rules.highInferenceLatency.expr).toBe('inference_latency_ms > 25');
    expect(rules.highInferenceLatency.for.toPrometheus()).toBe('5s');
    expect(rules.deviceOffline.expr).toContain('[1m]');
  });

  test('a whole stack builds on the compressed clock', () => {
    const stack = new MonitoringStack(new App(), 'stack', {
      ...stackConfig(scaleDurations(THRESHOLDS, 1 / 60)),
      evaluationInterval: Duration.seconds(1),
    });
    expect(stack.ruleGroups.find((g) => g.name === 'device-health')!.rules.map((r) => r.for.toPrometheus())).toEqual([
      '2s',
      '5s',
      '5s',
      '10s',
      '10s',
    ]);
  });

  test('fails on a factor that is not a positive number', () => {
    expect(() => scaleDurations(THRESHOLDS, 0)).toThrow("scaleDurations: 'factor' must be a positive number, got 0");
  });
});
