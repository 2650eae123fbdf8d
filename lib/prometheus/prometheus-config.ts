import { Duration, labelNameProblem, type Quantity, Units } from '../core';
import type { WebClientSecurity } from '../k8s';
import { checkSecretRef, type SecretKeyRef, secretFilePath } from '../k8s';

/**
 * prometheus.yml as typed values. Field names follow Prometheus' configuration reference
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/), checked against
 * config/config.go of the pinned version; the pinned promtool and Prometheus judge the result in the tests.
 */

export type RelabelAction = 'replace' | 'keep' | 'drop' | 'labeldrop' | 'labelkeep' | 'labelmap' | 'hashmod';

/** One relabelling step (`relabel_configs`, `alert_relabel_configs`). */
export interface RelabelRule {
  /** @default - none (only for actions that need no source) */
  readonly sourceLabels?: readonly string[];
  /** @default '(.*)' as Prometheus defaults it */
  readonly regex?: string;
  /** @default - none */
  readonly targetLabel?: string;
  /** @default '$1' as Prometheus defaults it */
  readonly replacement?: string;
  /** @default 'replace' */
  readonly action?: RelabelAction;
}

/** Targets found by listing pods through the Kubernetes API (`kubernetes_sd_configs`, role pod). */
export interface PodDiscovery {
  readonly kind: 'kubernetes-pods';
  /** Namespaces to watch. @default - every namespace */
  readonly namespaces?: readonly string[];
  /** A label selector evaluated by the API server, e.g. `app.kubernetes.io/name=grafana`. @default - every pod */
  readonly labelSelector?: string;
}

/** Fixed targets (`static_configs`). */
export interface StaticTargets {
  readonly kind: 'static';
  /** `host:port` of each target. */
  readonly targets: readonly string[];
}

/**
 * The exposition formats Prometheus can parse, as `scrape_protocols` and `fallback_scrape_protocol`
 * name them (config.ScrapeProtocolsHeaders, case-sensitive).
 */
export const SCRAPE_PROTOCOLS = [
  'PrometheusProto',
  'PrometheusText0.0.4',
  'PrometheusText1.0.0',
  'OpenMetricsText0.0.1',
  'OpenMetricsText1.0.0',
] as const;
export type ScrapeProtocol = (typeof SCRAPE_PROTOCOLS)[number];

/** Per-scrape limits: a target that exceeds one fails its scrape (and `up` shows it), the server lives on. */
export interface ScrapeLimits {
  /** Samples one scrape may return. */
  readonly sampleLimit: number;
  /** Labels one series may carry. */
  readonly labelLimit: number;
}

