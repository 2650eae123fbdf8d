import {
  AlertRule,
  AlertText,
  DEVICE_TARGETS,
  Duration,
  label,
  PROMETHEUS_METRICS,
  SCRAPE_LIMITS,
  SERVICE_METRICS,
  selector,
  seriesText,
  Units,
  value,
} from '../lib';
import { perThresholds, type Thresholds } from './thresholds';

/** The device an alert fires for, in its texts. */
export const DEVICE = label(DEVICE_TARGETS.deviceLabel);

/** Target labels of a device as the scrape configuration sets them; the generated tests feed these in. */
export const EXAMPLE_DEVICE = {
  job: DEVICE_TARGETS.job,
  instance: '10.0.0.7:8080',
  [DEVICE_TARGETS.deviceLabel]: 'edge-01',
} as const;

/**
 * The labels of an alert about one device: `scope` tells it from its fleet-level alert, and `signal`
 * (the device alert's name) pairs the two, so the fleet alert mutes exactly its own device alerts.
 */
export function deviceScope(signal: string): Readonly<Record<string, string>> {
  return { [SCOPE_LABEL]: 'device', [SIGNAL_LABEL]: signal };
}

/** The labels of a fleet-level alert over the device alert named `signal`. */
export function fleetScope(signal: string): Readonly<Record<string, string>> {
  return { [SCOPE_LABEL]: 'fleet', [SIGNAL_LABEL]: signal };
}

/** Whether an alert is about one device or the fleet, and which device alert it is or covers. */
export const SCOPE_LABEL = 'scope';
export const SIGNAL_LABEL = 'signal';

const M = SERVICE_METRICS;
const deviceUp = selector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job });
const deviceSamples = selector(PROMETHEUS_METRICS.scrapeSamplesScraped, { job: DEVICE_TARGETS.job });
/**
 * A device's scrape failed because it exposed more samples than the devices job allows: Prometheus
 * fails the scrape (`up` 0) but still counts what the target exposed. The device is up; its
 * exposition is too large (a label with unbounded values, a third-party pod that opted in).
 */
const overSampleLimit = `${deviceSamples} > ${SCRAPE_LIMITS.devices.sampleLimit}`;
const samples = seriesText(PROMETHEUS_METRICS.scrapeSamplesScraped.name, EXAMPLE_DEVICE);

