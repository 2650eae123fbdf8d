import type { ApiObject } from 'cdk8s';
import {
  type Container,
  Quantity as KubeQuantity,
  KubeService,
  KubeStatefulSet,
  type ResourceRequirements,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Duration, Gibibytes, Mebibytes, Millicores, type Quantity, toYaml, Units } from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  checkedConfigMap,
  containerPort,
  contentHash,
  disruptionBudget,
  httpProbes,
  IMAGES,
  imageRef,
  imageVersion,
  kubeBytes,
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
  volumeClaimTemplate,
  volumeProblem,
} from '../k8s';
import { JAEGER_APP_NAME, JAEGER_PORTS, jaegerOtlpEndpoint, jaegerQueryUrl } from './names';

/** The jaegertracing/jaeger image runs as this user (USER_UID in cmd/jaeger/Dockerfile). */
const JAEGER_UID = 10001;

/** Where the container reads its configuration and keeps the trace store. */
const PATHS = { config: '/etc/jaeger', configFile: 'jaeger.yaml', data: '/badger', tmp: '/tmp' } as const;

/** Listeners bind to the pod's address (Jaeger, a collector build, expands `${env:POD_IP}`). */
const LISTEN = '${env:POD_IP}';

/** The name of the one trace store in the configuration. */
const STORE = 'local';

/**
 * Requests and limits of the Jaeger pod: the fleet's spans pass through badger's memtables and
 * block cache; the limit leaves room for compactions without letting it starve the node.
 */
export const JAEGER_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(100), memory: Mebibytes.of(256) },
  limits: { cpu: Millicores.of(1000), memory: Mebibytes.of(1024) },
};

export interface JaegerProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /**
   * How long spans are kept (badger's `ttl.spans`): a span older than this is no longer found.
   * @default Duration.days(7) - a week of history to compare a regression with
   */
  readonly retention?: Duration;
  /** The trace store's volume. @default Gibibytes.of(10) */
  readonly storage?: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default JAEGER_RESOURCES */
  readonly resources?: ComputeResources;
  /** @default IMAGES.jaeger */
  readonly image?: ContainerImage;
}

/**
 * Jaeger v2 as the trace store: OTLP gRPC in from the collector, spans kept in badger on a
 * PersistentVolumeClaim for `retention`, the query API and UI on 16686 (Grafana's Jaeger
 * datasource). Badger allows one writer per volume, so it is a single-pod StatefulSet.
 */
export class Jaeger extends Construct {
  public readonly name = JAEGER_APP_NAME;
  public readonly namespace: string;
  public readonly image: ContainerImage;
  public readonly retention: Duration;
  public readonly storage: Quantity<'data'>;
  public readonly resources: ComputeResources;
  /** The rendered `jaeger.yaml`. */
  public readonly configText: string;
  public readonly hash: string;
  /** `host:port` of its OTLP gRPC receiver inside the cluster: where the collector sends traces. */
  public readonly otlpEndpoint: string;
  /** Base URL of its query API inside the cluster: Grafana's Jaeger datasource. */
  public readonly queryUrl: string;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly selector: Readonly<Record<string, string>>;
  public readonly statefulSet: ApiObject;

