import {
  AlertRule,
  AlertText,
  Bytes,
  Count,
  DEVICE_TARGETS,
  Duration,
  HARDWARE_EXPORTER_JOB,
  HARDWARE_EXPORTER_PORT,
  label,
  NODE_EXPORTER_METRICS,
  selector,
  seriesText,
  ThresholdAlertRule,
  Units,
  value,
} from '../lib';
import { DEVICE, EXAMPLE_DEVICE } from './device';
import { perThresholds, type Thresholds } from './thresholds';
import { valueTests } from './value-tests';

/**
 * What kills edge nodes in practice, from node_exporter's own series (collectors turned on in
 * lib/hardware's HARDWARE_COLLECTORS): a full disk or SD card, a clock that drifted (TLS and auth
 * fail), memory pressure and OOM kills, and a textfile collector that can no longer read the
 * device's own sensor files.
 */

const N = NODE_EXPORTER_METRICS;
const exporter = { job: HARDWARE_EXPORTER_JOB };
/** An exporter target on the example device; the scrape renames node_exporter's own `device` label to `exported_device`. */
const EXPORTER = {
  job: HARDWARE_EXPORTER_JOB,
  instance: `10.0.0.7:${HARDWARE_EXPORTER_PORT}`,
  [DEVICE_TARGETS.deviceLabel]: EXAMPLE_DEVICE.device,
} as const;
const ROOT_FS = { ...EXPORTER, exported_device: '/dev/mmcblk0p2', fstype: 'ext4', mountpoint: '/' } as const;
/** Filesystems that hold data: not memory-backed ones, whose size is the RAM's and whose content dies with a reboot. */
const diskFs = (metric: (typeof N)[keyof typeof N]) => selector(metric, exporter, { fstype: 'tmpfs' });
const GB = 1e9;

