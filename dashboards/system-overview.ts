import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { deviceAlerts } from '../alerts/device';
import { FLEET_DEVICES, FLEET_DEVICES_DOWN, fleetOf } from '../alerts/fleet';
import { hardwareAlerts } from '../alerts/hardware';
import { modelQualityAlerts } from '../alerts/model-quality';
import { THRESHOLDS } from '../alerts/thresholds';
import { Count, PROMETHEUS_METRICS, SERVICE_METRICS, selector } from '../lib/core';
import { above, dashboardBuilder, statPanel, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * The fleet at a glance: how many devices report, and the worst device on each alerting metric,
 * coloured by the alert's threshold; then devices down over time. Every panel reads a recorded
 * fleet aggregate (alerts/fleet.ts), one series whatever the size of the fleet.
 */
export function systemOverviewDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const device = deviceAlerts(thresholds);
  const { lowModelAccuracy } = modelQualityAlerts(thresholds);
  const { batteryLow } = hardwareAlerts(thresholds);
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
        description: `Devices whose target reports down; DeviceOffline fires for each after ${device.deviceOffline.for}.`,
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
        line: device.highInferenceLatency.line(),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 4,
        title: 'Lowest throughput',
        metric: M.samplesPerSecond,
        expr: worst(M.samplesPerSecond),
        line: device.lowThroughput.line(),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 5,
        title: 'Lowest accuracy',
        metric: M.modelAccuracy,
        expr: worst(M.modelAccuracy),
        line: lowModelAccuracy.line(),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 6,
        title: 'Highest power draw',
        metric: M.powerConsumption,
        expr: worst(M.powerConsumption),
        line: device.highPowerConsumption.line(),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 7,
        title: 'Highest memory use',
        metric: M.memoryUsage,
        expr: worst(M.memoryUsage),
        line: device.highMemoryUsage.line(),
      }),
    )
    .withPanel(
      statPanel({
        ...stat,
        id: 8,
        title: 'Lowest battery',
        metric: M.batteryLevel,
        expr: worst(M.batteryLevel),
        line: batteryLow.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Devices down',
        metric: PROMETHEUS_METRICS.up,
        expr: down,
        legend: 'devices down',
        description: `Devices whose target reports down over time; DeviceOffline fires for each after ${device.deviceOffline.for}, and also for a device gone from discovery.`,
        width: 24,
        height: 8,
      }),
    )
    .build();
}
