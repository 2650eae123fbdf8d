import { type Dimension, type Unit, Units } from './units';

/** Prometheus' metric types, as `# TYPE` lines declare them. */
export type MetricType = 'gauge' | 'counter' | 'histogram' | 'summary';

/** One metric of a contract: what alerts and dashboards may query, with the unit its samples are in. */
export interface Metric<D extends Dimension = Dimension> {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: Unit<D>;
  readonly help: string;
}

function metric<D extends Dimension>(name: string, type: MetricType, unit: Unit<D>, help: string): Metric<D> {
  return Object.freeze({ name, type, unit, help });
}

/**
 * The metric contract of the liquid-audio-nets inference service: every device and service
 * exposes these on `/metrics`. Units are the ones the names promise (`_ms`, `_mw`, `_mb`, ...);
 * the accuracies are 0-1 ratio gauges, the percent metrics 0-100 gauges.
 */
export const SERVICE_METRICS = {
  inferenceLatency: metric(
    'inference_latency_ms',
    'gauge',
    Units.milliseconds,
    'Time taken by the last inference over one audio frame.',
  ),
  samplesPerSecond: metric(
    'audio_samples_processed_per_second',
    'gauge',
    Units.hertz,
    'Audio samples processed per second (throughput).',
  ),
  powerConsumption: metric('power_consumption_mw', 'gauge', Units.milliwatts, 'Power drawn by the inference workload.'),
  memoryUsage: metric('memory_usage_mb', 'gauge', Units.megabytes, 'Memory used by the inference process.'),
  modelAccuracy: metric(
    'model_accuracy',
    'gauge',
    Units.ratio,
    'Accuracy of the deployed model on live labelled samples (0-1).',
  ),
  validationAccuracy: metric(
    'validation_accuracy',
    'gauge',
    Units.ratio,
    'Accuracy on the validation set at the last evaluation (0-1).',
  ),
  trainingLoss: metric('training_loss', 'gauge', Units.count, 'Training loss of the current training run.'),
  deviceTemperature: metric('device_temperature_celsius', 'gauge', Units.celsius, 'Temperature of the device.'),
  cpuUsage: metric('cpu_usage_percent', 'gauge', Units.percent, 'CPU utilisation of the device (0-100).'),
  batteryLevel: metric('battery_level_percent', 'gauge', Units.percent, 'Remaining battery charge (0-100).'),
} as const;

/**
 * Series Prometheus writes for every target (`up`) and its own metrics that the self-monitoring
 * alerts use. test/programs/prometheus3.test.ts checks each against the /metrics of
 * the pinned Prometheus, with a HELP text that does not call it deprecated.
 */
export const PROMETHEUS_METRICS = {
  up: metric('up', 'gauge', Units.count, '1 if the last scrape of the target succeeded, 0 if it failed.'),
  scrapeSamplesScraped: metric(
    'scrape_samples_scraped',
    'gauge',
    Units.count,
    'The samples the target exposed in its last scrape, counted even when the scrape failed for its sample_limit.',
  ),
  configLastReloadSuccessful: metric(
    'prometheus_config_last_reload_successful',
    'gauge',
    Units.count,
    'Whether the last configuration reload succeeded (1) or failed (0).',
  ),
  ruleEvaluationFailures: metric(
    'prometheus_rule_evaluation_failures_total',
    'counter',
    Units.count,
    'Rule evaluations that failed.',
  ),
  notificationsErrors: metric(
    'prometheus_notifications_errors_total',
    'counter',
    Units.count,
    'Errors sending alert notifications to an Alertmanager.',
  ),
  notificationsSent: metric(
    'prometheus_notifications_sent_total',
    'counter',
    Units.count,
    'Alert notifications sent to an Alertmanager.',
  ),
  alertmanagersDiscovered: metric(
    'prometheus_notifications_alertmanagers_discovered',
    'gauge',
    Units.count,
    'Alertmanagers Prometheus is connected to.',
  ),
  remoteStorageQueueHighestTimestamp: metric(
    'prometheus_remote_storage_queue_highest_timestamp_seconds',
    'gauge',
    Units.seconds,
    'Newest timestamp a remote-write queue has enqueued.',
  ),
  remoteStorageQueueHighestSent: metric(
    'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
    'gauge',
    Units.seconds,
    'Newest timestamp a remote-write queue has sent.',
  ),
} as const;

/**
 * What node_exporter exposes about a device's hardware, as the recording rules read it: hwmon and
 * thermal_zone temperatures, CPU time, power_supply capacity, RAPL energy counters.
 */