export interface ScrapeJob {
  /** `job_name`, and the `job` label of every series it scrapes. */
  readonly name: string;
  readonly discovery: PodDiscovery | StaticTargets;
  readonly limits: ScrapeLimits;
  /** @default - the global scrape interval */
  readonly interval?: Duration;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** Keep the labels the target exposes when they clash with target labels (a collector re-exporting other jobs' metrics). @default false */
  readonly honorLabels?: boolean;
  /** @default - none */
  readonly relabel?: readonly RelabelRule[];
  /** How to authenticate to and verify the targets (scheme, basic auth, TLS). @default - plain HTTP */
  readonly client?: WebClientSecurity;
  /**
   * How to parse a reply whose Content-Type is missing or unknown, which Prometheus 3 otherwise
   * fails the scrape on (`up` 0). @default 'PrometheusText0.0.4' - the classic text format
   */
  readonly fallbackScrapeProtocol?: ScrapeProtocol;
}

export interface RemoteWriteQueue {
  /** Samples buffered per shard. @default 10000 */
  readonly capacity?: number;
  /** @default 50 */
  readonly maxShards?: number;
  /** @default 2000 */
  readonly maxSamplesPerSend?: number;
  /** @default Duration.seconds(5) */
  readonly batchSendDeadline?: Duration;
}

/** Sends every sample on to long-term storage (Thanos, Mimir, Cortex) over `remote_write`. */
export interface RemoteWrite {
  /** A `remote_write` endpoint, e.g. `https://mimir.example.org/api/v1/push`. */
  readonly url: string;
  /** @default - derived by Prometheus from the URL */
  readonly name?: string;
  /** User name for basic auth (not a secret); the password comes from `basicAuthPassword`. @default - no basic auth */
  readonly basicAuthUsername?: string;
  /** @default - no basic auth */
  readonly basicAuthPassword?: SecretKeyRef;
  /** A bearer token, sent as `Authorization: Bearer`. @default - no bearer token */
  readonly bearerToken?: SecretKeyRef;
  /** @default - the defaults of each field */
  readonly queue?: RemoteWriteQueue;
}

/** Where remote-write Secrets are mounted in the Prometheus container. */
export const PROMETHEUS_SECRETS_ROOT = '/etc/prometheus/secrets';

/** When the TSDB deletes its oldest blocks: past `time`, or when the blocks exceed `size`. */
export interface TsdbRetention {
  readonly time: Duration;
  readonly size: Quantity<'data'>;
}

export interface PrometheusConfigProps {
  readonly scrapeInterval: Duration;
  readonly scrapeTimeout: Duration;
  readonly evaluationInterval: Duration;
  readonly externalLabels: Readonly<Record<string, string>>;
  /** Labels dropped from alerts before they are sent, so that identical servers' alerts de-duplicate. */
  readonly alertLabelsToDrop: readonly string[];
  /** `host:port` of every Alertmanager peer. */
  readonly alertmanagers: readonly string[];
  /** How to authenticate to and verify the Alertmanagers. @default - plain HTTP */
  readonly alertmanagerClient?: WebClientSecurity;
  readonly ruleFiles: readonly string[];
  readonly jobs: readonly ScrapeJob[];
  readonly remoteWrite: readonly RemoteWrite[];
  readonly retention: TsdbRetention;
}

/** Checks the typed configuration; `owner` names the object in errors. */
export function checkPrometheusConfig(owner: string, props: PrometheusConfigProps): void {
  checkIntervals(owner, props);
  for (const key of Object.keys(props.externalLabels)) {
    const problem = labelNameProblem(key);
    if (problem) throw new Error(`${owner}: external label name '${key}' ${problem}`);
  }
  const names = new Set<string>();
  for (const job of props.jobs) {
    if (names.has(job.name))
      throw new Error(`${owner}: scrape job '${job.name}' is defined twice; job names must be unique`);
    names.add(job.name);
    checkJob(owner, job);
  }
  props.remoteWrite.forEach((rw, i) => {
    checkRemoteWrite(`${owner}: remoteWrite[${i}]`, rw);
  });
}

function checkIntervals(owner: string, props: PrometheusConfigProps): void {
  for (const [field, d] of [
    ['scrapeInterval', props.scrapeInterval],
    ['scrapeTimeout', props.scrapeTimeout],
    ['evaluationInterval', props.evaluationInterval],
  ] as const) {
    if (!d.isValid() || d.isZero()) throw new Error(`${owner}: '${field}' must be a positive duration, got ${d}`);
  }
  if (props.scrapeTimeout.compareTo(props.scrapeInterval) > 0) {
    throw new Error(
      `${owner}: 'scrapeTimeout' (${props.scrapeTimeout}) must not exceed 'scrapeInterval' (${props.scrapeInterval})`,
    );
  }
}

function checkJob(owner: string, job: ScrapeJob): void {
  if (!/^[a-zA-Z0-9_.:-]+$/.test(job.name))
    throw new Error(`${owner}: scrape job '${job.name}': 'name' must be letters, digits, "_", ".", ":" and "-"`);
  for (const [field, n] of [
    ['sampleLimit', job.limits.sampleLimit],
    ['labelLimit', job.limits.labelLimit],
  ] as const) {
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${owner}: scrape job '${job.name}': '${field}' must be a whole number of at least 1, got ${n}`);
  }
  if (job.discovery.kind === 'static' && job.discovery.targets.length === 0) {
    throw new Error(`${owner}: scrape job '${job.name}': 'targets' must name at least one host:port`);
  }
}

/** `where` names the endpoint in errors, e.g. `Prometheus 'prometheus': remoteWrite[0]`. */
function checkRemoteWrite(where: string, rw: RemoteWrite): void {
  if (!/^https?:\/\/[^\s/]+/.test(rw.url)) throw new Error(`${where}: 'url' must be an http(s) URL, got '${rw.url}'`);
  if (rw.basicAuthPassword && rw.bearerToken)
    throw new Error(`${where}: set either 'basicAuthPassword' or 'bearerToken', not both`);
  if ((rw.basicAuthUsername === undefined) !== (rw.basicAuthPassword === undefined)) {
    throw new Error(`${where}: 'basicAuthUsername' and 'basicAuthPassword' go together`);
  }
  if (rw.basicAuthPassword) checkSecretRef(where, 'basicAuthPassword', rw.basicAuthPassword);
  if (rw.bearerToken) checkSecretRef(where, 'bearerToken', rw.bearerToken);
  const q = rw.queue ?? {};
  for (const [field, n] of [
    ['capacity', q.capacity],
    ['maxShards', q.maxShards],
    ['maxSamplesPerSend', q.maxSamplesPerSend],
  ] as const) {
    if (n !== undefined && (!Number.isInteger(n) || n < 1))
      throw new Error(`${where}: 'queue.${field}' must be a whole number of at least 1, got ${n}`);
  }
}

/** The prometheus.yml document. Keys are emitted in a fixed order, so the output is deterministic. */
export function renderPrometheusConfig(props: PrometheusConfigProps): object {
  return {
    global: {
      scrape_interval: props.scrapeInterval.toPrometheus(),
      scrape_timeout: props.scrapeTimeout.toPrometheus(),
      evaluation_interval: props.evaluationInterval.toPrometheus(),
      external_labels: { ...props.externalLabels },
    },
    alerting: {
      alert_relabel_configs: props.alertLabelsToDrop.map((label) => ({ action: 'labeldrop', regex: label })),
      alertmanagers: [
        {
          api_version: 'v2',
          timeout: '10s',
          ...props.alertmanagerClient?.prometheusClient(),
          static_configs: [{ targets: [...props.alertmanagers] }],
        },
      ],
    },
    rule_files: [...props.ruleFiles],
    scrape_configs: props.jobs.map(renderJob),
    ...(props.remoteWrite.length > 0 ? { remote_write: props.remoteWrite.map(renderRemoteWrite) } : {}),
    // Here, not in the --storage.tsdb.retention.* flags that Prometheus 3.8 deprecated; a reload applies it.
    storage: {
      tsdb: {
        retention: { time: props.retention.time.toPrometheus(), size: prometheusBytes(props.retention.size) },
      },
    },
  };
}

/** Prometheus' sizes count in powers of two (`1KB` is 1024 B, units.Base2Bytes); whole mebibytes are exact enough. */
function prometheusBytes(q: Quantity<'data'>): string {
  return `${Math.floor(q.in(Units.mebibytes))}MB`;
}

function renderJob(job: ScrapeJob): object {
  return {
    job_name: job.name,
    ...(job.interval ? { scrape_interval: job.interval.toPrometheus() } : {}),
    metrics_path: job.metricsPath ?? '/metrics',
    fallback_scrape_protocol: job.fallbackScrapeProtocol ?? 'PrometheusText0.0.4',
    ...(job.honorLabels ? { honor_labels: true } : {}),
    ...job.client?.prometheusClient(),
    sample_limit: job.limits.sampleLimit,
    label_limit: job.limits.labelLimit,
    ...(job.discovery.kind === 'static'
      ? { static_configs: [{ targets: [...job.discovery.targets] }] }
      : { kubernetes_sd_configs: [renderPodDiscovery(job.discovery)] }),
    ...(job.relabel && job.relabel.length > 0 ? { relabel_configs: job.relabel.map(renderRelabel) } : {}),
  };
}

function renderPodDiscovery(d: PodDiscovery): object {
  return {
    role: 'pod',
    ...(d.namespaces ? { namespaces: { names: [...d.namespaces] } } : {}),
    ...(d.labelSelector ? { selectors: [{ role: 'pod', label: d.labelSelector }] } : {}),
  };
}

export function renderRelabel(r: RelabelRule): object {
  return {
    ...(r.sourceLabels ? { source_labels: [...r.sourceLabels] } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel !== undefined ? { target_label: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    action: r.action ?? 'replace',
  };
}

function renderRemoteWrite(rw: RemoteWrite): object {
  const q = rw.queue ?? {};
  return {
    url: rw.url,
    ...(rw.name ? { name: rw.name } : {}),
    ...(rw.basicAuthPassword
      ? {
          basic_auth: {
            username: rw.basicAuthUsername,
            password_file: secretFilePath(PROMETHEUS_SECRETS_ROOT, rw.basicAuthPassword),
          },
        }
      : {}),
    ...(rw.bearerToken
      ? { authorization: { type: 'Bearer', credentials_file: secretFilePath(PROMETHEUS_SECRETS_ROOT, rw.bearerToken) } }
      : {}),
    queue_config: {
      capacity: q.capacity ?? 10_000,
      max_shards: q.maxShards ?? 50,
      max_samples_per_send: q.maxSamplesPerSend ?? 2000,
      batch_send_deadline: (q.batchSendDeadline ?? Duration.seconds(5)).toPrometheus(),
    },
  };
}
