import {
  type AlertRule,
  AlertText,
  Count,
  DEVICE_TARGETS,
  type Duration,
  type Metric,
  PROMETHEUS_METRICS,
  type RuleTestCase,
  SERVICE_METRICS,
  selector,
  seriesText,
  ThresholdAlertRule,
  Units,
  value,
} from '../lib';
import { deviceAlerts, fleetScope } from './device';
import { hardwareAlerts } from './hardware';
import { modelQualityAlerts } from './model-quality';
import { perThresholds, type Thresholds } from './thresholds';

/**
 * Fleet-level alerts: one per device alert, firing when that alert holds on more than a share of
 * the devices (alerts/thresholds.ts `fleet`). A fleet-wide fault (a regional network cut, a bad
 * model rollout) then pages once, and alerts/routing.ts mutes the device alerts it covers. Each
 * sits in its device alert's group, ahead of it, with the same `for`: both fire in the same
 * evaluation, the fleet alert is sent first, and the device alerts are muted before their first
 * notification.
 */

const DEVICE_LABEL = DEVICE_TARGETS.deviceLabel;
const byDevice = (expr: string) => `count by (${DEVICE_LABEL}) (${expr})`;
const deviceUp = selector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job });

/** The fleet alert over `device`, whose expression holds for every device it fires on. */
interface FleetSpec {
  readonly device: AlertRule;
  /** The series the generated tests feed in per device, and its reading when faulty or healthy. */
  readonly metric: Metric;
  readonly reading: (faulty: boolean) => number;
}

const deviceName = (n: number) => `edge-${String(n + 1).padStart(2, '0')}`;
const deviceLabels = (n: number) => ({
  job: DEVICE_TARGETS.job,
  instance: `10.0.1.${n + 1}:8080`,
  [DEVICE_LABEL]: deviceName(n),
});

/**
 * The fleet a share is of: every device with a target within `forgetAfter`, reporting or not, so
 * that devices offline do not shrink it and make one other device's fault look fleet-wide.
 */
function fleetPopulation(T: Thresholds): string {
  return `max_over_time(${deviceUp}[${T.deviceOffline.forgetAfter.toPrometheus()}])`;
}

/** A threshold alert's test reading: half as far again past its threshold, or half of it inside. */
function thresholdReading(rule: ThresholdAlertRule): FleetSpec['reading'] {
  const limit = rule.threshold.in(rule.unit);
  const up = rule.bad === 'above';
  return (faulty) => (faulty === up ? limit * 1.5 : limit * 0.5);
}

function fleetAlert(T: Thresholds, spec: FleetSpec): ThresholdAlertRule<'fraction'> {
  const F = T.fleet;
  const { device } = spec;
  const affected = byDevice(device.expr);
  const listed = F.listed.amount;
  const name = `Fleet${device.name}`;
  // Prometheus runs these queries when it renders the text: the first devices by name, and how many more.
  const list =
    `{{ range $i, $s := query \`${affected}\` | sortByLabel "${DEVICE_LABEL}" }}` +
    `{{ if lt $i ${listed} }}{{ if $i }}, {{ end }}{{ $s.Labels.${DEVICE_LABEL} }}{{ end }}{{ end }}` +
    `{{ with query \`count(${affected}) - ${listed} > 0\` }} and {{ . | first | value }} more{{ end }}`;
  return new ThresholdAlertRule({
    name,
    severity: device.severity,
    labels: fleetScope(device.name),
    value: `count(${affected}) / count(${byDevice(fleetPopulation(T))})`,
    unit: Units.ratio,
    op: '>',
    threshold: F.share,
    resolve: F.resolveShare,
    for: device.for,
    summary: AlertText.of`${device.name} on ${value(Units.ratio)} of the devices`,
    description: AlertText.template(
      `${device.name} fires on {{ $value | humanizePercentage }} of the devices, more than the ${F.share} that makes it one ` +
        `fleet-wide fault; the per-device alerts are muted until it is back under ${F.resolveShare}. Devices: ${list}.`,
    ),
    runbook: 'fleet-wide-alerts',
    tests: (interval) => fleetTests(T, spec, interval),
  });
}