export const NODE_EXPORTER_METRICS = {
  hwmonTemperature: metric(
    'node_hwmon_temp_celsius',
    'gauge',
    Units.celsius,
    'Hardware monitor temperature readings (hwmon).',
  ),
  thermalZoneTemperature: metric(
    'node_thermal_zone_temp',
    'gauge',
    Units.celsius,
    'Thermal zone temperatures (thermal_zone), e.g. on a Raspberry Pi.',
  ),
  cpuSeconds: metric('node_cpu_seconds_total', 'counter', Units.seconds, 'Seconds the CPUs spent in each mode.'),
  powerSupplyCapacity: metric(
    'node_power_supply_capacity',
    'gauge',
    Units.percent,
    'Charge of a power supply (battery), 0-100.',
  ),
  raplPackageJoules: metric(
    'node_rapl_package_joules_total',
    'counter',
    Units.joules,
    'Energy used by the CPU package (RAPL).',
  ),
  // The node-health alerts' series (alerts/node-health.ts), as node_exporter 1.12.1's collectors name them.
  filesystemAvail: metric(
    'node_filesystem_avail_bytes',
    'gauge',
    Units.bytes,
    'Filesystem space available to non-root users (filesystem).',
  ),
  filesystemSize: metric('node_filesystem_size_bytes', 'gauge', Units.bytes, 'Filesystem size (filesystem).'),
  filesystemReadonly: metric(
    'node_filesystem_readonly',
    'gauge',
    Units.count,
    'Whether the filesystem is mounted read-only, 1 or 0 (filesystem).',
  ),
  timexOffset: metric(
    'node_timex_offset_seconds',
    'gauge',
    Units.seconds,
    'Offset between the local clock and the reference clock (timex).',
  ),
  timexSyncStatus: metric(
    'node_timex_sync_status',
    'gauge',
    Units.count,
    'Whether the clock is synchronised to a reliable server, 1 or 0 (timex).',
  ),
  memoryAvailable: metric(
    'node_memory_MemAvailable_bytes',
    'gauge',
    Units.bytes,
    'Memory available for new processes without swapping (meminfo).',
  ),
  memoryTotal: metric('node_memory_MemTotal_bytes', 'gauge', Units.bytes, 'Usable memory of the device (meminfo).'),
  oomKills: metric(
    'node_vmstat_oom_kill',
    'counter',
    Units.count,
    'Processes the kernel OOM killer has killed since boot (vmstat, untyped in the exposition).',
  ),
  textfileScrapeError: metric(
    'node_textfile_scrape_error',
    'gauge',
    Units.count,
    '1 if the textfile collector failed to open or read a file, 0 otherwise (textfile).',
  ),
} as const;

/**
 * Alertmanager's own metrics that the self-monitoring alerts (alerts/alertmanager.ts) query; the
 * cluster test finds each, with its type, on the /metrics of the pinned Alertmanager.
 */
export const ALERTMANAGER_METRICS = {
  configLastReloadSuccessful: metric(
    'alertmanager_config_last_reload_successful',
    'gauge',
    Units.count,
    'Whether the last configuration reload attempt was successful (1) or not (0).',
  ),
  notificationsTotal: metric(
    'alertmanager_notifications_total',
    'counter',
    Units.count,
    'Notifications attempted, by integration.',
  ),
  notificationsFailedTotal: metric(
    'alertmanager_notifications_failed_total',
    'counter',
    Units.count,
    'Notifications that failed, by integration (and by reason from 0.26 on).',
  ),
  clusterMembers: metric(
    'alertmanager_cluster_members',
    'gauge',
    Units.count,
    'Members of the gossip cluster this peer sees, itself included.',
  ),
} as const;

/**
 * The span the inference service wraps each inference in (one audio frame through the network):
 * its duration is the inference latency histogram the span metrics make of it.
 */
export const SERVICE_SPANS = { inference: 'inference' } as const;

/**
 * The series the collector's span_metrics connector makes of every span (namespace
 * `traces.span.metrics`, re-exported without suffixes like the service's own metrics), labelled
 * `service_name`, `span_name`, `span_kind` and `status_code`. test/programs/traces.test.ts finds
 * them in Prometheus after a span is sent.
 */
export const SPAN_METRICS = {
  calls: metric(
    'traces_span_metrics_calls',
    'counter',
    Units.count,
    'Spans ended, by service, span name, kind and status code.',
  ),
  duration: metric(
    'traces_span_metrics_duration',
    'histogram',
    Units.milliseconds,
    'Durations of the spans, as a histogram in milliseconds.',
  ),
} as const;

