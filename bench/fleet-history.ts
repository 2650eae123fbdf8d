import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import {
  DEVICE_TARGETS,
  HARDWARE_EXPORTER_JOB,
  NODE_EXPORTER_METRICS,
  PROMETHEUS_METRICS,
  SERVICE_METRICS,
} from '../lib';

/**
 * A simulated fleet's history in the OpenMetrics text format that
 * `promtool tsdb create-blocks-from openmetrics` reads: every metric of the service contract and
 * node_exporter-shaped hardware series for each device, one sample a minute. Written as a stream
 * (10,000 devices over 6 hours is gigabytes), one series after another within each family.
 */

export interface FleetHistory {
  readonly devices: number;
  /** Unix seconds of the first and last sample. */
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly job: string;
  /** Extra labels of the family's series on each device (one entry per series). */
  readonly series: ReadonlyArray<Readonly<Record<string, string>>>;
  /** The value of series `s` of device `d` at step `i`. */
  readonly value: (d: number, s: number, i: number) => number;
}

const S = SERVICE_METRICS;
const N = NODE_EXPORTER_METRICS;
const DEVICES_JOB = DEVICE_TARGETS.job;
const HW_JOB = HARDWARE_EXPORTER_JOB;

/** A deterministic value in [0, 1) for (device, series, step): noise without Math.random. */
export function noise(d: number, s: number, i: number): number {
  let x = (d * 374761393 + s * 668265263 + i * 2147483647) | 0;
  x = Math.imul(x ^ (x >>> 13), 1274126177);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

/** A daily load cycle: 0 at night, 1 at the busiest hour. */
export const cycle = (i: number) => 0.5 + 0.5 * Math.sin((i / 1440) * 2 * Math.PI);

export const FAMILIES: readonly Family[] = [
  {
    name: S.inferenceLatency.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 10 + 6 * cycle(i) + 4 * noise(d, s, i),
  },
  {
    name: S.samplesPerSecond.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 20_000 + 4000 * noise(d, s, i),
  },
  {
    name: S.powerConsumption.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 1.5 + 0.8 * cycle(i) + 0.3 * noise(d, s, i),
  },
  {
    name: S.memoryUsage.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 5 + 2 * noise(d, s, 0) + 0.2 * noise(d, s, i),
  },
  {
    name: S.modelAccuracy.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 0.93 + 0.04 * noise(d, s, i),
  },
  {
    name: S.validationAccuracy.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s) => 0.94 + 0.02 * noise(d, s, 0),
  },
  {
    name: S.trainingLoss.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 0.1 + 0.05 * noise(d, s, i),
  },
  {
    name: S.deviceTemperature.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 40 + 10 * cycle(i) + 3 * noise(d, s, i),
  },
  {
    name: S.cpuUsage.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, s, i) => 20 + 40 * cycle(i) + 10 * noise(d, s, i),
  },
  {
    name: S.batteryLevel.name,
    type: 'gauge',
    job: DEVICES_JOB,
    series: [{}],
    value: (d, _s, i) => Math.max(5, 100 - ((i + d) % 2000) * 0.04),
  },
  { name: PROMETHEUS_METRICS.up.name, type: 'gauge', job: DEVICES_JOB, series: [{}], value: () => 1 },
  {
    name: N.cpuSeconds.name,
    type: 'counter',
    job: HW_JOB,
    series: [
      { cpu: '0', mode: 'idle' },
      { cpu: '0', mode: 'user' },
      { cpu: '1', mode: 'idle' },
      { cpu: '1', mode: 'user' },
    ],
    value: (d, s, i) => i * 60 * (s % 2 === 0 ? 0.6 : 0.35) + noise(d, s, 0) * 1000,
  },
  {
    name: N.hwmonTemperature.name,
    type: 'gauge',
    job: HW_JOB,
    series: [{ chip: 'platform_soc', sensor: 'temp1' }],
    value: (d, s, i) => 41 + 10 * cycle(i) + 3 * noise(d, s, i),
  },
  {
    name: N.powerSupplyCapacity.name,
    type: 'gauge',
    job: HW_JOB,
    series: [{ power_supply: 'BAT0' }],
    value: (d, _s, i) => Math.max(5, 100 - ((i + d) % 2000) * 0.04),
  },
  { name: PROMETHEUS_METRICS.up.name, type: 'gauge', job: HW_JOB, series: [{}], value: () => 1 },
];

/** Series per device in the history. */
export const SERIES_PER_DEVICE = FAMILIES.reduce((n, f) => n + f.series.length, 0);

export const deviceName = (d: number) => `edge-${String(d).padStart(5, '0')}`;

/** Writes the history to `file`; resolves with the bytes written. */
export async function writeFleetHistory(file: string, h: FleetHistory): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let chunk = '';
  const flush = async () => {
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  };
  const steps = Math.floor((h.end - h.start) / h.stepSeconds);
  // up{job=...} appears twice (two jobs): OpenMetrics wants one family block, so group by name.
  const byName = new Map<string, Family[]>();
  for (const f of FAMILIES) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  for (const [name, families] of byName) {
    const counter = families[0].type === 'counter';
    chunk += `# TYPE ${counter ? name.replace(/_total$/, '') : name} ${families[0].type}\n`;
    for (const f of families) {
      for (let d = 0; d < h.devices; d++) {
        for (let s = 0; s < f.series.length; s++) {
          const extra = Object.entries(f.series[s])
            .map(([k, v]) => `,${k}="${v}"`)
            .join('');
          const labels = `{${DEVICE_TARGETS.deviceLabel}="${deviceName(d)}",job="${f.job}"${extra}}`;
          for (let i = 0; i <= steps; i++) {
            chunk += `${name}${labels} ${Math.round(f.value(d, s, i) * 1000) / 1000} ${h.start + i * h.stepSeconds}\n`;
          }
          if (chunk.length > 1 << 20) await flush();
        }
      }
    }
  }
  chunk += '# EOF\n';
  await flush();
  out.end();
  await once(out, 'finish');
  return bytes;
}