/** 2 of 10 devices fire it, 1 of 10 does not; 12 of 12 list the first ten; the band holds it at 1 of 10 after it fired. */
function fleetTests(T: Thresholds, spec: FleetSpec, interval: Duration): RuleTestCase[] {
  const F = T.fleet;
  const listed = F.listed.amount;
  const f = spec.device.for;
  const span = f.times(2).plus(interval.times(8));
  // The same evaluation as the device alerts it covers fire in (their generated tests check for + one interval too).
  const firesAt = f.plus(interval);
  const samples = Math.ceil(span.milliseconds / interval.milliseconds);
  /** `devices` devices, the first `faulty` of them faulty, the first `recovered` of those healthy again after `span`. */
  const fleet = (faulty: number, devices: number, recovered = 0) =>
    Array.from({ length: devices }, (_, d) => {
      const bad = spec.reading(d < faulty);
      const back = d < recovered ? spec.reading(false) : bad;
      const reading = {
        series: seriesText(spec.metric.name, deviceLabels(d)),
        values: `${bad}x${samples - 1} ${back}x${samples}`,
      };
      // Every device's target is up (the fleet the share is of), unless `up` is the reading itself.
      const up = { series: seriesText(PROMETHEUS_METRICS.up.name, deviceLabels(d)), values: `1x${2 * samples}` };
      return spec.metric === PROMETHEUS_METRICS.up ? [reading] : [reading, up];
    }).flat();
  const labels = fleetScope(spec.device.name);
  /** The alert with `share` of the devices affected: devices `from` to `faulty` (numbered from 0). */
  const firing = (share: number, faulty: number, from = 0) => {
    const count = faulty - from;
    const names = Array.from({ length: Math.min(count, listed) }, (_, d) => deviceName(from + d)).join(', ');
    const more = count > listed ? ` and ${count - listed} more` : '';
    const percent = `${Math.round(share * 1e4) / 100}%`;
    return [
      {
        labels: {},
        value: share,
        texts: {
          summary: `${spec.device.name} on ${percent} of the devices`,
          description:
            `${spec.device.name} fires on ${percent} of the devices, more than the ${F.share} that makes it one ` +
            `fleet-wide fault; the per-device alerts are muted until it is back under ${F.resolveShare}. Devices: ${names}${more}.`,
        },
      },
    ].map((a) => ({ ...a, labels: { ...a.labels, ...labels } }));
  };
  const later = span.plus(f).plus(interval.times(4));
  return [
    {
      name: `2 of 10 devices (20%) past ${F.share} fire it after for, naming both`,
      interval,
      input: fleet(2, 10),
      checks: [...(f.isZero() ? [] : [{ at: f.minus(interval), firing: [] }]), { at: firesAt, firing: firing(0.2, 2) }],
    },
    {
      name: `1 of 10 devices (10%, not past ${F.share}) never fires it`,
      interval,
      input: fleet(1, 10),
      checks: [
        { at: firesAt, firing: [] },
        { at: span, firing: [] },
      ],
    },
    {
      name: `12 of 12 devices: the first ${listed} named, and 2 more`,
      interval,
      input: fleet(12, 12),
      checks: [{ at: firesAt, firing: firing(1, 12) }],
    },
    {
      name: `fired, then 1 of 10 (10%, inside the band above ${F.resolveShare}) keeps firing`,
      interval,
      input: fleet(2, 10, 1),
      checks: [{ at: later, firing: firing(0.1, 2, 1) }],
    },
    {
      name: `fired, then 0 of 10 (past ${F.resolveShare}) resolves`,
      interval,
      input: fleet(2, 10, 2),
      checks: [{ at: later, firing: [] }],
    },
  ];
}

