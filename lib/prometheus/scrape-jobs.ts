import { DEVICE_TARGETS, type Duration, dnsLabelProblem } from '../core';
import {
  type PodDiscovery,
  type RelabelRule,
  SCRAPE_PROTOCOLS,
  type ScrapeJob,
  type ScrapeLimits,
  type ScrapeProtocol,
} from './prometheus-config';

/**
 * The scrape jobs of the stack. Components with stable identities (the Prometheus and
 * Alertmanager StatefulSets) are scraped at their peers' DNS names; everything else is found by
 * listing pods, so a component not deployed yet has no target rather than a target that is down.
 */

/** Per-job scrape limits, each with its reason. A target over a limit fails its scrape; the server is unharmed. */
export const SCRAPE_LIMITS = {
  /** The service contract is 10 gauges; the client library's process and runtime metrics add about 100. */
  devices: { sampleLimit: 1000, labelLimit: 20 },
  /** node_exporter on an edge device: 1,000-3,000 series with hwmon, thermal and power-supply collectors. */
  hardwareExporter: { sampleLimit: 10_000, labelLimit: 30 },
  /** Prometheus' own metrics: about 1,500 series, growing with rule groups and scrape jobs. */
  prometheus: { sampleLimit: 20_000, labelLimit: 30 },
  /** Alertmanager's own metrics: a few hundred series. */
  alertmanager: { sampleLimit: 5000, labelLimit: 30 },
  /** Grafana's own metrics: a few thousand series, more with many dashboards and datasources. */
  grafana: { sampleLimit: 20_000, labelLimit: 30 },
  /** Metrics devices push over OTLP, re-exported by the collector: 10 per device across a fleet of 10,000 devices, with room. */
  otelExported: { sampleLimit: 500_000, labelLimit: 40 },
  /** The collector's own telemetry: a few hundred series per pipeline. */
  otelTelemetry: { sampleLimit: 5000, labelLimit: 30 },
  /** Batch jobs' pushed results: about ten series per test or training job, for hundreds of jobs. */
  pushgateway: { sampleLimit: 20_000, labelLimit: 30 },
  /** Jaeger's own telemetry (a collector build): a few hundred series. */
  jaeger: { sampleLimit: 5000, labelLimit: 30 },
} as const satisfies Record<string, ScrapeLimits>;

/**
 * The pod label a liquid-audio-nets pod sets to `"true"` to be scraped. A label of the product's own,
 * not the common `prometheus.io/scrape` annotation: in a shared cluster, third-party pods carry that
 * annotation, and a third-party pod scraped under the devices' limits would page as an offline device.
 * Prometheus selects on it when it lists pods, so the other pods never even reach relabelling.
 */
export const DEVICE_SCRAPE_LABEL = 'liquid-audio-nets.dev/scrape';

/** The annotations that tell where a liquid-audio-nets pod serves its metrics. */
export const DEVICE_SCRAPE_ANNOTATIONS = {
  /** The port of its metrics endpoint. @default 8080 */
  port: 'prometheus.io/port',
  /** The path of its metrics endpoint. @default '/metrics' */
  path: 'prometheus.io/path',
} as const;
export const DEVICE_DEFAULT_PORT = 8080;

