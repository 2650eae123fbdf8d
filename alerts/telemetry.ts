import {
  AlertRule,
  AlertText,
  DEVICE_TARGETS,
  Duration,
  label,
  OTLP_METRICS,
  PROMETHEUS_METRICS,
  PUSHGATEWAY_METRICS,
  selector,
  seriesText,
} from '../lib';
import { DEVICE } from './device';
import { perThresholds, type Thresholds } from './thresholds';

/** A device that only pushes OTLP: the collector's `target_info` for it, as the stack scrapes it. */
export const EXAMPLE_PUSH_DEVICE = { job: DEVICE_TARGETS.job, instance: 'edge-push-01' } as const;

/** A CI job's group on the Pushgateway, as Prometheus scrapes it with `honor_labels`. */
export const EXAMPLE_BATCH_JOB = { job: 'nightly-training' } as const;

const deviceUp = selector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job });
const pushedDevices = selector(OTLP_METRICS.targetInfo, { job: DEVICE_TARGETS.job });

/** The alerts about telemetry that is pushed, not scraped: OTLP-only devices and batch jobs. */
export const telemetryAlerts = perThresholds((T: Thresholds) => {
  /**
   * DeviceOffline's sibling for a device that only pushes OTLP: nothing scrapes it, so no `up`
   * goes to 0. The collector drops a silent resource's `target_info` 5 minutes after its last
   * push; a device whose series was there within `forgetAfter` and is gone now is offline. The
   * device is its `service.instance.id` (the `instance` label); one also scraped is left to DeviceOffline.
   */
  const forget = T.deviceOffline.forgetAfter;
  const pushDeviceOffline = new AlertRule({
    name: 'PushDeviceOffline',
    severity: 'critical',
    expr:
      `label_replace(max_over_time(${pushedDevices}[${forget.toPrometheus()}]) unless on (instance) ${pushedDevices}, ` +
      `"${DEVICE_TARGETS.deviceLabel}", "$1", "instance", "(.+)") unless on (${DEVICE_TARGETS.deviceLabel}) ${deviceUp}`,
    for: T.deviceOffline.for,
    keepFiringFor: T.deviceOffline.shaping.keepFiringFor,
    summary: AlertText.of`Device ${DEVICE} stopped pushing`,
    description: AlertText.of`Device ${DEVICE} pushes its telemetry over OTLP and has pushed nothing for at least 5m plus ${T.deviceOffline.for}: it is offline, or cannot reach the collector.`,
    tests: (interval) => {
      const info = seriesText(OTLP_METRICS.targetInfo.name, EXAMPLE_PUSH_DEVICE);
      const sample = Duration.minutes(1);
      const gone = Duration.minutes(11);
      const f = T.deviceOffline.for;
      const keep = T.deviceOffline.shaping.keepFiringFor ?? Duration.ZERO;
      const longEnough = Math.ceil(gone.plus(forget).plus(Duration.minutes(30)).milliseconds / sample.milliseconds);
      const firing = [
        {
          labels: { ...EXAMPLE_PUSH_DEVICE, [DEVICE_TARGETS.deviceLabel]: EXAMPLE_PUSH_DEVICE.instance },
          value: 1,
        },
      ];
      return [
        {
          name: 'a device whose pushes stop fires after for, until forgetAfter',
          interval: sample,
          input: [{ series: info, values: '1x10 stale' }],
          checks: [
            { at: gone.minus(interval), firing: [] },
            { at: gone.plus(f).minus(interval), firing: [] },
            { at: gone.plus(f).plus(interval.times(2)), firing },
            { at: gone.plus(forget).plus(keep).plus(Duration.minutes(5)), firing: [] },
          ],
        },
        {
          name: 'a device that keeps pushing stays quiet',
          interval: sample,
          input: [{ series: info, values: `1x${longEnough}` }],
          checks: [{ at: gone.plus(f).plus(interval.times(2)), firing: [] }],
        },
        {
          name: 'a device that is also scraped is left to DeviceOffline',
          interval: sample,
          input: [
            { series: info, values: '1x10 stale' },
            {
              series: seriesText(PROMETHEUS_METRICS.up.name, {
                job: DEVICE_TARGETS.job,
                instance: '10.0.0.9:8080',
                [DEVICE_TARGETS.deviceLabel]: EXAMPLE_PUSH_DEVICE.instance,
              }),
              values: `1x${longEnough}`,
            },
          ],
          checks: [{ at: gone.plus(f).plus(interval.times(2)), firing: [] }],
        },
      ];
    },
  });

  /**
   * A batch job (a training run, a CI suite) pushes when it ends; the Pushgateway stamps each
   * group's last successful push. One older than `maxPushAge` means the job stopped running or
   * stopped reaching the Pushgateway.
   */
  const age = T.batchJobs.maxPushAge;
  if (!age.isValid() || age.isZero())
    throw new Error(
      `alert 'BatchJobPushStale': 'maxPushAge' must be a positive whole number of milliseconds, got ${age}`,
    );
  const batchJobPushStale = new AlertRule({
    name: 'BatchJobPushStale',
    severity: 'warning',
    expr: `time() - ${selector(PUSHGATEWAY_METRICS.pushTime)} > ${age.seconds}`,
    for: T.batchJobs.for,
    summary: AlertText.of`Batch job ${label('job')} has not pushed for more than ${age}`,
    description: AlertText.of`The last successful push of batch job ${label('job')} to the Pushgateway is older than ${age}: the job no longer runs, fails before it pushes, or cannot reach the Pushgateway.`,
    tests: (interval) => {
      // push_time_seconds holds the Unix time of the push; promtool's clock starts at 0.
      const series = seriesText(PUSHGATEWAY_METRICS.pushTime.name, EXAMPLE_BATCH_JOB);
      const sample = Duration.minutes(1);
      const hours = Math.ceil(age.plus(Duration.hours(2)).milliseconds / Duration.hours(1).milliseconds);
      const samples = hours * 60;
      const f = T.batchJobs.for;
      const firing = (pushedAt: number) => [
        { labels: EXAMPLE_BATCH_JOB, value: age.seconds + 60 + f.seconds - pushedAt },
      ];
      return [
        {
          name: 'a job that pushed once at the start fires once its push is older than maxPushAge',
          interval: sample,
          input: [{ series, values: `0x${samples}` }],
          checks: [
            { at: age.minus(interval), firing: [] },
            { at: age.plus(Duration.minutes(1)).plus(f), firing: firing(0) },
          ],
        },
        {
          name: 'a job that pushes every hour stays quiet',
          interval: sample,
          // The push time steps up by an hour every sixty samples.
          input: [{ series, values: Array.from({ length: hours }, (_, h) => `${h * 3600}+0x59`).join(' ') }],
          checks: [{ at: age.plus(Duration.minutes(1)).plus(f), firing: [] }],
        },
      ];
    },
  });

  return { pushDeviceOffline, batchJobPushStale };
});
