import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { FLEET_DEVICES, FLEET_DEVICES_DOWN, fleetOf } from '../alerts/fleet';
import { THRESHOLDS } from '../alerts/thresholds';
import { Count, PROMETHEUS_METRICS, SERVICE_METRICS, selector } from '../lib/core';
import { above, below, dashboardBuilder, statPanel, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * The fleet at a glance: how many devices report, and the worst device on each alerting metric,
 * coloured by the alert's threshold; then devices down over time. Every panel reads a recorded
 * fleet aggregate (alerts/fleet.ts), one series whatever the size of the fleet.
 */
export function systemOverviewDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const T = thresholds;
  const worst = (metric: (typeof M)[keyof typeof M]) => selector(fleetOf(metric).worst);
  const devices = selector(FLEET_DEVICES);
  const down = selector(FLEET_DEVICES_DOWN);
  const stat = { width: 3, height: 4, legend: '' } as const;
  return dashboardBuilder({
    uid: 'system-overview',
    title: 'System Overview',
    description: 'Devices reporting, the worst device on each alerting metric, and target health over time.',
  })
    .withPanel(
      statPanel({
        ...stat,
        id: 1,
        title: 'Devices up',
        metric: PROMETHEUS_METRICS.up,
        expr: `${devices} - ${down}`,
        description: 'Devices whose last scrape succeeded.',
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 2,
        title: 'Devices down',
        metric: PROMETHEUS_METRICS.up,
        expr: down,
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
        expr: worst(M.inferenceLatency),
        line: above(T.inferenceLatency.warning, 'warning', {
          name: 'HighInferenceLatency',
          for: T.inferenceLatency.for,
        }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 4,
        title: 'Lowest throughput',
        metric: M.samplesPerSecond,
        expr: worst(M.samplesPerSecond),
        line: below(T.throughput.critical, 'critical', { name: 'LowThroughput', for: T.throughput.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 5,
        title: 'Lowest accuracy',
        metric: M.modelAccuracy,
        expr: worst(M.modelAccuracy),
        line: below(T.modelAccuracy.critical, 'critical', { name: 'LowModelAccuracy', for: T.modelAccuracy.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 6,
        title: 'Highest power draw',
        metric: M.powerConsumption,
        expr: worst(M.powerConsumption),
        line: above(T.powerConsumption.warning, 'warning', {
          name: 'HighPowerConsumption',
          for: T.powerConsumption.for,
        }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 7,
        title: 'Highest memory use',
        metric: M.memoryUsage,
        expr: worst(M.memoryUsage),
        line: above(T.memoryUsage.warning, 'warning', { name: 'HighMemoryUsage', for: T.memoryUsage.for }),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 8,
        title: 'Lowest battery',
        metric: M.batteryLevel,
        expr: worst(M.batteryLevel),
        line: below(T.batteryLevel.warning, 'warning', { name: 'BatteryLow', for: T.batteryLevel.for }),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Devices down',
        metric: PROMETHEUS_METRICS.up,
        expr: down,
        legend: 'devices down',
        description: `Devices whose target reports down over time; DeviceOffline fires for each after ${T.deviceOffline.for}, and also for a device gone from discovery.`,
        width: 24,
        height: 8,
      }),
    )
    .build();
}