/** The device alerts for a set of thresholds: THRESHOLDS, or a scaled-down copy for a compressed end-to-end run. */
export const deviceAlerts = perThresholds((T: Thresholds) => {
  /**
   * A device is offline when its target reports down, or when a target that was reporting within
   * `forgetAfter` is gone from discovery altogether (no series left, so no `up == 0` either).
   * `unless on (device)` keeps a device that came back under a new address out of the alert.
   */
  const deviceOffline = new AlertRule({
    name: 'DeviceOffline',
    labels: deviceScope('DeviceOffline'),
    severity: 'critical',
    expr:
      `(${deviceUp} == 0 unless on (job, instance) ${overSampleLimit}) ` +
      `or (max_over_time(${deviceUp}[${T.deviceOffline.forgetAfter.toPrometheus()}]) ` +
      `unless on (${DEVICE_TARGETS.deviceLabel}) ${deviceUp})`,
    for: T.deviceOffline.for,
    keepFiringFor: T.deviceOffline.shaping.keepFiringFor,
    summary: AlertText.of`Device ${DEVICE} is offline`,
    description: AlertText.of`Prometheus has not scraped device ${DEVICE} (${label('instance')}) successfully for ${T.deviceOffline.for}: its target is down or gone from discovery.`,
    tests: (interval) => {
      const up = seriesText(PROMETHEUS_METRICS.up.name, EXAMPLE_DEVICE);
      const sample = Duration.minutes(1);
      const gone = Duration.minutes(11);
      const forget = T.deviceOffline.forgetAfter;
      const longEnough = Math.ceil(gone.plus(forget).plus(Duration.minutes(10)).milliseconds / sample.milliseconds);
      const firing = (v: number) => [{ labels: EXAMPLE_DEVICE, value: v }];
      const f = T.deviceOffline.for;
      return [
        {
          name: 'a target reporting down fires after for',
          interval: sample,
          input: [{ series: up, values: `0x${longEnough}` }],
          checks: [
            { at: f.minus(interval), firing: [] },
            { at: f.plus(interval), firing: firing(0) },
          ],
        },
        {
          name: 'a target gone from discovery fires after for, until forgetAfter',
          interval: sample,
          input: [{ series: up, values: `1x10 stale` }],
          checks: [
            { at: gone.minus(interval), firing: [] },
            { at: gone.plus(f).minus(interval), firing: [] },
            { at: gone.plus(f).plus(interval.times(2)), firing: firing(1) },
            {
              at: gone
                .plus(forget)
                .plus(T.deviceOffline.shaping.keepFiringFor ?? Duration.ZERO)
                .plus(Duration.minutes(5)),
              firing: [],
            },
          ],
        },
        {
          name: 'a device that comes back under a new address stays quiet',
          interval: sample,
          input: [
            { series: up, values: `1x10 stale` },
            {
              series: seriesText(PROMETHEUS_METRICS.up.name, { ...EXAMPLE_DEVICE, instance: '10.0.0.8:8080' }),
              values: `_x10 1x${longEnough}`,
            },
          ],
          checks: [{ at: gone.plus(f).plus(interval.times(2)), firing: [] }],
        },
        {
          name: 'a reporting device stays quiet',
          interval: sample,
          input: [{ series: up, values: `1x${longEnough}` }],
          checks: [{ at: gone.plus(f).plus(interval.times(2)), firing: [] }],
        },
        {
          name: 'a scrape failing for the sample limit is not offline (DeviceOverSampleLimit says so)',
          interval: sample,
          input: [
            { series: up, values: `0x${longEnough}` },
            { series: samples, values: `${SCRAPE_LIMITS.devices.sampleLimit + 1}x${longEnough}` },
          ],
          checks: [{ at: f.plus(interval.times(2)), firing: [] }],
        },
      ];
    },
  });

  /** The scrape of a device that is up but exposes too much fails: a warning that says so, never DeviceOffline. */
  const deviceOverSampleLimit = new AlertRule({
    name: 'DeviceOverSampleLimit',
    severity: 'warning',
    expr: `${overSampleLimit} and on (job, instance) ${deviceUp} == 0`,
    for: T.deviceOffline.for,
    summary: AlertText.of`Device ${DEVICE} exposes more samples than its scrape allows`,
    description: AlertText.of`Device ${DEVICE} (${label('instance')}) exposed ${value(Units.count)} samples, over the devices job's sample_limit of ${String(SCRAPE_LIMITS.devices.sampleLimit)}, for ${T.deviceOffline.for}: Prometheus drops every scrape of it, so none of its metrics are recorded.`,
    tests: (interval) => {
      const up = seriesText(PROMETHEUS_METRICS.up.name, EXAMPLE_DEVICE);
      const sample = Duration.minutes(1);
      const f = T.deviceOffline.for;
      const steps = Math.ceil(f.plus(Duration.minutes(10)).milliseconds / sample.milliseconds);
      const over = SCRAPE_LIMITS.devices.sampleLimit + 1;
      return [
        {
          name: 'a scrape failing for the sample limit fires after for',
          interval: sample,
          input: [
            { series: up, values: `0x${steps}` },
            { series: samples, values: `${over}x${steps}` },
          ],
          checks: [
            { at: f.minus(interval), firing: [] },
            { at: f.plus(interval), firing: [{ labels: EXAMPLE_DEVICE, value: over }] },
          ],
        },
        {
          name: 'a device that is down, exposing nothing, is DeviceOffline only',
          interval: sample,
          input: [
            { series: up, values: `0x${steps}` },
            { series: samples, values: `0x${steps}` },
          ],
          checks: [{ at: f.plus(interval), firing: [] }],
        },
      ];
    },
  });

  const lowThroughput = AlertRule.threshold({
    name: 'LowThroughput',
    labels: deviceScope('LowThroughput'),
    severity: 'critical',
    metric: M.samplesPerSecond,
    op: '<',
    threshold: T.throughput.critical,
    for: T.throughput.for,
    resolve: T.throughput.resolve,
    ...T.throughput.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Device ${DEVICE} processes audio below real time`,
    description: AlertText.of`Device ${DEVICE} processes ${value(M.samplesPerSecond.unit)} of audio, below the real-time rate of ${T.throughput.critical}, for ${T.throughput.for}: frames are queuing or being dropped.`,
  });

  const highInferenceLatency = AlertRule.threshold({
    name: 'HighInferenceLatency',
    labels: deviceScope('HighInferenceLatency'),
    severity: 'warning',
    metric: M.inferenceLatency,
    op: '>',
    threshold: T.inferenceLatency.warning,
    for: T.inferenceLatency.for,
    resolve: T.inferenceLatency.resolve,
    ...T.inferenceLatency.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Inference on ${DEVICE} is slower than ${T.inferenceLatency.warning}`,
    description: AlertText.of`Inference on device ${DEVICE} takes ${value(M.inferenceLatency.unit)} per frame, above the ${T.inferenceLatency.warning} real-time budget, for ${T.inferenceLatency.for}.`,
  });

  const highPowerConsumption = AlertRule.threshold({
    name: 'HighPowerConsumption',
    labels: deviceScope('HighPowerConsumption'),
    severity: 'warning',
    metric: M.powerConsumption,
    op: '>',
    threshold: T.powerConsumption.warning,
    for: T.powerConsumption.for,
    resolve: T.powerConsumption.resolve,
    ...T.powerConsumption.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Device ${DEVICE} draws more than ${T.powerConsumption.warning}`,
    description: AlertText.of`Device ${DEVICE} draws ${value(M.powerConsumption.unit)}, above its ${T.powerConsumption.warning} power budget, for ${T.powerConsumption.for}; its battery drains early.`,
  });

  const highMemoryUsage = AlertRule.threshold({
    name: 'HighMemoryUsage',
    labels: deviceScope('HighMemoryUsage'),
    severity: 'warning',
    metric: M.memoryUsage,
    op: '>',
    threshold: T.memoryUsage.warning,
    for: T.memoryUsage.for,
    resolve: T.memoryUsage.resolve,
    ...T.memoryUsage.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Device ${DEVICE} uses more than ${T.memoryUsage.warning} of memory`,
    description: AlertText.of`The inference process on device ${DEVICE} uses ${value(M.memoryUsage.unit)}, above ${T.memoryUsage.warning}, for ${T.memoryUsage.for}: a leak or an oversized model.`,
  });
  return {
    deviceOffline,
    deviceOverSampleLimit,
    lowThroughput,
    highInferenceLatency,
    highPowerConsumption,
    highMemoryUsage,
  } as const;
});

const DEFAULTS = deviceAlerts();
export const {
  deviceOffline,
  deviceOverSampleLimit,
  lowThroughput,
  highInferenceLatency,
  highPowerConsumption,
  highMemoryUsage,
} = DEFAULTS;

/** Health and performance of the devices. */
export const DEVICE_ALERTS = Object.values(DEFAULTS);
