import type { ApiObject } from 'cdk8s';
import {
  type Container,
  IntOrString,
  KubeDeployment,
  KubeService,
  type ResourceRequirements,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Duration, Mebibytes, Millicores, toYaml, Units } from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  checkedConfigMap,
  checkReplicas,
  containerPort,
  contentHash,
  disruptionBudget,
  httpProbes,
  IMAGES,
  imageRef,
  imageVersion,
  kubeResources,
  type NamedPort,
  type PodPlacement,
  placementSpec,
  podServiceAccount,
  podTemplateMetadata,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  selectorLabels,
  serviceAccount,
  servicePort,
  spreadOverNodes,
} from '../k8s';
import { OtelCollectorConfig, type OtelExporter, type OtelPipeline } from './otel-config';

/** The collector's ports, as clients, probes and the Prometheus scrape jobs know them. */
export const OTEL_PORTS = { grpc: 4317, http: 4318, prometheus: 8889, telemetry: 8888, health: 13133 } as const;

/** The two OTLP transports. */
export type OtlpProtocol = 'grpc' | 'http';

/**
 * Bucket bounds of the span duration histogram: fine around the 25 ms real-time budget of an
 * inference frame, coarse up to the seconds a request to a service may take.
 */
export const SPAN_DURATION_BUCKETS: readonly Duration[] = [
  1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 75, 100, 250, 500, 1000, 2500, 5000, 10_000,
].map((ms) => Duration.millis(ms));

/** Span attributes that become span metric labels besides the connector's own: the device, as the dashboards filter on it. */
const SPAN_DIMENSIONS = ['device'] as const;

/** The otel/opentelemetry-collector-contrib image runs as this user. */
const COLLECTOR_UID = 10001;

export interface OtelCollectorProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** @default 2 - one collector can restart or move while the other receives */
  readonly replicas?: number;
  /**
   * Where the traces go: `host:port` of an OTLP gRPC endpoint, or with `tracesProtocol: 'http'` the
   * base URL of an OTLP/HTTP one (a trace store, a vendor). The stack sets its bundled Jaeger here.
   * @default - spans are received and become span metrics, but are not stored
   */
  readonly tracesEndpoint?: string;
  /** The protocol of `tracesEndpoint`. @default 'grpc' */
  readonly tracesProtocol?: OtlpProtocol;
  /** Plain-text gRPC to the traces endpoint (in-cluster only). @default false */
  readonly tracesInsecure?: boolean;
  /**
   * How often the span metrics are handed to the Prometheus exporter: the delay from a span to
   * its series, besides the scrape interval.
   * @default Duration.seconds(15)
   */
  readonly spanMetricsFlushInterval?: Duration;
  /**
   * @default - requests 100m CPU and 256 MiB, limits 1 core and 512 MiB: the memory limiter keeps
   * the collector at 80% of the limit
   */
  readonly resources?: ComputeResources;
  /** @default IMAGES.otelCollector */
  readonly image?: ContainerImage;
}

/**
 * The OpenTelemetry collector: devices and services push OTLP (4317 gRPC, 4318 HTTP); metrics are
 * served on a Prometheus endpoint the stack scrapes, traces forwarded when an endpoint is set.
 */
export class OtelCollector extends Construct {
  public readonly name = 'otel-collector';
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly image: ContainerImage;
  public readonly config: OtelCollectorConfig;
  public readonly configText: string;
  public readonly hash: string;
  public readonly deployment: ApiObject;
  /** `host:port` of the OTLP gRPC endpoint inside the cluster. */
  public readonly grpcEndpoint: string;
  /** Labels selecting its pods. */
  public readonly selector: Readonly<Record<string, string>>;

  /** Labels of every object. */
  private readonly labels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    const owner = `OtelCollector '${this.name}'`;
    this.namespace = chartNamespace(this, owner);
    this.replicas = checkReplicas(owner, props.replicas ?? 2);
    this.image = props.image ?? IMAGES.otelCollector;
    const resourcesSpec = props.resources ?? OTEL_RESOURCES;
    const resources = kubeResources(owner, resourcesSpec);
    this.config = collectorConfig(owner, props);
    this.configText = toYaml(this.config.render());
    const data = { 'collector.yaml': this.configText };
    this.hash = contentHash(data);
    this.grpcEndpoint = `${this.name}.${this.namespace}.svc:${OTEL_PORTS.grpc}`;
    // The Prometheus scrape jobs find the collector by this name label.
    this.labels = recommendedLabels({
      name: 'opentelemetry-collector',
      component: 'telemetry-gateway',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);

    const configMap = checkedConfigMap(this, 'Config', { name: `${this.name}-config`, labels: this.labels, data });
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    new KubeService(this, 'Service', {
      metadata: { name: this.name, labels: this.labels },
      spec: { selector: this.selector, ports: [PORTS.grpc, PORTS.http].map(servicePort) },
    });
    this.deployment = this.renderDeployment(props, resources, goMemLimit(resourcesSpec), configMap.name);
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }

