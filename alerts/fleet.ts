import {
  DEFAULT_CATALOGUE,
  DEVICE_TARGETS,
  type Dimension,
  type Metric,
  PROMETHEUS_METRICS,
  RecordingRule,
  SERVICE_METRICS,
  selector,
  seriesText,
  Units,
} from '../lib';
import { accuracyDropExpr } from './model-quality';
import { perThresholds, type Thresholds } from './thresholds';

/**
 * Fleet-wide aggregates, recorded so that dashboards stay fast at fleet scale: a panel reading
 * `fleet:inference_latency_ms:p95` reads one series, where one reading every device's
 * `inference_latency_ms` reads ten thousand. (Measured by bench/query-cost.ts; see the README.)
 */

type ServiceMetric = keyof typeof SERVICE_METRICS;

/** Which end of each metric is the bad one: the dashboards show the worst device on it. */
export const WORST: Readonly<Record<ServiceMetric, 'max' | 'min'>> = {
  inferenceLatency: 'max',
  samplesPerSecond: 'min',
  powerConsumption: 'max',
  memoryUsage: 'max',
  modelAccuracy: 'min',
  validationAccuracy: 'min',
  trainingLoss: 'max',
  deviceTemperature: 'max',
  cpuUsage: 'max',
  batteryLevel: 'min',
};

/** The recorded aggregates of one metric: median and 95th percentile across devices, and the worst device. */
export type FleetStat = 'p50' | 'p95' | 'worst';

/** The metric a fleet aggregate is recorded as: `fleet:<metric>:<stat>`, in the metric's unit. */
export function fleetMetric<D extends Dimension>(metric: Metric<D>, stat: FleetStat, worst: 'max' | 'min'): Metric<D> {
  const suffix = stat === 'worst' ? worst : stat;
  const what =
    stat === 'p50'
      ? 'Median across devices'
      : stat === 'p95'
        ? '95th percentile across devices'
        : `${worst === 'max' ? 'Highest' : 'Lowest'} device`;
  return Object.freeze({
    name: `fleet:${metric.name}:${suffix}`,
    type: 'gauge',
    unit: metric.unit,
    help: `${what} of ${metric.name}.`,
  });
}

const example = (device: string) =>
  seriesText(SERVICE_METRICS.inferenceLatency.name, { job: DEVICE_TARGETS.job, [DEVICE_TARGETS.deviceLabel]: device });

/** Every fleet aggregate of every metric of the service contract. */
export const FLEET_RECORDS: readonly RecordingRule[] = (Object.keys(SERVICE_METRICS) as ServiceMetric[]).flatMap(
  (key) => {
    const metric = SERVICE_METRICS[key];
    const worst = WORST[key];
    const of = selector(metric);
    return [
      new RecordingRule({ metric: fleetMetric(metric, 'p50', worst), expr: `quantile(0.5, ${of})` }),
      new RecordingRule({ metric: fleetMetric(metric, 'p95', worst), expr: `quantile(0.95, ${of})` }),
      new RecordingRule({
        metric: fleetMetric(metric, 'worst', worst),
        expr: `${worst}(${of})`,
        tests:
          key === 'inferenceLatency'
            ? (interval) => [
                {
                  name: 'the slowest device of three',
                  interval,
                  input: [
                    { series: example('edge-01'), values: '10x4' },
                    { series: example('edge-02'), values: '20x4' },
                    { series: example('edge-03'), values: '30x4' },
                  ],
                  exprChecks: [
                    {
                      at: interval.times(2),
                      expr: fleetMetric(metric, 'worst', worst).name,
                      samples: [{ labels: { __name__: fleetMetric(metric, 'worst', worst).name }, value: 30 }],
                    },
                  ],
                },
              ]
            : undefined,
      }),
    ];
  },
);

const deviceUp = selector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job });

/** Devices with a scrape target, and those whose target reports down. */
export const FLEET_DEVICES = Object.freeze({
  name: 'fleet:up:devices',
  type: 'gauge',
  unit: Units.count,
  help: 'Devices with a scrape target.',
} as const);
export const FLEET_DEVICES_DOWN = Object.freeze({
  name: 'fleet:up:devices_down',
  type: 'gauge',
  unit: Units.count,
  help: 'Devices whose target reports down.',
} as const);

/** Each device's accuracy drop against its own baseline, as ModelAccuracyDegrading compares it. */
export const DEVICE_ACCURACY_DROP = Object.freeze({
  name: 'device:model_accuracy:drop',
  type: 'gauge',
  unit: Units.ratio,
  help: 'Mean model accuracy over the baseline window minus the mean over the recent window (ModelAccuracyDegrading).',
} as const);

/** Every recording rule the dashboards read, for a set of thresholds. */
export const dashboardRecords = perThresholds((T: Thresholds): readonly RecordingRule[] => [
  new RecordingRule({ metric: FLEET_DEVICES, expr: `count(${deviceUp}) or vector(0)` }),
  new RecordingRule({ metric: FLEET_DEVICES_DOWN, expr: `count(${deviceUp} == 0) or vector(0)` }),
  new RecordingRule({ metric: DEVICE_ACCURACY_DROP, expr: accuracyDropExpr(T) }),
  ...FLEET_RECORDS,
]);

/** The recorded aggregates of a metric of the service contract, for a dashboard panel. */
export function fleetOf<D extends Dimension>(
  metric: Metric<D>,
): { readonly p50: Metric<D>; readonly p95: Metric<D>; readonly worst: Metric<D> } {
  const key = (Object.keys(SERVICE_METRICS) as ServiceMetric[]).find((k) => SERVICE_METRICS[k].name === metric.name);
  if (key === undefined)
    throw new Error(
      `fleetOf: '${metric.name}' is not a metric of the service contract, which the fleet aggregates cover`,
    );
  const worst = WORST[key];
  return {
    p50: fleetMetric(metric, 'p50', worst),
    p95: fleetMetric(metric, 'p95', worst),
    worst: fleetMetric(metric, 'worst', worst),
  };
}

/** The default catalogue and every metric the dashboards' recording rules write: what the dashboards may query. */
export const DASHBOARD_CATALOGUE = DEFAULT_CATALOGUE.with(
  FLEET_DEVICES,
  FLEET_DEVICES_DOWN,
  DEVICE_ACCURACY_DROP,
  ...FLEET_RECORDS.map((r) => r.metric),
);
