import type { Duration } from '../core';

/**
 * The collector's configuration as typed components, checked as the collector checks it at
 * start-up, so a broken pipeline stops the synth, not a pod; `otelcol validate` judges it in tests.
 */

/** OTLP from devices and services, over gRPC and HTTP. */
export interface OtlpReceiver {
  readonly kind: 'otlp';
  readonly grpcPort: number;
  readonly httpPort: number;
}

/** Refuses data before the collector runs out of memory; first in every pipeline. */
export interface MemoryLimiterProcessor {
  readonly kind: 'memory_limiter';
  readonly checkInterval: Duration;
  /** Share of the container's memory limit the collector may use. */
  readonly limitPercentage: number;
  /** Headroom kept for spikes between checks, as a share of the limit. */
  readonly spikeLimitPercentage: number;
}

/** Batches data before export; last in every pipeline. */
export interface BatchProcessor {
  readonly kind: 'batch';
  readonly sendBatchSize: number;
  readonly timeout: Duration;
}

/** Serves the metrics it receives on /metrics for Prometheus to scrape. */
export interface PrometheusExporter {
  readonly kind: 'prometheus';
  readonly port: number;
  /** Series not updated for this long are dropped from /metrics. */
  readonly metricExpiration: Duration;
}

/** Forwards data to an OTLP gRPC endpoint (the bundled Jaeger, another trace store, a vendor). */
export interface OtlpGrpcExporter {
  readonly kind: 'otlp_grpc';
  /** `host:port` of the OTLP gRPC endpoint. */
  readonly endpoint: string;
  /** Plain-text gRPC, inside the cluster only. */
  readonly insecure: boolean;
}

/** Forwards data to an OTLP/HTTP endpoint; the exporter appends `/v1/traces` to the base URL. */
export interface OtlpHttpExporter {
  readonly kind: 'otlp_http';
  /** Base `http(s)://` URL of the endpoint. */
  readonly endpoint: string;
}

/**
 * Turns spans into request, error and duration series (`traces.span.metrics.*`): an exporter of a
 * traces pipeline and a receiver of a metrics pipeline.
 */
export interface SpanMetricsConnector {
  readonly kind: 'span_metrics';
  /** Upper bounds of the duration histogram's buckets. */
  readonly buckets: readonly Duration[];
  /** Span or resource attributes that become labels, besides service, span name, kind and status code. */
  readonly dimensions: readonly string[];
  /** How often the series are handed on to the metrics pipeline. */
  readonly flushInterval: Duration;
  /** A series no span has updated for this long is dropped, so departed devices do not pile up. */
  readonly seriesExpiration: Duration;
}

export interface HealthCheckExtension {
  readonly kind: 'health_check';
  readonly port: number;
}

export type OtelReceiver = OtlpReceiver;
export type OtelProcessor = MemoryLimiterProcessor | BatchProcessor;
export type OtelExporter = PrometheusExporter | OtlpGrpcExporter | OtlpHttpExporter;
export type OtelConnector = SpanMetricsConnector;
export type OtelExtension = HealthCheckExtension;
export type SignalType = 'metrics' | 'traces' | 'logs';

export interface OtelPipeline {
  readonly receivers: readonly string[];
  readonly processors: readonly string[];
  readonly exporters: readonly string[];
}

export interface OtelCollectorConfigProps {
  /** Components by id (`otlp`, `otlp/traces`): the part before a `/` must be the component's kind. */
  readonly receivers: Readonly<Record<string, OtelReceiver>>;
  readonly processors: Readonly<Record<string, OtelProcessor>>;
  readonly exporters: Readonly<Record<string, OtelExporter>>;
  /** Connectors: each is an exporter of one pipeline and a receiver of another. @default - none */
  readonly connectors?: Readonly<Record<string, OtelConnector>>;
  readonly extensions: Readonly<Record<string, OtelExtension>>;
  /** Pipelines by id (`metrics`, `traces/backend`): the part before a `/` is the signal. */
  readonly pipelines: Readonly<Record<string, OtelPipeline>>;
  /** Port of the collector's own metrics. */
  readonly telemetryPort: number;
}

/** Listeners bind to the pod's address (the collector expands `${env:POD_IP}`), not to every interface. */
const LISTEN = '${env:POD_IP}';

/** A checked collector configuration. */
export class OtelCollectorConfig {
  public readonly props: OtelCollectorConfigProps;
  /** Every port the collector listens on, by what listens. */
  public readonly ports: ReadonlyMap<string, number>;

  public constructor(owner: string, props: OtelCollectorConfigProps) {
    const fail: Fail = (message) => {
      throw new Error(`${owner}: ${message}`);
    };
    checkComponentIds(props, fail);
    checkPipelines(props, fail);
    const ports = listeningPorts(props, fail);
    checkMemoryLimiters(props, fail);
    checkOtlpExporters(props, fail);
    checkConnectors(props, fail);
    this.props = props;
    this.ports = ports;
  }