/** The node-health alerts for a set of thresholds: THRESHOLDS, or a scaled-down copy for a compressed end-to-end run. */
export const nodeHealthAlerts = perThresholds((T: Thresholds) => {
  const FS = T.nodeFilesystem;
  const horizon = FS.fillHorizon;

  const nodeFilesystemFillingUp = new ThresholdAlertRule({
    name: 'NodeFilesystemFillingUp',
    severity: 'warning',
    value: `predict_linear(${diskFs(N.filesystemAvail)}[${FS.trendWindow.toPrometheus()}], ${horizon.seconds})`,
    unit: Units.bytes,
    op: '<',
    threshold: Bytes.of(0),
    for: FS.fillFor,
    summary: AlertText.of`Filesystem ${label('mountpoint')} on ${DEVICE} fills up within ${horizon}`,
    description: AlertText.of`At the rate of the last ${FS.trendWindow}, filesystem ${label('mountpoint')} (${label('exported_device')}) on device ${DEVICE} is full within ${horizon}: logs, model updates and the textfile sensors stop being written.`,
    tests: (interval) => {
      const sample = Duration.minutes(10);
      const avail = seriesText(N.filesystemAvail.name, ROOT_FS);
      const hours = Math.ceil(
        FS.trendWindow.plus(FS.fillFor).plus(Duration.hours(1)).milliseconds / sample.milliseconds,
      );
      // 10 GB free, losing 100 MB every 10 minutes: 600 MB an hour, empty in under 17 h, inside 24 h.
      const shrinking = `${10 * GB}-${0.1 * GB}x${hours}`;
      const firesBy = FS.fillFor.plus(interval.times(2)).plus(sample);
      return [
        {
          name: `losing 600 MB an hour of 10 GB fires after ${FS.fillFor}`,
          interval: sample,
          input: [{ series: avail, values: shrinking }],
          checks: [
            { at: interval, firing: [] },
            {
              at: FS.trendWindow.plus(FS.fillFor),
              // The texts show no value, so the check needs none.
              firing: [{ labels: ROOT_FS, value: 0 }],
            },
          ],
        },
        {
          name: `losing 100 MB an hour of 10 GB (full in 100 h, past ${horizon}) never fires`,
          interval: sample,
          input: [{ series: avail, values: `${10 * GB}-${GB / 60}x${hours}` }],
          checks: [
            { at: firesBy, firing: [] },
            { at: FS.trendWindow.plus(FS.fillFor).plus(Duration.minutes(30)), firing: [] },
          ],
        },
      ];
    },
  });

  const nodeFilesystemAlmostFullProps = {
    name: 'NodeFilesystemAlmostFull',
    severity: 'critical',
    value: `${diskFs(N.filesystemAvail)} / ${diskFs(N.filesystemSize)}`,
    unit: Units.ratio,
    op: '<',
    threshold: FS.freeCritical,
    resolve: FS.freeResolve,
    for: FS.freeFor,
    summary: AlertText.of`Filesystem ${label('mountpoint')} on ${DEVICE} is almost full`,
    description: AlertText.of`Filesystem ${label('mountpoint')} (${label('exported_device')}) on device ${DEVICE} has ${value(Units.ratio)} free, below ${FS.freeCritical}, for ${FS.freeFor}: writes start failing.`,
  } as const;
  const nodeFilesystemAlmostFull = new ThresholdAlertRule({
    ...nodeFilesystemAlmostFullProps,
    tests: (interval) =>
      valueTests(
        nodeFilesystemAlmostFullProps,
        (v) => [
          { series: seriesText(N.filesystemAvail.name, ROOT_FS), value: v * 16 * GB },
          { series: seriesText(N.filesystemSize.name, ROOT_FS), value: 16 * GB },
        ],
        ROOT_FS,
        interval,
        (v) => (v * 16 * GB) / (16 * GB),
      ),
  });

  const C = T.nodeClock;
  const nodeClockSkewProps = {
    name: 'NodeClockSkew',
    severity: 'warning',
    value: `abs(${selector(N.timexOffset, exporter)})`,
    unit: Units.seconds,
    op: '>',
    threshold: C.offset,
    resolve: C.offsetResolve,
    for: C.offsetFor,
    summary: AlertText.of`The clock of ${DEVICE} is off by more than ${C.offset}`,
    description: AlertText.of`The clock of device ${DEVICE} is ${value(Units.seconds)} away from its time source, more than ${C.offset}, for ${C.offsetFor}: TLS certificates and tokens start to look expired or not yet valid.`,
  } as const;
  const nodeClockSkew = new ThresholdAlertRule({
    ...nodeClockSkewProps,
    tests: (interval) =>
      valueTests(
        nodeClockSkewProps,
        (v) => [{ series: seriesText(N.timexOffset.name, EXPORTER), value: -v }],
        EXPORTER,
        interval,
      ),
  });

  const nodeClockNotSynchronised = AlertRule.threshold({
    name: 'NodeClockNotSynchronised',
    severity: 'warning',
    metric: N.timexSyncStatus,
    matchers: exporter,
    op: '<',
    threshold: Count.of(1),
    for: C.unsyncedFor,
    series: EXPORTER,
    summary: AlertText.of`The clock of ${DEVICE} is not synchronised`,
    description: AlertText.of`The kernel of device ${DEVICE} reports its clock unsynchronised (NTP or chrony has no working time source) for ${C.unsyncedFor}; it drifts from here on.`,
  });

  const MEM = T.nodeMemory;
  const nodeMemoryPressureProps = {
    name: 'NodeMemoryPressure',
    severity: 'warning',
    value: `${selector(N.memoryAvailable, exporter)} / ${selector(N.memoryTotal, exporter)}`,
    unit: Units.ratio,
    op: '<',
    threshold: MEM.availableCritical,
    resolve: MEM.availableResolve,
    for: MEM.availableFor,
    summary: AlertText.of`Device ${DEVICE} is short of memory`,
    description: AlertText.of`Device ${DEVICE} has ${value(Units.ratio)} of its memory available, below ${MEM.availableCritical}, for ${MEM.availableFor}: the kernel reclaims hard and the OOM killer is next.`,
  } as const;
  const nodeMemoryPressure = new ThresholdAlertRule({
    ...nodeMemoryPressureProps,
    tests: (interval) =>
      valueTests(
        nodeMemoryPressureProps,
        (v) => [
          { series: seriesText(N.memoryAvailable.name, EXPORTER), value: v * 2 * GB },
          { series: seriesText(N.memoryTotal.name, EXPORTER), value: 2 * GB },
        ],
        EXPORTER,
        interval,
        (v) => (v * 2 * GB) / (2 * GB),
      ),
  });

  const nodeOomKill = new ThresholdAlertRule({
    name: 'NodeOomKill',
    severity: 'warning',
    value: `increase(${selector(N.oomKills, exporter)}[${MEM.oomWindow.toPrometheus()}])`,
    unit: Units.count,
    op: '>',
    threshold: Count.of(0),
    // Fires at once: a kill is over by the time it is counted, and the window holds the alert for its length.
    for: Duration.ZERO,
    summary: AlertText.of`The OOM killer ran on ${DEVICE}`,
    description: AlertText.of`The kernel of device ${DEVICE} killed processes for lack of memory in the last ${MEM.oomWindow}: the inference process, the kubelet or the exporter may be gone.`,
    tests: (interval) => {
      const oom = seriesText(N.oomKills.name, EXPORTER);
      const n = Math.ceil(MEM.oomWindow.times(2).milliseconds / interval.milliseconds);
      const at = Duration.millis(MEM.oomWindow.milliseconds / 2);
      const k = Math.round(at.milliseconds / interval.milliseconds);
      return [
        {
          name: `one OOM kill fires at once, and resolves ${MEM.oomWindow} later`,
          interval,
          input: [{ series: oom, values: `3x${k} 4x${n}` }],
          checks: [
            { at: at.minus(interval), firing: [] },
            { at: at.plus(interval), firing: [{ labels: EXPORTER, value: 1 }] },
            { at: at.plus(MEM.oomWindow).plus(interval.times(2)), firing: [] },
          ],
        },
        {
          name: 'no OOM kill never fires',
          interval,
          input: [{ series: oom, values: `3x${n}` }],
          checks: [{ at: MEM.oomWindow.plus(interval), firing: [] }],
        },
      ];
    },
  });

  const nodeTextfileCollectorError = AlertRule.threshold({
    name: 'NodeTextfileCollectorError',
    severity: 'warning',
    metric: N.textfileScrapeError,
    matchers: exporter,
    op: '>',
    threshold: Count.of(0),
    for: T.nodeTextfile.errorFor,
    series: EXPORTER,
    summary: AlertText.of`The textfile collector on ${DEVICE} cannot read its files`,
    description: AlertText.of`node_exporter on device ${DEVICE} fails to open or parse a file of its textfile folder for ${T.nodeTextfile.errorFor}: the device's own sensor readings (temperature, battery) are missing or stale.`,
  });

  return {
    nodeFilesystemFillingUp,
    nodeFilesystemAlmostFull,
    nodeClockSkew,
    nodeClockNotSynchronised,
    nodeMemoryPressure,
    nodeOomKill,
    nodeTextfileCollectorError,
  } as const;
});

const DEFAULTS = nodeHealthAlerts();

/** The health of the edge nodes themselves. */
export const NODE_HEALTH_ALERTS = Object.values(DEFAULTS);