  private renderDeployment(
    props: OtelCollectorProps,
    resources: ResourceRequirements,
    goMemLimitValue: string,
    configMapName: string,
  ): ApiObject {
    return new KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: this.selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: IntOrString.fromNumber(0), maxSurge: IntOrString.fromNumber(1) },
        },
        template: {
          metadata: podTemplateMetadata(this.labels, this.hash),
          spec: {
            ...podServiceAccount({ name: this.name }),
            securityContext: restrictedPodSecurityContext(COLLECTOR_UID),
            ...placementSpec(`OtelCollector '${this.name}'`, props, this.selector, {
              affinity: spreadOverNodes(this.selector),
            }),
            containers: [this.container(resources, goMemLimitValue)],
            volumes: [{ name: 'config', configMap: { name: configMapName } }],
          },
        },
      },
    });
  }

  private container(resources: ResourceRequirements, goMemLimitValue: string): Container {
    return {
      name: 'otel-collector',
      image: imageRef(this.image),
      args: ['--config=/conf/collector.yaml'],
      env: [
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'GOMEMLIMIT', value: goMemLimitValue },
      ],
      ports: [PORTS.grpc, PORTS.http, PORTS.prometheus, PORTS.telemetry, PORTS.health].map(containerPort),
      ...httpProbes({ port: PORTS.health.name, readyPath: '/', livenessFailureThreshold: 6 }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: 'config', mountPath: '/conf', readOnly: true }],
    };
  }
}

/** The collector's ports by name: OTLP in over gRPC and HTTP, metrics out, its own telemetry and health. */
const PORTS = {
  grpc: { name: 'otlp-grpc', port: OTEL_PORTS.grpc, appProtocol: 'grpc' },
  http: { name: 'otlp-http', port: OTEL_PORTS.http, appProtocol: 'http' },
  prometheus: { name: 'prom-export', port: OTEL_PORTS.prometheus },
  telemetry: { name: 'telemetry', port: OTEL_PORTS.telemetry },
  health: { name: 'health', port: OTEL_PORTS.health },
} as const satisfies Record<string, NamedPort>;

/** The default of `resources` (see OtelCollectorProps). */
const OTEL_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(100), memory: Mebibytes.of(256) },
  limits: { cpu: Millicores.of(1000), memory: Mebibytes.of(512) },
};

/** Go's soft memory limit at 80% of the container limit, as the memory limiter: GC works harder before the kernel kills. */
function goMemLimit(resources: ComputeResources): string {
  return `${Math.floor(resources.limits.memory.in(Units.mebibytes) * 0.8)}MiB`;
}

/**
 * Metrics from OTLP to the Prometheus exporter; traces to the span_metrics connector (whose series
 * join the metrics) and to `tracesEndpoint` when there is one.
 */
function collectorConfig(owner: string, props: OtelCollectorProps): OtelCollectorConfig {
  const processors = ['memory_limiter', 'batch'];
  const spanMetrics = 'span_metrics';
  const exporters: Record<string, OtelExporter> = {
    prometheus: { kind: 'prometheus', port: OTEL_PORTS.prometheus, metricExpiration: Duration.minutes(5) },
  };
  const traceExporters: string[] = [spanMetrics];
  if (props.tracesEndpoint !== undefined) {
    const protocol = props.tracesProtocol ?? 'grpc';
    if (protocol !== 'grpc' && protocol !== 'http')
      throw new Error(`${owner}: 'tracesProtocol' must be 'grpc' or 'http', got '${protocol}'`);
    if (protocol === 'http' && props.tracesInsecure !== undefined)
      throw new Error(`${owner}: 'tracesInsecure' applies to gRPC only; an http:// URL is plain text already`);
    const id = protocol === 'grpc' ? 'otlp_grpc/traces' : 'otlp_http/traces';
    exporters[id] =
      protocol === 'grpc'
        ? { kind: 'otlp_grpc', endpoint: props.tracesEndpoint, insecure: props.tracesInsecure ?? false }
        : { kind: 'otlp_http', endpoint: props.tracesEndpoint };
    traceExporters.push(id);
  }
  const pipelines: Record<string, OtelPipeline> = {
    metrics: { receivers: ['otlp', spanMetrics], processors, exporters: ['prometheus'] },
    traces: { receivers: ['otlp'], processors, exporters: traceExporters },
  };
  return new OtelCollectorConfig(owner, {
    receivers: { otlp: { kind: 'otlp', grpcPort: OTEL_PORTS.grpc, httpPort: OTEL_PORTS.http } },
    processors: {
      memory_limiter: {
        kind: 'memory_limiter',
        checkInterval: Duration.seconds(1),
        limitPercentage: 80,
        spikeLimitPercentage: 20,
      },
      batch: { kind: 'batch', sendBatchSize: 8192, timeout: Duration.seconds(5) },
    },
    exporters,
    connectors: {
      [spanMetrics]: {
        kind: 'span_metrics',
        buckets: SPAN_DURATION_BUCKETS,
        dimensions: SPAN_DIMENSIONS,
        flushInterval: props.spanMetricsFlushInterval ?? Duration.seconds(15),
        seriesExpiration: Duration.minutes(5),
      },
    },
    extensions: { health_check: { kind: 'health_check', port: OTEL_PORTS.health } },
    pipelines,
    telemetryPort: OTEL_PORTS.telemetry,
  });
}
