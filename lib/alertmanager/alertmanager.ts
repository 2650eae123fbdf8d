import { type ApiObject, Chart } from 'cdk8s';
import {
  type Container,
  KubeService,
  KubeStatefulSet,
  type PodSpec,
  type ResourceRequirements,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Duration, dnsLabelProblem, Gibibytes, Mebibytes, Millicores, type Quantity } from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  checkedConfigMap,
  checkReplicas,
  checkWebSecurity,
  configReloaderContainer,
  containerPort,
  contentHash,
  disruptionBudget,
  distinctSecrets,
  headlessService,
  httpProbes,
  IMAGES,
  imageRef,
  imageVersion,
  kubeResources,
  type NamedPort,
  type PodPlacement,
  peerAddresses,
  placementSpec,
  podServiceAccount,
  podTemplateMetadata,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  secretMountPath,
  selectorLabels,
  serviceAccount,
  servicePort,
  spreadOverNodes,
  volumeClaimTemplate,
  volumeProblem,
  type WebSecurity,
  WebServerSecurity,
} from '../k8s';
import { ALERTMANAGER_SECRETS_ROOT, AlertmanagerConfig, type AlertRoutingProps } from './alertmanager-config';
import { ALERTMANAGER_APP_NAME } from './names';

/** Alertmanager's ports: the web UI and API (Prometheus posts alerts here), and gossip between peers (TCP and UDP). */
export const ALERTMANAGER_PORTS = { web: 9093, cluster: 9094 } as const;

/** Where the container reads its configuration and keeps its state. */
/** The ConfigMap key of the web configuration (its template, with basic auth). */
const WEB_CONFIG_KEY = 'web.yml';

const PATHS = {
  configDir: '/etc/alertmanager/config',
  configFile: 'alertmanager.yml',
  storage: '/alertmanager',
} as const;

/**
 * Requests and limits of one Alertmanager peer. A few hundred alerts, silences and notification-log
 * entries take 30-60 MiB and next to no CPU; the limits leave room for a burst of notifications
 * after an outage without letting a runaway peer starve the node.
 */
export const ALERTMANAGER_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(50), memory: Mebibytes.of(64) },
  limits: { cpu: Millicores.of(200), memory: Mebibytes.of(256) },
};

export interface AlertmanagerProps extends PodPlacement {
  /** Name of the StatefulSet and the web Service; the other objects are named after it. @default ALERTMANAGER_APP_NAME */
  readonly name?: string;
  /** The stack instance, as `app.kubernetes.io/instance`. @default 'liquid-audio-nets' */
  readonly instance?: string;
  /** The namespace the peers run in; their DNS names contain it. @default - the chart's namespace (required when the chart has none) */
  readonly namespace?: string;
  /**
   * Peers of the gossip cluster. Each alert is sent by Prometheus to every peer and notified once;
   * three peers keep notifying through a node drain plus one failure.
   * @default 3
   */
  readonly replicas?: number;
  /** @default IMAGES.alertmanager */
  readonly image?: ContainerImage;
  /** The config reloader beside each peer, which applies a changed alertmanager.yml through `/-/reload`. @default IMAGES.configReloader */
  readonly configReloaderImage?: ContainerImage;
  /** Receivers, routes and inhibitions: the product's are in alerts/routing.ts. */
  readonly routing: AlertRoutingProps;
  /**
   * Each peer's volume for silences and the notification log. They take kilobytes to a few
   * megabytes; 1 GiB is the smallest volume most storage classes provision.
   * @default Gibibytes.of(1)
   */
  readonly storage?: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * How long expired silences and notification-log entries are kept (`--data.retention`). Every
   * repeat interval must be shorter, or it is cut to this.
   * @default Duration.hours(120) - Alertmanager's default: a long weekend of history
   */
  readonly retention?: Duration;
  /** @default ALERTMANAGER_RESOURCES */
  readonly resources?: ComputeResources;
  /** The URL people reach Alertmanager at, for the links in notifications. @default - none; links point at the pod's own address */
  readonly externalUrl?: string;
  /** The folder the receivers' Secrets are mounted under, one folder per Secret. @default ALERTMANAGER_SECRETS_ROOT */
  readonly secretsRoot?: string;
  /** Basic auth and TLS on 9093 (`--web.config.file`). @default - plain HTTP, no authentication */
  readonly webSecurity?: WebSecurity;
}