/**
 * Prometheus sees no device at all: its own network, the device discovery or the scrape
 * configuration is broken, not 10,000 devices at once. One page that says so; it mutes
 * DeviceOffline and FleetDeviceOffline (alerts/routing.ts).
 */
function prometheusSeesNoDevice(T: Thresholds): ThresholdAlertRule<'count'> {
  const f = T.fleet.noDevicesFor;
  return new ThresholdAlertRule({
    name: 'PrometheusSeesNoDevice',
    severity: 'critical',
    labels: fleetScope('DeviceOffline'),
    value: `(count(${deviceUp} == 1) or vector(0))`,
    unit: Units.count,
    op: '<',
    threshold: COUNT_ONE,
    for: f,
    summary: AlertText.of`Prometheus sees no device`,
    description: AlertText.of`No device target of job '${DEVICE_TARGETS.job}' has been scraped successfully for ${f}: Prometheus' own network, the device discovery or the scrape configuration is broken, not every device. DeviceOffline and FleetDeviceOffline are muted while it fires.`,
    tests: (interval) => {
      const span = f.times(2).plus(interval.times(8));
      const n = Math.ceil(span.milliseconds / interval.milliseconds);
      const up = (d: number, v: string) => ({
        series: seriesText(PROMETHEUS_METRICS.up.name, deviceLabels(d)),
        values: v,
      });
      const fired = [{ labels: fleetScope('DeviceOffline'), value: 0 }];
      return [
        {
          name: 'every device target down fires it after for',
          interval,
          input: [up(0, `0x${n}`), up(1, `0x${n}`)],
          checks: [
            { at: f.minus(interval), firing: [] },
            { at: f.plus(interval), firing: fired },
          ],
        },
        {
          name: 'no device target at all fires it after for',
          interval,
          input: [],
          checks: [{ at: f.plus(interval), firing: fired }],
        },
        {
          name: 'one device of two still reporting stays quiet',
          interval,
          input: [up(0, `0x${n}`), up(1, `1x${n}`)],
          checks: [{ at: span, firing: [] }],
        },
      ];
    },
  });
}

/** One device scraped successfully: fewer than that is none. */
const COUNT_ONE = Count.of(1);

/** The fleet-level alerts, per rule group of the device alerts they cover. */
export const fleetAlerts = perThresholds((T: Thresholds) => {
  const D = deviceAlerts(T);
  const H = hardwareAlerts(T);
  const Q = modelQualityAlerts(T);
  const S = SERVICE_METRICS;
  const offline: FleetSpec = {
    device: D.deviceOffline,
    metric: PROMETHEUS_METRICS.up,
    reading: (faulty) => (faulty ? 0 : 1),
  };
  const of = (rule: ThresholdAlertRule, metric: Metric): FleetSpec => ({
    device: rule,
    metric,
    reading: thresholdReading(rule),
  });
  return {
    deviceHealth: [
      prometheusSeesNoDevice(T),
      fleetAlert(T, offline),
      fleetAlert(T, of(D.lowThroughput, S.samplesPerSecond)),
      fleetAlert(T, of(D.highInferenceLatency, S.inferenceLatency)),
      fleetAlert(T, of(D.highPowerConsumption, S.powerConsumption)),
      fleetAlert(T, of(D.highMemoryUsage, S.memoryUsage)),
    ],
    modelQuality: [fleetAlert(T, of(Q.lowModelAccuracy, S.modelAccuracy))],
    hardware: [fleetAlert(T, of(H.deviceTooHot, S.deviceTemperature)), fleetAlert(T, of(H.batteryLow, S.batteryLevel))],
  } as const;
});

const DEFAULTS = fleetAlerts();

/** Every fleet-level alert of the shipped thresholds. */
export const FLEET_ALERTS = [...DEFAULTS.deviceHealth, ...DEFAULTS.modelQuality, ...DEFAULTS.hardware];
