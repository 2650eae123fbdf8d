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