/** The `__meta_kubernetes_pod_label_*` label Prometheus derives from a pod label's name. */
export function podLabelLabel(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The `__meta_kubernetes_pod_annotation_*` label Prometheus derives from an annotation name. */
export function podAnnotationLabel(annotation: string): string {
  return `__meta_kubernetes_pod_annotation_${annotation.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

const meta = {
  namespace: '__meta_kubernetes_namespace',
  pod: '__meta_kubernetes_pod_name',
  podIp: '__meta_kubernetes_pod_ip',
  node: '__meta_kubernetes_pod_node_name',
  phase: '__meta_kubernetes_pod_phase',
  portNumber: '__meta_kubernetes_pod_container_port_number',
} as const;

/** `namespace` and `pod` labels on every target found by pod discovery. */
const POD_IDENTITY: readonly RelabelRule[] = [
  { sourceLabels: [meta.namespace], targetLabel: 'namespace' },
  { sourceLabels: [meta.pod], targetLabel: 'pod' },
];

/** Keeps the one target per pod whose declared container port is `port`. */
function keepPort(port: number): RelabelRule {
  return { sourceLabels: [meta.portNumber], regex: String(port), action: 'keep' };
}

/** The device a target belongs to: each edge device is a node, so the node's name. */
const DEVICE_FROM_NODE: RelabelRule = { sourceLabels: [meta.node], targetLabel: DEVICE_TARGETS.deviceLabel };

function pods(namespaces: readonly string[] | undefined, labelSelector?: string): PodDiscovery {
  return {
    kind: 'kubernetes-pods',
    ...(namespaces ? { namespaces } : {}),
    ...(labelSelector ? { labelSelector } : {}),
  };
}

/** A component of the stack found by its `app.kubernetes.io/name` label, scraped on one declared port. */
export function componentJob(
  name: string,
  namespace: string,
  appName: string,
  port: number,
  limits: ScrapeLimits,
  extra: Partial<ScrapeJob> = {},
): ScrapeJob {
  return {
    name,
    discovery: pods([namespace], `app.kubernetes.io/name=${appName}`),
    limits,
    relabel: componentRelabelling(port),
    ...extra,
  };
}

/** A component's relabelling: its one declared port, `namespace` and `pod`. */
export function componentRelabelling(port: number): RelabelRule[] {
  return [keepPort(port), ...POD_IDENTITY];
}

/** Fixed peers (a StatefulSet's pods by their DNS names). */
export function peersJob(name: string, peers: readonly string[], limits: ScrapeLimits): ScrapeJob {
  return { name, discovery: { kind: 'static', targets: peers }, limits };
}

/**
 * The liquid-audio-nets pods in `namespaces` (all by default) labelled `liquid-audio-nets.dev/scrape:
 * "true"`, at `prometheus.io/port` (8080) and `prometheus.io/path` (/metrics); `device` is the node.
 */
export function devicesJob(namespaces?: readonly string[]): ScrapeJob {
  return {
    name: DEVICE_TARGETS.job,
    discovery: pods(namespaces, `${DEVICE_SCRAPE_LABEL}=true`),
    limits: SCRAPE_LIMITS.devices,
    relabel: DEVICE_RELABELLING,
  };
}

/**
 * The devices' relabelling: the opt-in label checked again (a selector is only a filter of the
 * listing), running pods only, the address from the annotations, `device` from the node. The operator
 * mode's PodMonitor repeats it.
 */
export const DEVICE_RELABELLING: readonly RelabelRule[] = deviceRelabelling();

function deviceRelabelling(): RelabelRule[] {
  const annotation = (a: keyof typeof DEVICE_SCRAPE_ANNOTATIONS) => podAnnotationLabel(DEVICE_SCRAPE_ANNOTATIONS[a]);
  return [
    { sourceLabels: [podLabelLabel(DEVICE_SCRAPE_LABEL)], regex: 'true', action: 'keep' },
    { sourceLabels: [meta.phase], regex: 'Pending|Succeeded|Failed', action: 'drop' },
    {
      sourceLabels: [meta.podIp],
      regex: '(.+)',
      targetLabel: '__address__',
      replacement: `$1:${DEVICE_DEFAULT_PORT}`,
    },
    {
      sourceLabels: [meta.podIp, annotation('port')],
      regex: '(.+);(\\d+)',
      targetLabel: '__address__',
      replacement: '$1:$2',
    },
    { sourceLabels: [annotation('path')], regex: '(.+)', targetLabel: '__metrics_path__' },
    DEVICE_FROM_NODE,
    ...POD_IDENTITY,
  ];
}

/**
 * node_exporter on every node (hostNetwork), found in `namespace` by its pods' labels, labelled with
 * its device; the stack names the job. The stack's own exporter, or one the cluster already runs.
 */
export function hardwareExporterJob(
  job: string,
  namespace: string,
  selector: Readonly<Record<string, string>>,
  port: number,
): ScrapeJob {
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    name: job,
    discovery: pods([namespace], labelSelector),
    limits: SCRAPE_LIMITS.hardwareExporter,
    relabel: hardwareExporterRelabelling(port),
  };
}

/** The hardware exporter's relabelling, shared with the operator mode's PodMonitor: its port, `device` from the node. */
export function hardwareExporterRelabelling(port: number): RelabelRule[] {
  return [keepPort(port), DEVICE_FROM_NODE, ...POD_IDENTITY];
}

/** Pods an extra scrape job finds through the Kubernetes API. */
export interface ExtraScrapePods {
  /** Namespaces to look in (RFC 1123 labels); at least one, so a job never scrapes the whole cluster by accident. */
  readonly namespaces: readonly string[];
  /** A label selector the API server evaluates, e.g. `app.kubernetes.io/name=edge-gateway`. @default - every pod of `namespaces` */
  readonly labelSelector?: string;
  /** The declared container port the metrics are served on; one target per pod. */
  readonly port: number;
}

/**
 * A scrape job a team adds beside the stack's own (`StackConfig.extraScrapeJobs`): fixed targets or
 * pods, with the same limits and fallback protocol every built-in job has.
 */
export interface ExtraScrapeJob {
  /** `job_name`, and the `job` label of its series: letters, digits, "_", ".", ":" and "-". */
  readonly name: string;
  /** Fixed `host:port` targets (`static_configs`). @default - none; set exactly one of `targets` and `pods` */
  readonly targets?: readonly string[];
  /** Pods found through the Kubernetes API, labelled with their `namespace` and `pod`. @default - none; set exactly one of `targets` and `pods` */
  readonly pods?: ExtraScrapePods;
  /** Samples per scrape and labels per series: a target over a limit fails its scrape, the server lives on. */
  readonly limits: ScrapeLimits;
  /** @default - the global scrape interval */
  readonly interval?: Duration;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default 'PrometheusText0.0.4' - the classic text format, as the built-in jobs */
  readonly fallbackScrapeProtocol?: ScrapeProtocol;
  /** Keep the labels the targets expose when they clash with target labels. @default false */
  readonly honorLabels?: boolean;
}

/** The job `job` describes, checked: one sentence naming the job, the field, the value and what is allowed. */
export function extraScrapeJob(job: ExtraScrapeJob): ScrapeJob {
  const fail = (message: string): never => {
    throw new Error(`scrape job '${job.name}': ${message}`);
  };
  if (typeof job.name !== 'string' || !JOB_NAME.test(job.name))
    fail(`'name' must be letters, digits, "_", ".", ":" and "-"`);
  for (const field of ['sampleLimit', 'labelLimit'] as const) {
    const n = job.limits?.[field];
    if (!Number.isInteger(n) || n < 1) fail(`'limits.${field}' must be a whole number of at least 1, got ${n}`);
  }
  if (job.interval !== undefined && (!job.interval.isValid() || job.interval.isZero()))
    fail(`'interval' must be a positive duration, got ${job.interval}`);
  if (job.metricsPath !== undefined && !/^\/\S*$/.test(job.metricsPath))
    fail(`'metricsPath' must be a path starting with "/" and without spaces, got '${job.metricsPath}'`);
  if (job.fallbackScrapeProtocol !== undefined && !SCRAPE_PROTOCOLS.includes(job.fallbackScrapeProtocol))
    fail(`'fallbackScrapeProtocol' must be one of ${SCRAPE_PROTOCOLS.join(', ')}, got '${job.fallbackScrapeProtocol}'`);
  const common = {
    name: job.name,
    limits: { sampleLimit: job.limits.sampleLimit, labelLimit: job.limits.labelLimit },
    ...(job.interval ? { interval: job.interval } : {}),
    ...(job.metricsPath ? { metricsPath: job.metricsPath } : {}),
    ...(job.fallbackScrapeProtocol ? { fallbackScrapeProtocol: job.fallbackScrapeProtocol } : {}),
    ...(job.honorLabels ? { honorLabels: true } : {}),
  };
  if ((job.targets === undefined) === (job.pods === undefined)) fail(`set exactly one of 'targets' and 'pods'`);
  if (job.targets !== undefined) {
    if (job.targets.length === 0) fail(`'targets' must name at least one host:port`);
    for (const target of job.targets) {
      const port = HOST_PORT.exec(target)?.[2];
      if (port === undefined || !validPort(Number(port)))
        fail(`'targets' entry '${target}' must be host:port with a port from 1 to 65535`);
    }
    return { ...common, discovery: { kind: 'static', targets: [...job.targets] } };
  }
  const p = job.pods as ExtraScrapePods;
  if (p.namespaces.length === 0) fail(`'pods.namespaces' must name at least one namespace`);
  for (const namespace of p.namespaces) {
    const problem = dnsLabelProblem(namespace);
    if (problem) fail(`'pods.namespaces' entry '${namespace}' ${problem}`);
  }
  if (p.labelSelector !== undefined && p.labelSelector.trim() === '')
    fail(`'pods.labelSelector' must not be empty; leave it out to scrape every pod of the namespaces`);
  if (!validPort(p.port)) fail(`'pods.port' must be a whole number from 1 to 65535, got ${p.port}`);
  return {
    ...common,
    discovery: pods(p.namespaces, p.labelSelector),
    relabel: [keepPort(p.port), ...POD_IDENTITY],
  };
}

const JOB_NAME = /^[a-zA-Z0-9_.:-]+$/;
/** `host:port`, an IPv6 host in brackets. */
const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?):(\d{1,5})$/;

function validPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}
