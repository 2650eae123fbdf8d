import { type ApiObject, Chart } from 'cdk8s';
import {
  IntOrString,
  KubeConfigMap,
  KubeDeployment,
  KubeService,
  KubeServiceAccount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Duration, Mebibytes, Millicores, toYaml, Units } from '../core';
import {
  CONFIG_HASH_ANNOTATION,
  type ComputeResources,
  type ContainerImage,
  contentHash,
  disruptionBudget,
  httpProbe,
  IMAGES,
  imageRef,
  imageVersion,
  kubeResources,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../k8s';
import { OtelCollectorConfig, type OtelExporter, type OtelPipeline } from './otel-config';

/** The collector's ports, as clients, probes and the Prometheus scrape jobs know them. */
export const OTEL_PORTS = { grpc: 4317, http: 4318, prometheus: 8889, telemetry: 8888, health: 13133 } as const;

/** The otel/opentelemetry-collector-contrib image runs as this user. */
const COLLECTOR_UID = 10001;

export interface OtelCollectorProps {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** @default 2 - one collector can restart or move while the other receives */
  readonly replicas?: number;
  /** `host:port` of an OTLP gRPC endpoint receiving traces (Tempo, Jaeger). @default - no traces pipeline */
  readonly tracesEndpoint?: string;
  /** Plain-text gRPC to the traces endpoint (in-cluster only). @default false */
  readonly tracesInsecure?: boolean;
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

  public constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    const owner = `OtelCollector '${this.name}'`;
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new Error(`${owner}: must be in a chart with a namespace`);
    this.namespace = namespace;
    this.replicas = props.replicas ?? 2;
    if (!Number.isInteger(this.replicas) || this.replicas < 1)
      throw new Error(`${owner}: 'replicas' must be a whole number of at least 1, got ${this.replicas}`);
    this.image = props.image ?? IMAGES.otelCollector;
    const resourcesSpec = props.resources ?? {
      requests: { cpu: Millicores.of(100), memory: Mebibytes.of(256) },
      limits: { cpu: Millicores.of(1000), memory: Mebibytes.of(512) },
    };
    const resources = kubeResources(owner, resourcesSpec);

    const processors = ['memory_limiter', 'batch'];
    const pipelines: Record<string, OtelPipeline> = {
      metrics: { receivers: ['otlp'], processors, exporters: ['prometheus'] },
    };
    const exporters: Record<string, OtelExporter> = {
      prometheus: { kind: 'prometheus', port: OTEL_PORTS.prometheus, metricExpiration: Duration.minutes(5) },
    };
    if (props.tracesEndpoint !== undefined) {
      exporters['otlp/traces'] = {
        kind: 'otlp',
        endpoint: props.tracesEndpoint,
        insecure: props.tracesInsecure ?? false,
      };
      pipelines.traces = { receivers: ['otlp'], processors, exporters: ['otlp/traces'] };
    }
    this.config = new OtelCollectorConfig(owner, {
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
      extensions: { health_check: { kind: 'health_check', port: OTEL_PORTS.health } },
      pipelines,
      telemetryPort: OTEL_PORTS.telemetry,
    });
    this.configText = toYaml(this.config.render());
    const data = { 'collector.yaml': this.configText };
    this.hash = contentHash(data);
    this.grpcEndpoint = `${this.name}.${namespace}.svc:${OTEL_PORTS.grpc}`;

    // The Prometheus scrape jobs find the collector by this name label.
    const labels = recommendedLabels({
      name: 'opentelemetry-collector',
      component: 'telemetry-gateway',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    const selector = {
      'app.kubernetes.io/name': 'opentelemetry-collector',
      'app.kubernetes.io/instance': props.instance,
    };
    this.selector = selector;
    const configMap = new KubeConfigMap(this, 'Config', { metadata: { name: `${this.name}-config`, labels }, data });
    new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      automountServiceAccountToken: false,
    });
    new KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        selector,
        ports: [
          {
            name: 'otlp-grpc',
            port: OTEL_PORTS.grpc,
            targetPort: IntOrString.fromString('otlp-grpc'),
            protocol: 'TCP',
            appProtocol: 'grpc',
          },
          {
            name: 'otlp-http',
            port: OTEL_PORTS.http,
            targetPort: IntOrString.fromString('otlp-http'),
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });

    // Go's soft memory limit at 80% of the container limit, as the memory limiter: GC works harder before the kernel kills.
    const goMemLimitMiB = Math.floor(resourcesSpec.limits.memory.in(Units.mebibytes) * 0.8);
    this.deployment = new KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: IntOrString.fromNumber(0), maxSurge: IntOrString.fromNumber(1) },
        },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: this.hash } },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(COLLECTOR_UID),
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: 'kubernetes.io/hostname',
                      labelSelector: { matchLabels: selector },
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: 'otel-collector',
                image: imageRef(this.image),
                args: ['--config=/conf/collector.yaml'],
                env: [
                  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                  { name: 'GOMEMLIMIT', value: `${goMemLimitMiB}MiB` },
                ],
                ports: [
                  { name: 'otlp-grpc', containerPort: OTEL_PORTS.grpc, protocol: 'TCP' },
                  { name: 'otlp-http', containerPort: OTEL_PORTS.http, protocol: 'TCP' },
                  { name: 'prom-export', containerPort: OTEL_PORTS.prometheus, protocol: 'TCP' },
                  { name: 'telemetry', containerPort: OTEL_PORTS.telemetry, protocol: 'TCP' },
                  { name: 'health', containerPort: OTEL_PORTS.health, protocol: 'TCP' },
                ],
                readinessProbe: httpProbe('/', 'health'),
                livenessProbe: httpProbe('/', 'health', { failureThreshold: 6 }),
                resources,
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'config', mountPath: '/conf', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: configMap.name } }],
          },
        },
      },
    });
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels, selector, maxUnavailable: 1 });
  }
}
