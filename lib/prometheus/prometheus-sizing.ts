import {
  Cores,
  DEFAULT_SCRAPE_INTERVAL,
  Duration,
  Gibibytes,
  Mebibytes,
  Millicores,
  type Quantity,
  Units,
} from '../core';
import type { ComputeResources } from '../k8s';

/**
 * Prometheus sized from a fleet, on figures the pinned Prometheus measured in bench/query-cost.ts
 * (its report: bench/reports/query-cost.md): heap per active series, disk per compacted sample.
 */
export const MEASURED = {
  /** Go heap in use per active (head) series, scraped live. */
  heapBytesPerSeries: 2803,
  /** Bytes per sample in the blocks of the backfilled history, one sample a minute. */
  diskBytesPerSample: 6.0,
} as const;

/** Series each device brings: the service contract (10), `up` of two jobs, and node_exporter's hardware series the rules read. */
export const SERIES_PER_DEVICE = 18;

export interface FleetSizingProps {
  /** Devices in the fleet. */
  readonly devices: number;
  /** @default SERIES_PER_DEVICE */
  readonly seriesPerDevice?: number;
  /** @default DEFAULT_SCRAPE_INTERVAL */
  readonly scrapeInterval?: Duration;
  /** @default Duration.days(15) */
  readonly retention?: Duration;
}

export interface PrometheusSizing {
  readonly activeSeries: number;
  readonly resources: ComputeResources;
  readonly storage: Quantity<'data'>;
  readonly retentionSize: Quantity<'data'>;
}

/** Rounds bytes up to whole mebibytes. */
const mib = (bytes: number) => Mebibytes.of(Math.ceil(bytes / 2 ** 20));

/**
 * Memory: the head's heap doubled for Go's GC (GOGC=100) plus 256 MiB, the limit half again. Disk:
 * the retention's samples plus ~3 h of WAL at ~16 bytes a sample, 30% headroom; size at 80%.
 */
export function sizePrometheus(props: FleetSizingProps): PrometheusSizing {
  const owner = 'sizePrometheus';
  if (!Number.isInteger(props.devices) || props.devices < 1)
    throw new Error(`${owner}: 'devices' must be a whole number of at least 1, got ${props.devices}`);
  const perDevice = props.seriesPerDevice ?? SERIES_PER_DEVICE;
  if (!Number.isInteger(perDevice) || perDevice < 1)
    throw new Error(`${owner}: 'seriesPerDevice' must be a whole number of at least 1, got ${perDevice}`);
  const interval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
  const retention = props.retention ?? Duration.days(15);
  if (!interval.isValid() || interval.isZero())
    throw new Error(`${owner}: 'scrapeInterval' must be a positive duration, got ${interval}`);
  if (!retention.isValid() || retention.isZero())
    throw new Error(`${owner}: 'retention' must be a positive duration, got ${retention}`);

  const series = props.devices * perDevice;
  const heap = series * MEASURED.heapBytesPerSeries;
  const request = heap * 2 + 256 * 2 ** 20;
  const samplesPerSecond = series / interval.seconds;
  const blocks = samplesPerSecond * retention.seconds * MEASURED.diskBytesPerSample;
  const wal = samplesPerSecond * 3 * 3600 * 16;
  const volume = Math.max((blocks + wal) * 1.3, 10 * 2 ** 30);
  const storage = Gibibytes.of(Math.ceil(volume / 2 ** 30));
  const cores = Math.max(0.5, Math.ceil((samplesPerSecond / 50_000) * 10) / 10);
  return {
    activeSeries: series,
    resources: {
      requests: { cpu: Millicores.of(Math.round(cores * 1000)), memory: mib(request) },
      limits: { cpu: Cores.of(Math.max(2, Math.ceil(cores * 2))), memory: mib(request * 1.5) },
    },
    storage,
    retentionSize: Mebibytes.of(Math.floor(storage.in(Units.mebibytes) * 0.8)),
  };
}