  public constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    const owner = `jaeger '${this.name}'`;
    const fail = (message: string): never => {
      throw new Error(`${owner}: ${message}`);
    };
    this.namespace = chartNamespace(this, owner);
    this.image = props.image ?? IMAGES.jaeger;
    this.retention = props.retention ?? Duration.days(7);
    if (!this.retention.isValid() || this.retention.compareTo(Duration.hours(1)) < 0)
      fail(`'retention' must be at least 1h (whole milliseconds), got ${this.retention}`);
    this.storage = props.storage ?? Gibibytes.of(10);
    const volume = volumeProblem(this.storage, props.storageClassName);
    if (volume) fail(volume);
    this.resources = props.resources ?? JAEGER_RESOURCES;
    const resources = kubeResources(owner, this.resources);
    this.configText = toYaml(jaegerConfig(this.retention));
    const data = { [PATHS.configFile]: this.configText };
    this.hash = contentHash(data);
    this.otlpEndpoint = jaegerOtlpEndpoint(this.namespace);
    this.queryUrl = jaegerQueryUrl(this.namespace);
    this.labels = recommendedLabels({
      name: JAEGER_APP_NAME,
      component: 'trace-store',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);

    const configMap = checkedConfigMap(this, 'Config', { name: `${this.name}-config`, labels: this.labels, data });
    // Jaeger never calls the Kubernetes API.
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    new KubeService(this, 'Service', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: { selector: { ...this.selector }, ports: [PORTS.otlpGrpc, PORTS.query].map(servicePort) },
    });
    this.statefulSet = new KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas: 1,
        serviceName: this.name,
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: podTemplateMetadata(this.labels, this.hash),
          spec: {
            ...podServiceAccount({ name: this.name }),
            securityContext: restrictedPodSecurityContext(JAEGER_UID),
            ...placementSpec(`jaeger '${this.name}'`, props, this.selector),
            containers: [this.container(resources)],
            volumes: [
              { name: 'config', configMap: { name: configMap.name } },
              { name: 'tmp', emptyDir: { sizeLimit: KUBE_TMP_LIMIT } },
            ],
          },
        },
        volumeClaimTemplates: [
          volumeClaimTemplate({
            name: 'data',
            labels: this.labels,
            storage: this.storage,
            storageClassName: props.storageClassName,
          }),
        ],
      },
    });
    // One pod: a drain moves it (spans wait in the collectors' retry queues meanwhile).
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }

  private container(resources: ResourceRequirements): Container {
    return {
      name: 'jaeger',
      image: imageRef(this.image),
      args: [`--config=file:${PATHS.config}/${PATHS.configFile}`],
      env: [
        { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        { name: 'GOMEMLIMIT', value: `${Math.floor(this.resources.limits.memory.in(Units.mebibytes) * 0.8)}MiB` },
      ],
      ports: Object.values(PORTS).map(containerPort),
      ...httpProbes({ port: PORTS.health.name, readyPath: '/status', livenessFailureThreshold: 6 }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'config', mountPath: PATHS.config, readOnly: true },
        { name: 'data', mountPath: PATHS.data },
        { name: 'tmp', mountPath: PATHS.tmp },
      ],
    };
  }
}

/** Room for what Jaeger writes outside its volume. */
const KUBE_TMP_LIMIT = KubeQuantity.fromString(kubeBytes(Mebibytes.of(64)));

/** Jaeger's ports as its container and Service name them. */
const PORTS = {
  otlpGrpc: { name: 'otlp-grpc', port: JAEGER_PORTS.otlpGrpc, appProtocol: 'grpc' },
  query: { name: 'query', port: JAEGER_PORTS.query, appProtocol: 'http' },
  telemetry: { name: 'telemetry', port: JAEGER_PORTS.telemetry },
  health: { name: 'health', port: JAEGER_PORTS.health },
} as const satisfies Record<string, NamedPort>;

/**
 * Jaeger v2's configuration (a collector configuration with Jaeger's extensions, as
 * cmd/jaeger/config-badger.yaml of the pinned module): OTLP in, one badger store with a TTL, the
 * query extension over it, health on /status and its own metrics for Prometheus.
 */
function jaegerConfig(retention: Duration): object {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          readers: [{ pull: { exporter: { prometheus: { host: LISTEN, port: JAEGER_PORTS.telemetry } } } }],
        },
      },
    },
    extensions: {
      healthcheckv2: {
        use_v2: true,
        http: { endpoint: `${LISTEN}:${JAEGER_PORTS.health}`, status: { enabled: true, path: '/status' } },
      },
      jaeger_query: {
        storage: { traces: STORE },
        // Its own query spans would be exported to an OTLP endpoint nobody configured.
        enable_tracing: false,
        http: { endpoint: `${LISTEN}:${JAEGER_PORTS.query}` },
        // The gRPC query API is not exposed: Grafana and people use the HTTP one.
        grpc: { endpoint: `127.0.0.1:${JAEGER_PORTS.queryGrpc}` },
      },
      jaeger_storage: {
        backends: {
          [STORE]: {
            badger: {
              directories: { keys: `${PATHS.data}/keys`, values: `${PATHS.data}/values` },
              ephemeral: false,
              ttl: { spans: retention.toGo() },
            },
          },
        },
      },
    },
    receivers: { otlp: { protocols: { grpc: { endpoint: `${LISTEN}:${JAEGER_PORTS.otlpGrpc}` } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}
