import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { THRESHOLDS } from '../alerts/thresholds';
import { DEVICE_TARGETS, PROMETHEUS_METRICS, SERVICE_METRICS } from '../lib/metrics';
import { Count } from '../lib/units';
import { Thresholds, above, below, dashboardBuilder, deviceSelector, statPanel, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * The fleet at a glance: how many devices report, and the worst device on each alerting metric,
 * coloured by the alert's threshold; then every device's target health over time.
 */
export function systemOverviewDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const T = thresholds;
  const up = deviceSelector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job });
  const worst = (fn: 'min' | 'max', metric: (typeof M)[keyof typeof M]) => `${fn}(${deviceSelector(metric)})`;
  const stat = { width: 3, height: 4, legend: '' } as const;
  return dashboardBuilder({
    uid: 'system-overview',
    title: 'System Overview',
    description: 'Devices reporting, the worst device on each alerting metric, and target health over time.',
  })
    .withPanel(statPanel({ ...stat, id: 1, title: 'Devices up', metric: PROMETHEUS_METRICS.up, expr: `sum(${up})`, description: 'Devices whose last scrape succeeded.' }))
    .withPanel(
      statPanel({
        ...stat,
        id: 2,
        title: 'Devices down',
        metric: PROMETHEUS_METRICS.up,
        expr: `count(${up} == 0) or vector(0)`,
        description: `Devices whose target reports down; DeviceOffline fires for each after ${T.deviceOffline.for}.`,
        // One device down is one too many: red from the first.
        line: above(Count.of(1), 'critical'),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 3,
        title: 'Slowest inference',
        metric: M.inferenceLatency,
        expr: worst('max', M.inferenceLatency),
        line: above(T.inferenceLatency.warning, 'warning', { name: 'HighInferenceLatency', for: T.inferenceLatency.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 4,
        title: 'Lowest throughput',
        metric: M.samplesPerSecond,
        expr: worst('min', M.samplesPerSecond),
        line: below(T.throughput.critical, 'critical', { name: 'LowThroughput', for: T.throughput.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 5,
        title: 'Lowest accuracy',
        metric: M.modelAccuracy,
        expr: worst('min', M.modelAccuracy),
        line: below(T.modelAccuracy.critical, 'critical', { name: 'LowModelAccuracy', for: T.modelAccuracy.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 6,
        title: 'Highest power draw',
        metric: M.powerConsumption,
        expr: worst('max', M.powerConsumption),
        line: above(T.powerConsumption.warning, 'warning', { name: 'HighPowerConsumption', for: T.powerConsumption.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 7,
        title: 'Highest memory use',
        metric: M.memoryUsage,
        expr: worst('max', M.memoryUsage),
        line: above(T.memoryUsage.warning, 'warning', { name: 'HighMemoryUsage', for: T.memoryUsage.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 8,
        title: 'Lowest battery',
        metric: M.batteryLevel,
        expr: worst('min', M.batteryLevel),
        line: below(T.batteryLevel.warning, 'warning', { name: 'BatteryLow', for: T.batteryLevel.for }),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Target health',
        metric: PROMETHEUS_METRICS.up,
        expr: up,
        description: '1 while Prometheus scrapes the device successfully, 0 while its target is down; a device gone from discovery leaves a gap.',
        width: 24,
        height: 8,
      }),
    )
    .build();
}
