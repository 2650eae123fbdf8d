import { DEVICE_TARGETS } from '../core';
import type { PodDiscovery, RelabelRule, ScrapeJob, ScrapeLimits } from './prometheus-config';

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

/** The annotations a liquid-audio-nets pod sets to be scraped. */
export const DEVICE_SCRAPE_ANNOTATIONS = {
  /** `"true"` opts the pod in. */
  scrape: 'prometheus.io/scrape',
  /** The port of its metrics endpoint. @default 8080 */
  port: 'prometheus.io/port',
  /** The path of its metrics endpoint. @default '/metrics' */
  path: 'prometheus.io/path',
} as const;
export const DEVICE_DEFAULT_PORT = 8080;

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
    relabel: [keepPort(port), ...POD_IDENTITY],
    ...extra,
  };
}

/** Fixed peers (a StatefulSet's pods by their DNS names). */
export function peersJob(name: string, peers: readonly string[], limits: ScrapeLimits): ScrapeJob {
  return { name, discovery: { kind: 'static', targets: peers }, limits };
}

/**
 * The liquid-audio-nets pods in `namespaces` (all by default) annotated `prometheus.io/scrape:
 * "true"`, at `prometheus.io/port` (8080) and `prometheus.io/path` (/metrics); `device` is the node.
 */
export function devicesJob(namespaces?: readonly string[]): ScrapeJob {
  const annotation = (a: keyof typeof DEVICE_SCRAPE_ANNOTATIONS) => podAnnotationLabel(DEVICE_SCRAPE_ANNOTATIONS[a]);
  return {
    name: DEVICE_TARGETS.job,
    discovery: pods(namespaces),
    limits: SCRAPE_LIMITS.devices,
    relabel: [
      { sourceLabels: [annotation('scrape')], regex: 'true', action: 'keep' },
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
    ],
  };
}

/** node_exporter on every node (hostNetwork), labelled with its device; the stack names the job. */
export function hardwareExporterJob(job: string, namespace: string, appName: string, port: number): ScrapeJob {
  return {
    name: job,
    discovery: pods([namespace], `app.kubernetes.io/name=${appName}`),
    limits: SCRAPE_LIMITS.hardwareExporter,
    relabel: [keepPort(port), DEVICE_FROM_NODE, ...POD_IDENTITY],
  };
}
