import { App } from 'cdk8s';
import {
  ALERTMANAGER_ALERTS,
  alertmanagerAlerts,
  deviceAlerts,
  PROMETHEUS_ALERTS,
  prometheusAlerts,
  scaleDurations,
  THRESHOLDS,
} from '../../../alerts';
import { stackConfig } from '../../../config';
import { Duration, MonitoringStack, Percent, Units } from '../../../lib';

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
    expect(rules.highInferenceLatency.expr).toMatch(/^inference_latency_ms > 25 or \(inference_latency_ms >= 20 and /);
    expect(rules.highInferenceLatency.for.toPrometheus()).toBe('5s');
    expect(rules.deviceOffline.expr).toContain('[1m]');
  });

  test('a whole stack builds on the compressed clock', () => {
    const stack = new MonitoringStack(new App(), 'stack', {
      ...stackConfig(scaleDurations(THRESHOLDS, 1 / 60)),
      evaluationInterval: Duration.seconds(1),
    });
    const rules = stack.ruleGroups.find((g) => g.name === 'device-health')!.rules;
    const fleet = ['2s', '5s', '5s', '10s', '10s'];
    // DeviceOverSampleLimit after DeviceOffline, with its `for`; it has no fleet-level alert.
    const device = ['2s', '2s', '5s', '5s', '10s', '10s'];
    // PrometheusSeesNoDevice, the fleet alerts with their device alerts' `for`, then the device alerts.
    expect(rules.map((r) => r.for.toPrometheus())).toEqual(['2s', ...fleet, ...device]);
  });

  test('every alert of every group is built from the thresholds: each for scales, the self-monitoring windows too', () => {
    const rules = (config: ReturnType<typeof stackConfig>) => config.alertGroups.flatMap((g) => g.rules);
    const shipped = rules(stackConfig());
    const fast = rules(stackConfig(scaleDurations(THRESHOLDS, 1 / 60)));
    expect(fast.map((r) => r.name)).toEqual(shipped.map((r) => r.name));
    expect(fast.map((r) => r.for.milliseconds)).toEqual(shipped.map((r) => Math.round(r.for.milliseconds / 60)));
    for (const name of ['PrometheusConfigReloadFailed', 'AlertmanagerConfigReloadFailed'])
      expect(fast.find((r) => r.name === name)!.expr).toContain('[5s]');
  });

  test('the Prometheus and Alertmanager alerts follow a retuned threshold', () => {
    const retuned = {
      ...THRESHOLDS,
      prometheus: { ...THRESHOLDS.prometheus, targetsDown: Percent.of(25) },
      alertmanager: { ...THRESHOLDS.alertmanager, clusterDownFor: Duration.minutes(7) },
    };
    expect(prometheusAlerts(retuned).targetDown.expr).toMatch(/ > 25$/);
    expect(alertmanagerAlerts(retuned).alertmanagerClusterDown.for.toPrometheus()).toBe('7m');
    expect(PROMETHEUS_ALERTS).toEqual(Object.values(prometheusAlerts()));
    expect(ALERTMANAGER_ALERTS).toEqual(Object.values(alertmanagerAlerts(THRESHOLDS)));
  });

  test('fails on a factor that is not a positive number', () => {
    expect(() => scaleDurations(THRESHOLDS, 0)).toThrow("scaleDurations: 'factor' must be a positive number, got 0");
  });
});
