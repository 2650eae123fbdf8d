import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { deviceAlerts } from '../alerts/device';
import { fleetOf } from '../alerts/fleet';
import { THRESHOLDS } from '../alerts/thresholds';
import { SERVICE_METRICS } from '../lib/core';
import { dashboardBuilder, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * Inference performance per device, each panel with the line of the alert on its metric:
 * latency against the real-time budget, throughput against the real-time sample rate, power
 * against the coin-cell budget, memory against the process's share of the device.
 */
export function performanceDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const A = deviceAlerts(thresholds);
  const size = { width: 12, height: 8 } as const;
  return dashboardBuilder({
    uid: 'performance',
    title: 'Performance',
    description:
      'Inference latency, throughput against the real-time rate, power and memory per device, with the alert thresholds.',
  })
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 1,
        title: 'Inference latency',
        metric: M.inferenceLatency,
        fleet: fleetOf(M.inferenceLatency),
        line: A.highInferenceLatency.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 2,
        title: 'Throughput',
        metric: M.samplesPerSecond,
        fleet: fleetOf(M.samplesPerSecond),
        line: A.lowThroughput.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 3,
        title: 'Power draw',
        metric: M.powerConsumption,
        fleet: fleetOf(M.powerConsumption),
        line: A.highPowerConsumption.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 4,
        title: 'Memory use',
        metric: M.memoryUsage,
        fleet: fleetOf(M.memoryUsage),
        line: A.highMemoryUsage.line(),
      }),
    )
    .build();
}