/**
 * Alertmanager as a StatefulSet of gossiping peers, named to each other through a headless Service,
 * each with its silences and notification log on its own volume; receiver credentials are mounted
 * from their Secrets and named by file. A changed alertmanager.yml is applied by the config
 * reloader's `/-/reload`, without a restart; the web configuration (and, under basic auth, which
 * the reloader cannot send without a password in its arguments, every change) rolls the pods.
 */
export class Alertmanager extends Construct {
  public readonly name: string;
  public readonly instance: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly image: ContainerImage;
  public readonly storage: Quantity<'data'>;
  public readonly retention: Duration;
  public readonly resources: ComputeResources;
  public readonly config: AlertmanagerConfig;
  /** The rendered `alertmanager.yml`. */
  public readonly configText: string;
  /**
   * Hash of what needs a restart, on the pod template as `checksum/config`: the web configuration
   * (and, without a reloader, alertmanager.yml); undefined when nothing does.
   */
  public readonly hash?: string;
  /** Whether a config reloader applies a changed alertmanager.yml without a restart. */
  public readonly reloads: boolean;
  /** The load-balanced Service on the web port: for people, Grafana and amtool. */
  public readonly serviceName: string;
  /** The headless Service that gives each peer its DNS name (the StatefulSet's `serviceName`). */
  public readonly headlessServiceName: string;
  /** `host:port` of every peer's web port: where Prometheus sends its alerts, to each peer. */
  public readonly peers: readonly string[];
  /** `host:port` of every peer's gossip port, as `--cluster.peer` names them. */
  public readonly clusterPeers: readonly string[];
  /** Labels of every object. */
  public readonly labels: Readonly<Record<string, string>>;
  /** Labels selecting the pods. */
  public readonly selector: Readonly<Record<string, string>>;
  public readonly statefulSet: ApiObject;
  public readonly configMap: ApiObject;
  public readonly service: ApiObject;
  public readonly headlessService: ApiObject;
  /** Authentication and TLS of its web port. */
  public readonly webSecurity: WebServerSecurity;

  /** Names this Alertmanager in errors. */
  private readonly owner: string;
  /** The folder the receivers' Secrets are mounted under. */
  private readonly secretsRoot: string;

  public constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    this.name = props.name ?? ALERTMANAGER_APP_NAME;
    this.owner = `alertmanager '${this.name}'`;
    const nameProblem = dnsLabelProblem(`${this.name}-headless`);
    if (nameProblem) this.fail(`'name' with '-headless' appended ${nameProblem}`);
    this.instance = props.instance ?? 'liquid-audio-nets';
    this.namespace = this.checkNamespace(props.namespace ?? Chart.of(this).namespace);
    this.replicas = checkReplicas(this.owner, props.replicas ?? 3);
    this.image = props.image ?? IMAGES.alertmanager;
    this.storage = props.storage ?? Gibibytes.of(1);
    this.retention = props.retention ?? Duration.hours(120);
    this.checkStorageAndRetention(props.storageClassName);
    this.resources = props.resources ?? ALERTMANAGER_RESOURCES;
    const resources = kubeResources(this.owner, this.resources);
    this.checkWeb(props);
    this.secretsRoot = props.secretsRoot ?? ALERTMANAGER_SECRETS_ROOT;
    this.webSecurity = new WebServerSecurity(props.webSecurity, '/etc/alertmanager');

    this.config = this.renderConfig(props.routing);
    this.configText = this.config.text;
    const configData = this.configData();
    this.reloads = props.webSecurity?.basicAuth === undefined;
    const restartData = this.reloads
      ? this.webSecurity.webConfig
        ? { [WEB_CONFIG_KEY]: this.webSecurity.webConfig }
        : {}
      : configData;
    this.hash = Object.keys(restartData).length > 0 ? contentHash(restartData) : undefined;
    this.labels = recommendedLabels({
      name: ALERTMANAGER_APP_NAME,
      component: 'alert-router',
      instance: this.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);
    this.serviceName = this.name;
    this.headlessServiceName = `${this.name}-headless`;
    this.peers = this.peerAddresses(ALERTMANAGER_PORTS.web);
    this.clusterPeers = this.peerAddresses(ALERTMANAGER_PORTS.cluster);

    this.configMap = this.renderConfigMap(configData);
    // Alertmanager never calls the Kubernetes API.
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    const services = this.renderServices();
    this.headlessService = services.headless;
    this.service = services.service;
    this.statefulSet = this.renderStatefulSet(props, resources);
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }

  private fail(message: string): never {
    throw new Error(`${this.owner}: ${message}`);
  }

  /** The namespace, which the peers' DNS names contain. */
  private checkNamespace(namespace: string | undefined): string {
    if (namespace === undefined)
      this.fail(`'namespace' is required when the chart has none: the peers' DNS names contain it`);
    const problem = dnsLabelProblem(namespace);
    if (problem) this.fail(`'namespace' '${namespace}' ${problem}`);
    return namespace;
  }

  private checkStorageAndRetention(storageClassName: string | undefined): void {
    const volume = volumeProblem(this.storage, storageClassName);
    if (volume) this.fail(volume);
    if (!this.retention.isValid() || this.retention.isZero())
      this.fail(`'retention' must be a positive whole number of milliseconds, got ${this.retention}`);
  }

  private checkWeb(props: AlertmanagerProps): void {
    if (props.externalUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(props.externalUrl))
      this.fail(`'externalUrl' must be an http(s) URL, got '${props.externalUrl}'`);
    checkWebSecurity(this.owner, 'webSecurity', props.webSecurity);
  }

  private renderConfig(routing: AlertRoutingProps): AlertmanagerConfig {
    return new AlertmanagerConfig({
      alertmanager: this.name,
      routing,
      secretsRoot: this.secretsRoot,
      retention: this.retention,
    });
  }

  private renderConfigMap(data: Record<string, string>): ApiObject {
    return checkedConfigMap(this, 'Config', { name: this.configMapName, labels: this.labels, data });
  }