  /** The collector's YAML document. */
  public render(): object {
    const p = this.props;
    return {
      extensions: mapValues(p.extensions, (x) => ({ endpoint: `${LISTEN}:${x.port}` })),
      receivers: mapValues(p.receivers, (r) => ({
        protocols: { grpc: { endpoint: `${LISTEN}:${r.grpcPort}` }, http: { endpoint: `${LISTEN}:${r.httpPort}` } },
      })),
      processors: mapValues(p.processors, (x): object =>
        x.kind === 'memory_limiter'
          ? {
              check_interval: x.checkInterval.toPrometheus(),
              limit_percentage: x.limitPercentage,
              spike_limit_percentage: x.spikeLimitPercentage,
            }
          : { send_batch_size: x.sendBatchSize, timeout: x.timeout.toPrometheus() },
      ),
      exporters: mapValues(p.exporters, renderExporter),
      ...(p.connectors && Object.keys(p.connectors).length > 0
        ? { connectors: mapValues(p.connectors, renderConnector) }
        : {}),
      service: {
        extensions: Object.keys(p.extensions),
        telemetry: {
          metrics: { readers: [{ pull: { exporter: { prometheus: { host: LISTEN, port: p.telemetryPort } } } }] },
        },
        pipelines: mapValues(p.pipelines, (x) => ({
          receivers: [...x.receivers],
          processors: [...x.processors],
          exporters: [...x.exporters],
        })),
      },
    };
  }
}

function renderExporter(x: OtelExporter): object {
  switch (x.kind) {
    case 'prometheus':
      return {
        endpoint: `${LISTEN}:${x.port}`,
        metric_expiration: x.metricExpiration.toPrometheus(),
        // The service contract's names stay as they are: no unit or type suffixes appended.
        translation_strategy: 'UnderscoreEscapingWithoutSuffixes',
      };
    case 'otlp_grpc':
      return { endpoint: x.endpoint, tls: { insecure: x.insecure } };
    case 'otlp_http':
      return { endpoint: x.endpoint };
  }
}

function renderConnector(x: OtelConnector): object {
  return {
    histogram: { explicit: { buckets: x.buckets.map((b) => b.toGo()) } },
    dimensions: x.dimensions.map((name) => ({ name })),
    metrics_flush_interval: x.flushInterval.toGo(),
    series_expiration: x.seriesExpiration.toGo(),
  };
}