/** What the Pushgateway adds to every pushed group (a group is one `job`: a CI suite, a training run). */
export const PUSHGATEWAY_METRICS = {
  pushTime: metric(
    'push_time_seconds',
    'gauge',
    Units.seconds,
    'Last Unix time a push to the group succeeded (any push: training step, test run).',
  ),
  pushFailureTime: metric(
    'push_failure_time_seconds',
    'gauge',
    Units.seconds,
    'Last Unix time a push to the group failed.',
  ),
} as const;

/**
 * A test run's results, as `npm run export-test-metrics` pushes them: the group is the `job`, each
 * push replaces the previous run's, and every series carries the `run` label.
 */
export const TEST_RUN_METRICS = {
  passed: metric('test_run_tests_passed', 'gauge', Units.count, 'Tests that passed in the run.'),
  failed: metric('test_run_tests_failed', 'gauge', Units.count, 'Tests that failed (or errored) in the run.'),
  skipped: metric('test_run_tests_skipped', 'gauge', Units.count, 'Tests skipped in the run.'),
  duration: metric('test_run_duration_seconds', 'gauge', Units.seconds, 'Wall-clock time the run took.'),
  success: metric('test_run_success', 'gauge', Units.count, '1 if the run had no failed test, 0 otherwise.'),
} as const;

/**
 * The collector's `target_info`: one series per resource that pushes OTLP (`job` is its
 * `service.name`, `instance` its `service.instance.id`), gone `metricExpiration` after its last
 * push. For a push-only device it is the only sign of life.
 */
export const OTLP_METRICS = {
  targetInfo: metric('target_info', 'gauge', Units.count, 'Target metadata, one series per pushing resource.'),
} as const;

/**
 * How device targets are identified: the scrape job of the liquid-audio-nets pods, and the target
 * label that names a device (set by relabelling at scrape time, so `up` carries it too).
 */
export const DEVICE_TARGETS = {
  job: 'liquid-audio-nets',
  deviceLabel: 'device',
} as const;

/** A set of metrics that PromQL may reference. Immutable: `with()` returns a larger catalogue. */
export class MetricCatalogue {
  private readonly byName: ReadonlyMap<string, Metric>;

  public constructor(metrics: readonly Metric[]) {
    const byName = new Map<string, Metric>();
    for (const m of metrics) {
      if (!METRIC_NAME.test(m.name)) {
        throw new Error(
          `metric catalogue: metric name '${m.name}' is not a valid Prometheus metric name (allowed: ${METRIC_NAME.source})`,
        );
      }
      if (byName.has(m.name)) {
        throw new Error(`metric catalogue: metric '${m.name}' is declared twice; each metric name may appear once`);
      }
      byName.set(m.name, m);
    }
    this.byName = byName;
  }

  /** A catalogue that also holds `metrics` (a team's own metrics, recording rules' outputs). */
  public with(...metrics: readonly Metric[]): MetricCatalogue {
    return new MetricCatalogue([...this.byName.values(), ...metrics]);
  }

  /** Whether `name` is a metric of the catalogue, or a series of one of its histograms (`_bucket`, `_sum`, `_count`). */
  public has(name: string): boolean {
    if (this.byName.has(name)) return true;
    const m = /^(.+)_(bucket|sum|count)$/.exec(name);
    return m !== null && this.byName.get(m[1])?.type === 'histogram';
  }

  /** The metric `name`; a histogram's `_bucket` and `_sum` series are in its unit, its `_count` a count. */
  public get(name: string): Metric | undefined {
    const found = this.byName.get(name);
    if (found !== undefined) return found;
    const m = /^(.+)_(bucket|sum|count)$/.exec(name);
    const histogram = m === null ? undefined : this.byName.get(m[1]);
    if (m === null || histogram?.type !== 'histogram') return undefined;
    return m[2] === 'count'
      ? metric(name, 'counter', Units.count, `Observations of ${histogram.name}.`)
      : metric(name, 'counter', histogram.unit, `${m[2]} series of ${histogram.name}.`);
  }

  public get metrics(): readonly Metric[] {
    return [...this.byName.values()];
  }

  public get names(): readonly string[] {
    return [...this.byName.keys()];
  }
}

/** Prometheus' metric name syntax (recording rules use the colon). */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** The service contract, the components' own series and node_exporter's hardware series: what the stack's rules may query. */
export const DEFAULT_CATALOGUE = new MetricCatalogue([
  ...Object.values(SERVICE_METRICS),
  ...Object.values(PROMETHEUS_METRICS),
  ...Object.values(NODE_EXPORTER_METRICS),
  ...Object.values(ALERTMANAGER_METRICS),
  ...Object.values(SPAN_METRICS),
  ...Object.values(PUSHGATEWAY_METRICS),
  ...Object.values(TEST_RUN_METRICS),
  ...Object.values(OTLP_METRICS),
]);