  /** The headless Service that names each peer, and the load-balanced one on the web port. */
  private renderServices(): { headless: ApiObject; service: ApiObject } {
    const headless = headlessService(this, 'HeadlessService', {
      name: this.headlessServiceName,
      labels: this.labels,
      selector: this.selector,
      ports: [PORTS.web, PORTS.clusterTcp, PORTS.clusterUdp],
    });
    const service = new KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels: { ...this.labels } },
      spec: { type: 'ClusterIP', selector: { ...this.selector }, ports: [servicePort(PORTS.web)] },
    });
    return { headless, service };
  }

  private get configMapName(): string {
    return `${this.name}-config`;
  }

  /** The ConfigMap's data: `alertmanager.yml` and, when the web port is secured, its web configuration. */
  private configData(): Record<string, string> {
    return {
      [PATHS.configFile]: this.configText,
      ...(this.webSecurity.webConfig ? { [WEB_CONFIG_KEY]: this.webSecurity.webConfig } : {}),
    };
  }

  private peerAddresses(port: number): string[] {
    return peerAddresses(this.name, this.headlessServiceName, this.namespace, this.replicas, port);
  }

  private renderStatefulSet(props: AlertmanagerProps, resources: ResourceRequirements): ApiObject {
    return new KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas: this.replicas,
        serviceName: this.headlessServiceName,
        // Peers are interchangeable: start and replace them all at once, not one after another.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { ...this.selector } },
        template: { metadata: podTemplateMetadata(this.labels, this.hash), spec: this.podSpec(props, resources) },
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
  }

  private podSpec(props: AlertmanagerProps, resources: ResourceRequirements): PodSpec {
    const initContainers = this.webSecurity.initContainers(this.image, 'config', WEB_CONFIG_KEY);
    return {
      ...podServiceAccount({ name: this.name }),
      securityContext: restrictedPodSecurityContext(),
      ...placementSpec(this.owner, props, this.selector, { affinity: spreadOverNodes(this.selector) }),
      containers: [this.container(props, resources), ...(this.reloads ? [this.reloader(props)] : [])],
      ...(initContainers.length > 0 ? { initContainers } : {}),
      volumes: [
        { name: 'config', configMap: { name: this.configMapName } },
        ...this.secretVolumes(),
        ...this.webSecurity.volumes(this.configMapName, WEB_CONFIG_KEY),
      ],
    };
  }

  private container(props: AlertmanagerProps, resources: ResourceRequirements): Container {
    return {
      name: 'alertmanager',
      image: imageRef(this.image),
      args: this.args(props.externalUrl),
      env: [{ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }],
      ports: [PORTS.web, PORTS.clusterTcp, PORTS.clusterUdp].map(containerPort),
      ...httpProbes({
        port: PORTS.web.name,
        readyPath: '/-/ready',
        livePath: '/-/healthy',
        adapt: (path, port, probe) => this.webSecurity.probe(path, port, probe),
      }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [
        { name: 'config', mountPath: PATHS.configDir, readOnly: true },
        { name: 'data', mountPath: PATHS.storage },
        ...this.secretMounts(),
        ...this.webSecurity.mounts(),
      ],
    };
  }

  /** The sidecar that POSTs /-/reload on loopback when the mounted configuration changes. */
  private reloader(props: AlertmanagerProps): Container {
    return configReloaderContainer(this.owner, {
      image: props.configReloaderImage ?? IMAGES.configReloader,
      // The reloader skips TLS verification, harmless on loopback; it sends no credentials.
      reloadUrl: `${this.webSecurity.scheme}://127.0.0.1:${ALERTMANAGER_PORTS.web}/-/reload`,
      watchedDirs: [{ name: 'config', mountPath: PATHS.configDir }],
    });
  }

  private args(externalUrl: string | undefined): string[] {
    const { web, cluster } = ALERTMANAGER_PORTS;
    return [
      `--config.file=${PATHS.configDir}/${PATHS.configFile}`,
      `--storage.path=${PATHS.storage}`,
      `--data.retention=${goDuration(this.retention)}`,
      `--web.listen-address=:${web}`,
      ...this.webSecurity.flags,
      ...(externalUrl ? [`--web.external-url=${externalUrl}`] : []),
      `--cluster.listen-address=0.0.0.0:${cluster}`,
      `--cluster.advertise-address=$(POD_IP):${cluster}`,
      ...this.clusterPeers.map((peer) => `--cluster.peer=${peer}`),
    ];
  }

  /** One read-only volume per Secret, holding only the keys the configuration reads. */
  private secretVolumes(): Volume[] {
    const refs = this.config.secretRefs;
    return distinctSecrets(refs).map((secretName) => ({
      name: secretVolumeName(secretName),
      secret: {
        secretName,
        defaultMode: 0o440,
        items: [...new Set(refs.filter((r) => r.secretName === secretName).map((r) => r.key))]
          .sort()
          .map((key) => ({ key, path: key })),
      },
    }));
  }

  private secretMounts(): VolumeMount[] {
    return distinctSecrets(this.config.secretRefs).map((secretName) => ({
      name: secretVolumeName(secretName),
      mountPath: secretMountPath(this.secretsRoot, { secretName, key: '' }),
      readOnly: true,
    }));
  }
}

/** Alertmanager's ports as its container and Services name them: gossip goes over both TCP and UDP. */
const PORTS = {
  web: { name: 'web', port: ALERTMANAGER_PORTS.web },
  clusterTcp: { name: 'cluster-tcp', port: ALERTMANAGER_PORTS.cluster, protocol: 'TCP' },
  clusterUdp: { name: 'cluster-udp', port: ALERTMANAGER_PORTS.cluster, protocol: 'UDP' },
} as const satisfies Record<string, NamedPort>;

/** A volume name (an RFC 1123 label) for a Secret: `secret-<name>`, or a hash when the name does not fit. */
function secretVolumeName(secretName: string): string {
  const readable = `secret-${secretName}`;
  return dnsLabelProblem(readable) === undefined ? readable : `secret-${contentHash({ secretName })}`;
}

/** Go's duration form for command-line flags (`120h`, `1h30m`): Go has no days. */
function goDuration(d: Duration): string {
  const ms = d.milliseconds;
  const parts: Array<[number, string]> = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor((ms % 3_600_000) / 60_000), 'm'],
    [Math.floor((ms % 60_000) / 1000), 's'],
    [ms % 1000, 'ms'],
  ];
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
  return text === '' ? '0s' : text;
}
