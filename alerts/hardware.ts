import {
  AlertRule,
  AlertText,
  DEVICE_TARGETS,
  Duration,
  HARDWARE_EXPORTER_JOB,
  HARDWARE_EXPORTER_PORT,
  literal,
  NODE_EXPORTER_METRICS,
  RecordingRule,
  SERVICE_METRICS,
  selector,
  seriesText,
  Units,
  value,
  Watts,
} from '../lib';
import { DEVICE, deviceScope, EXAMPLE_DEVICE } from './device';
import { perThresholds, type Thresholds } from './thresholds';

/**
 * The service contract's hardware metrics, derived per device from what node_exporter really
 * exposes, so a device that does not report them itself is still covered. Recorded series carry
 * `source="node-exporter"`; a device's own readings keep their job and instance labels.
 */

/** The label that tells recorded hardware series from the ones a device reports itself. */
export const RECORDED_SOURCE = { source: 'node-exporter' } as const;
/** Four scrapes at the 30 s interval: a rate needs at least two samples, four ride out a missed scrape. */
export const RATE_WINDOW = Duration.minutes(2);

const N = NODE_EXPORTER_METRICS;
const S = SERVICE_METRICS;
const exporter = { job: HARDWARE_EXPORTER_JOB };
const byDevice = `by (${DEVICE_TARGETS.deviceLabel})`;
const window = `[${RATE_WINDOW.toPrometheus()}]`;
/** An exporter target on the example device, as the scrape configuration labels it. */
const EXPORTER = {
  job: HARDWARE_EXPORTER_JOB,
  instance: `10.0.0.7:${HARDWARE_EXPORTER_PORT}`,
  [DEVICE_TARGETS.deviceLabel]: EXAMPLE_DEVICE.device,
} as const;
const recorded = (metricName: string) => ({
  __name__: metricName,
  [DEVICE_TARGETS.deviceLabel]: EXAMPLE_DEVICE.device,
  ...RECORDED_SOURCE,
});

/**
 * A check of a rate()-derived recording to a thousandth: Prometheus 3's left-open range windows
 * give rates a float error in the last digit (2.500000000000001E+01), which promtool compares exactly.
 */
const roundedCheck = (metricName: string, value: number) => ({
  at: minutes(5),
  expr: `round(${metricName}, 0.001)`,
  samples: [{ labels: { [DEVICE_TARGETS.deviceLabel]: EXAMPLE_DEVICE.device, ...RECORDED_SOURCE }, value }],
});
const minutes = (n: number) => Duration.minutes(n);

/** hwmon where the board has it (the hottest sensor); thermal_zone otherwise, as on a Raspberry Pi. */
export const recordDeviceTemperature = new RecordingRule({
  metric: S.deviceTemperature,
  labels: RECORDED_SOURCE,
  expr: `max ${byDevice} (${selector(N.hwmonTemperature, exporter)}) or max ${byDevice} (${selector(N.thermalZoneTemperature, exporter)})`,
  tests: (interval) => {
    const hwmon = (sensor: string) =>
      seriesText(N.hwmonTemperature.name, { ...EXPORTER, chip: 'platform_coretemp_0', sensor });
    const zone = seriesText(N.thermalZoneTemperature.name, { ...EXPORTER, type: 'cpu-thermal', zone: '0' });
    const expect = (v: number) => [
      {
        at: minutes(1),
        expr: S.deviceTemperature.name,
        samples: [{ labels: recorded(S.deviceTemperature.name), value: v }],
      },
    ];
    return [
      {
        name: 'hwmon only: the hottest sensor',
        interval,
        input: [
          { series: hwmon('temp1'), values: '45x4' },
          { series: hwmon('temp2'), values: '52x4' },
        ],
        exprChecks: expect(52),
      },
      {
        name: 'thermal_zone only (Raspberry Pi)',
        interval,
        input: [{ series: zone, values: '61.5x4' }],
        exprChecks: expect(61.5),
      },
      {
        name: 'both: hwmon wins',
        interval,
        input: [
          { series: hwmon('temp1'), values: '52x4' },
          { series: zone, values: '70x4' },
        ],
        exprChecks: expect(52),
      },
    ];
  },
});