function mapValues<T, U>(record: Readonly<Record<string, T>>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/** Throws one line naming the collector's owner. */
type Fail = (message: string) => never;

/** Pipelines name their components, which are defined in these sections. */
type PipelineSection = 'receiver' | 'processor' | 'exporter';

/** A component's id is its kind, or its kind and a name after a `/`. */
function checkComponentIds(props: OtelCollectorConfigProps, fail: Fail): void {
  const sections = {
    receiver: props.receivers,
    processor: props.processors,
    exporter: props.exporters,
    connector: props.connectors ?? {},
    extension: props.extensions,
  } as const;
  for (const [section, components] of Object.entries(sections)) {
    for (const [id, component] of Object.entries(components)) {
      if (id.split('/')[0] !== component.kind)
        fail(`${section} '${id}' must be named '${component.kind}' or '${component.kind}/<name>'`);
    }
  }
}

/**
 * Every pipeline is well formed, then every receiver, processor and exporter is in one, and every
 * connector is an exporter of one pipeline and a receiver of another.
 */
function checkPipelines(props: OtelCollectorConfigProps, fail: Fail): void {
  const used = {
    receiver: new Set<string>(),
    processor: new Set<string>(),
    exporter: new Set<string>(),
    connectorIn: new Set<string>(),
    connectorOut: new Set<string>(),
  };
  for (const [id, pipeline] of Object.entries(props.pipelines)) checkPipeline(id, pipeline, props, used, fail);
  for (const [kind, defined] of [
    ['receiver', props.receivers],
    ['processor', props.processors],
    ['exporter', props.exporters],
  ] as const) {
    for (const id of Object.keys(defined)) {
      if (!used[kind].has(id))
        fail(`${kind} '${id}' is defined but no pipeline uses it; remove it or add it to a pipeline`);
    }
  }
  for (const id of Object.keys(props.connectors ?? {})) {
    if (!used.connectorOut.has(id) || !used.connectorIn.has(id))
      fail(`connector '${id}' must be an exporter of one pipeline and a receiver of another`);
  }
}

/** Named after its signal, with a receiver and an exporter, defined components, and its processors in order; records what it uses. */
function checkPipeline(
  id: string,
  pipeline: OtelPipeline,
  props: OtelCollectorConfigProps,
  used: Readonly<Record<PipelineSection | 'connectorIn' | 'connectorOut', Set<string>>>,
  fail: Fail,
): void {
  const connectors = props.connectors ?? {};
  const signal = id.split('/')[0];
  if (!['metrics', 'traces', 'logs'].includes(signal))
    fail(`pipeline '${id}' must be named after its signal (metrics, traces or logs), got '${signal}'`);
  if (pipeline.receivers.length === 0) fail(`pipeline '${id}' has no receiver`);
  if (pipeline.exporters.length === 0) fail(`pipeline '${id}' has no exporter`);
  for (const [kind, ids, defined] of [
    ['receiver', pipeline.receivers, props.receivers],
    ['processor', pipeline.processors, props.processors],
    ['exporter', pipeline.exporters, props.exporters],
  ] as const) {
    for (const ref of ids) {
      if (kind !== 'processor' && ref in connectors) {
        used[kind === 'receiver' ? 'connectorIn' : 'connectorOut'].add(ref);
        continue;
      }
      if (!(ref in defined))
        fail(
          `pipeline '${id}' names ${kind} '${ref}', which is not defined (defined: ${Object.keys(defined).join(', ') || 'none'})`,
        );
      used[kind].add(ref);
    }
  }
  const kinds = pipeline.processors.map((p) => props.processors[p].kind);
  if (kinds[0] !== 'memory_limiter')
    fail(`pipeline '${id}' must start with a memory_limiter processor, got [${pipeline.processors.join(', ')}]`);
  if (kinds[kinds.length - 1] !== 'batch')
    fail(`pipeline '${id}' must end with a batch processor, got [${pipeline.processors.join(', ')}]`);
}

/** Every port the collector listens on, by what listens; each a valid port, none shared. */
function listeningPorts(props: OtelCollectorConfigProps, fail: Fail): Map<string, number> {
  const ports = new Map<string, number>();
  const listen = (what: string, port: number) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      fail(`${what} port must be a whole number from 1 to 65535, got ${port}`);
    for (const [other, p] of ports) if (p === port) fail(`${what} and ${other} both listen on port ${port}`);
    ports.set(what, port);
  };
  for (const [id, r] of Object.entries(props.receivers)) {
    listen(`receiver '${id}' (grpc)`, r.grpcPort);
    listen(`receiver '${id}' (http)`, r.httpPort);
  }
  for (const [id, e] of Object.entries(props.exporters))
    if (e.kind === 'prometheus') listen(`exporter '${id}'`, e.port);
  for (const [id, x] of Object.entries(props.extensions)) listen(`extension '${id}'`, x.port);
  listen('the collector telemetry', props.telemetryPort);
  return ports;
}

function checkMemoryLimiters(props: OtelCollectorConfigProps, fail: Fail): void {
  for (const [id, p] of Object.entries(props.processors)) {
    if (p.kind !== 'memory_limiter') continue;
    if (!(p.limitPercentage > 0 && p.limitPercentage <= 100))
      fail(`processor '${id}': 'limitPercentage' must be more than 0 and at most 100, got ${p.limitPercentage}`);
    if (!(p.spikeLimitPercentage >= 0 && p.spikeLimitPercentage < p.limitPercentage)) {
      fail(
        `processor '${id}': 'spikeLimitPercentage' must be at least 0 and below 'limitPercentage' (${p.limitPercentage}), got ${p.spikeLimitPercentage}`,
      );
    }
  }
}

function checkOtlpExporters(props: OtelCollectorConfigProps, fail: Fail): void {
  for (const [id, e] of Object.entries(props.exporters)) {
    if (e.kind === 'otlp_grpc' && !/^[a-zA-Z0-9.-]+:\d+$/.test(e.endpoint))
      fail(`exporter '${id}': 'endpoint' must be host:port, got '${e.endpoint}'`);
    if (e.kind === 'otlp_http' && !/^https?:\/\/[a-zA-Z0-9.-]+(:\d+)?(\/[^\s$]*)?$/.test(e.endpoint))
      fail(`exporter '${id}': 'endpoint' must be an http(s) URL without spaces or "$", got '${e.endpoint}'`);
  }
}

function checkConnectors(props: OtelCollectorConfigProps, fail: Fail): void {
  for (const [id, c] of Object.entries(props.connectors ?? {})) {
    if (c.buckets.length === 0) fail(`connector '${id}': 'buckets' must list at least one bucket`);
    c.buckets.forEach((b, i) => {
      if (!b.isValid() || b.isZero()) fail(`connector '${id}': bucket ${i + 1} must be a positive duration, got ${b}`);
      if (i > 0 && b.compareTo(c.buckets[i - 1]) <= 0)
        fail(`connector '${id}': 'buckets' must increase, got ${c.buckets[i - 1]} then ${b}`);
    });
    for (const [field, d] of [
      ['flushInterval', c.flushInterval],
      ['seriesExpiration', c.seriesExpiration],
    ] as const) {
      if (!d.isValid() || d.isZero()) fail(`connector '${id}': '${field}' must be a positive duration, got ${d}`);
    }
  }
}
