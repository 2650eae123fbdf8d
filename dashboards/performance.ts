import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { deviceAlerts } from '../alerts/device';
import { fleetOf } from '../alerts/fleet';
import { THRESHOLDS } from '../alerts/thresholds';
import { SERVICE_METRICS, SERVICE_SPANS, SPAN_METRICS } from '../lib/core';
import { dashboardBuilder, deviceSelector, prometheusQuery, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/** The window of the latency quantiles: five scrapes at the default interval, so one missed scrape does not blank them. */
const QUANTILE_WINDOW = '5m';

/** The `q` quantile of the inference spans' durations on the selected devices, from the span metrics histogram. */
function inferenceQuantile(q: number): string {
  const buckets = deviceSelector(
    { ...SPAN_METRICS.duration, name: `${SPAN_METRICS.duration.name}_bucket` },
    { span_name: SERVICE_SPANS.inference },
  );
  return `histogram_quantile(${q}, sum by (le) (rate(${buckets}[${QUANTILE_WINDOW}])))`;
}

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
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 5,
        title: 'Inference latency quantiles',
        metric: SPAN_METRICS.duration,
        expr: inferenceQuantile(0.5),
        legend: 'p50',
        line: A.highInferenceLatency.line(),
      })
        .withTarget(prometheusQuery({ refId: 'B', expr: inferenceQuantile(0.95), legendFormat: 'p95' }))
        .withTarget(prometheusQuery({ refId: 'C', expr: inferenceQuantile(0.99), legendFormat: 'p99' })),
    )
    .build();
}