/** Busy share of every CPU of the device, averaged. */
export const recordCpuUsage = new RecordingRule({
  metric: S.cpuUsage,
  labels: RECORDED_SOURCE,
  expr: `100 * (1 - avg ${byDevice} (rate(${selector(N.cpuSeconds, { ...exporter, mode: 'idle' })}${window})))`,
  tests: (interval) => {
    const idle = (cpu: string) => seriesText(N.cpuSeconds.name, { ...EXPORTER, cpu, mode: 'idle' });
    const perSample = interval.seconds;
    return [
      {
        name: 'one CPU half idle, one fully idle: 25% busy',
        interval,
        input: [
          { series: idle('0'), values: `0+${perSample / 2}x20` },
          { series: idle('1'), values: `0+${perSample}x20` },
          {
            series: seriesText(N.cpuSeconds.name, { ...EXPORTER, cpu: '0', mode: 'user' }),
            values: `0+${perSample / 2}x20`,
          },
        ],
        exprChecks: [roundedCheck(S.cpuUsage.name, 25)],
      },
    ];
  },
});

/** The charge of the device's battery (power supplies without a capacity, such as mains, have none). */
export const recordBatteryLevel = new RecordingRule({
  metric: S.batteryLevel,
  labels: RECORDED_SOURCE,
  expr: `max ${byDevice} (${selector(N.powerSupplyCapacity, exporter)})`,
  tests: (interval) => [
    {
      name: 'the battery capacity',
      interval,
      input: [
        { series: seriesText(N.powerSupplyCapacity.name, { ...EXPORTER, power_supply: 'BAT0' }), values: '76x4' },
      ],
      exprChecks: [
        { at: minutes(1), expr: S.batteryLevel.name, samples: [{ labels: recorded(S.batteryLevel.name), value: 76 }] },
      ],
    },
  ],
});

const milliwattsPerWatt = Watts.of(1).in(Units.milliwatts);

/** Power of the CPU package from RAPL's energy counter, where the device has RAPL (x86). */
export const recordPowerConsumption = new RecordingRule({
  metric: S.powerConsumption,
  labels: RECORDED_SOURCE,
  expr: `${literal(milliwattsPerWatt)} * sum ${byDevice} (rate(${selector(N.raplPackageJoules, exporter)}${window}))`,
  tests: (interval) => {
    const joulesPerSample = 0.125 * interval.seconds;
    return [
      {
        name: 'RAPL at 0.125 W is 125 mW',
        interval,
        input: [
          {
            series: seriesText(N.raplPackageJoules.name, {
              ...EXPORTER,
              index: '0',
              path: '/sys/class/powercap/intel-rapl:0',
            }),
            values: `0+${joulesPerSample}x20`,
          },
        ],
        exprChecks: [roundedCheck(S.powerConsumption.name, 125)],
      },
    ];
  },
});

/** The hardware alerts for a set of thresholds: THRESHOLDS, or a scaled-down copy for a compressed end-to-end run. */
export const hardwareAlerts = perThresholds((T: Thresholds) => {
  const deviceTooHot = AlertRule.threshold({
    name: 'DeviceTooHot',
    labels: deviceScope('DeviceTooHot'),
    severity: 'warning',
    metric: S.deviceTemperature,
    op: '>',
    threshold: T.deviceTemperature.warning,
    for: T.deviceTemperature.for,
    resolve: T.deviceTemperature.resolve,
    ...T.deviceTemperature.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Device ${DEVICE} is hotter than ${T.deviceTemperature.warning}`,
    description: AlertText.of`Device ${DEVICE} is at ${value(S.deviceTemperature.unit)}, above ${T.deviceTemperature.warning}, for ${T.deviceTemperature.for}: it will throttle and inference will slow down.`,
  });

  const batteryLow = AlertRule.threshold({
    name: 'BatteryLow',
    labels: deviceScope('BatteryLow'),
    severity: 'warning',
    metric: S.batteryLevel,
    op: '<',
    threshold: T.batteryLevel.warning,
    for: T.batteryLevel.for,
    resolve: T.batteryLevel.resolve,
    ...T.batteryLevel.shaping,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Battery of ${DEVICE} is below ${T.batteryLevel.warning}`,
    description: AlertText.of`The battery of device ${DEVICE} is at ${value(S.batteryLevel.unit)}, below ${T.batteryLevel.warning}, for ${T.batteryLevel.for}: recharge or replace it.`,
  });
  return { deviceTooHot, batteryLow } as const;
});

const DEFAULTS = hardwareAlerts();
export const { deviceTooHot, batteryLow } = DEFAULTS;

export const HARDWARE_RECORDS = [
  recordDeviceTemperature,
  recordCpuUsage,
  recordBatteryLevel,
  recordPowerConsumption,
] as const;
export const HARDWARE_ALERTS = Object.values(DEFAULTS);
