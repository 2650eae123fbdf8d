import { type ApiObject, Chart } from 'cdk8s';
import {
  IntOrString,
  KubeConfigMap,
  Quantity as KubeQuantity,
  KubeService,
  KubeServiceAccount,
  KubeStatefulSet,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  Duration,
  dnsLabelProblem,
  dnsSubdomainProblem,
  Gibibytes,
  Mebibytes,
  Millicores,
  type Quantity,
} from '../core';
import {
  CONFIG_HASH_ANNOTATION,
  type ComputeResources,
  type ContainerImage,
  checkConfigMapSize,
  checkWebSecurity,
  contentHash,
  dataProblem,
  disruptionBudget,
  distinctSecrets,
  httpProbe,
  IMAGES,
  imageRef,
  imageVersion,
  kubeBytes,
  kubeResources,
  peerAddresses,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  secretMountPath,
  type WebSecurity,
  WebServerSecurity,
} from '../k8s';
import {
  ALERTMANAGER_SECRETS_ROOT,
  AlertmanagerConfig,
  type AlertRoutingProps,
  defaultRouting,
} from './alertmanager-config';

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

export interface AlertmanagerProps {
  /** Name of the StatefulSet and the web Service; the other objects are named after it. @default 'alertmanager' */
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
  /** Receivers, routes and inhibitions. @default defaultRouting() */
  readonly routing?: AlertRoutingProps;
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
 * Alertmanager as a StatefulSet of gossiping peers: each peer is named in `--cluster.peer` through
 * a headless Service, keeps silences and the notification log on its own volume, and reads
 * `alertmanager.yml` from a ConfigMap whose hash rolls the pods when it changes. The receivers'
 * credentials are mounted read-only from their Secrets and named by file in the configuration.
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
  /** Hash of the configuration, on the pod template as `checksum/config`. */
  public readonly hash: string;
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

  public constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id);
    this.name = props.name ?? 'alertmanager';
    const owner = `alertmanager '${this.name}'`;
    const fail = (message: string): never => {
      throw new Error(`${owner}: ${message}`);
    };
    const nameProblem = dnsLabelProblem(`${this.name}-headless`);
    if (nameProblem) fail(`'name' with '-headless' appended ${nameProblem}`);
    this.instance = props.instance ?? 'liquid-audio-nets';
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined)
      fail(`'namespace' is required when the chart has none: the peers' DNS names contain it`);
    this.namespace = namespace as string;
    const namespaceProblem = dnsLabelProblem(this.namespace);
    if (namespaceProblem) fail(`'namespace' '${this.namespace}' ${namespaceProblem}`);
    this.replicas = props.replicas ?? 3;
    if (!Number.isInteger(this.replicas) || this.replicas < 1)
      fail(`'replicas' must be a whole number of at least 1, got ${this.replicas}`);
    this.image = props.image ?? IMAGES.alertmanager;
    this.storage = props.storage ?? Gibibytes.of(1);
    const storageProblem = dataProblem(this.storage);
    if (storageProblem) fail(`'storage' ${storageProblem}`);
    if (props.storageClassName !== undefined) {
      const problem = dnsSubdomainProblem(props.storageClassName);
      if (problem) fail(`'storageClassName' '${props.storageClassName}' ${problem}`);
    }
    this.retention = props.retention ?? Duration.hours(120);
    if (!this.retention.isValid() || this.retention.isZero())
      fail(`'retention' must be a positive whole number of milliseconds, got ${this.retention}`);
    this.resources = props.resources ?? ALERTMANAGER_RESOURCES;
    const resources = kubeResources(owner, this.resources);
    if (props.externalUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(props.externalUrl)) {
      fail(`'externalUrl' must be an http(s) URL, got '${props.externalUrl}'`);
    }
    const secretsRoot = props.secretsRoot ?? ALERTMANAGER_SECRETS_ROOT;
    checkWebSecurity(owner, 'webSecurity', props.webSecurity);
    this.webSecurity = new WebServerSecurity(props.webSecurity, '/etc/alertmanager');

    this.config = new AlertmanagerConfig({
      alertmanager: this.name,
      routing: props.routing ?? defaultRouting(),
      secretsRoot,
      retention: this.retention,
    });
    this.configText = this.config.text;
    const configData = {
      [PATHS.configFile]: this.configText,
      ...(this.webSecurity.webConfig ? { [WEB_CONFIG_KEY]: this.webSecurity.webConfig } : {}),
    };
    const configMapName = `${this.name}-config`;
    checkConfigMapSize(configMapName, configData);
    this.hash = contentHash(configData);

    this.labels = recommendedLabels({
      name: 'alertmanager',
      component: 'alert-router',
      instance: this.instance,
      version: imageVersion(this.image),
    });
    this.selector = { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': this.instance };
    this.serviceName = this.name;
    this.headlessServiceName = `${this.name}-headless`;
    const { web, cluster } = ALERTMANAGER_PORTS;
    this.peers = peerAddresses(this.name, this.headlessServiceName, this.namespace, this.replicas, web);
    this.clusterPeers = peerAddresses(this.name, this.headlessServiceName, this.namespace, this.replicas, cluster);
    const metadata = (name: string) => ({ name, labels: { ...this.labels } });

    this.configMap = new KubeConfigMap(this, 'Config', { metadata: metadata(configMapName), data: configData });

    const serviceAccount = new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(this.name),
      // Alertmanager never calls the Kubernetes API.
      automountServiceAccountToken: false,
    });

    const webPort = { name: 'web', port: web, targetPort: IntOrString.fromString('web'), protocol: 'TCP' };
    this.headlessService = new KubeService(this, 'HeadlessService', {
      metadata: metadata(this.headlessServiceName),
      spec: {
        clusterIp: 'None',
        // Peers must find each other while they start, before they are ready.
        publishNotReadyAddresses: true,
        selector: { ...this.selector },
        ports: [
          webPort,
          { name: 'cluster-tcp', port: cluster, targetPort: IntOrString.fromString('cluster-tcp'), protocol: 'TCP' },
          { name: 'cluster-udp', port: cluster, targetPort: IntOrString.fromString('cluster-udp'), protocol: 'UDP' },
        ],
      },
    });
    this.service = new KubeService(this, 'Service', {
      metadata: metadata(this.serviceName),
      spec: { type: 'ClusterIP', selector: { ...this.selector }, ports: [webPort] },
    });

    // One read-only volume per Secret, holding only the keys the configuration reads.
    const secretNames = distinctSecrets(this.config.secretRefs);
    const secretVolumes: Volume[] = secretNames.map((secretName) => ({
      name: secretVolumeName(secretName),
      secret: {
        secretName,
        defaultMode: 0o440,
        items: [...new Set(this.config.secretRefs.filter((r) => r.secretName === secretName).map((r) => r.key))]
          .sort()
          .map((key) => ({ key, path: key })),
      },
    }));
    const secretMounts: VolumeMount[] = secretNames.map((secretName) => ({
      name: secretVolumeName(secretName),
      mountPath: secretMountPath(secretsRoot, { secretName, key: '' }),
      readOnly: true,
    }));

    const args = [
      `--config.file=${PATHS.configDir}/${PATHS.configFile}`,
      `--storage.path=${PATHS.storage}`,
      `--data.retention=${goDuration(this.retention)}`,
      `--web.listen-address=:${web}`,
      ...this.webSecurity.flags,
      ...(props.externalUrl ? [`--web.external-url=${props.externalUrl}`] : []),
      `--cluster.listen-address=0.0.0.0:${cluster}`,
      `--cluster.advertise-address=$(POD_IP):${cluster}`,
      ...this.clusterPeers.map((peer) => `--cluster.peer=${peer}`),
    ];

    const initContainers = this.webSecurity.initContainers(this.image, 'config', WEB_CONFIG_KEY);
    this.statefulSet = new KubeStatefulSet(this, 'StatefulSet', {
      metadata: metadata(this.name),
      spec: {
        replicas: this.replicas,
        serviceName: this.headlessServiceName,
        // Peers are interchangeable: start and replace them all at once, not one after another.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: { labels: { ...this.labels }, annotations: { [CONFIG_HASH_ANNOTATION]: this.hash } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(),
            affinity: {
              podAntiAffinity: {
                // Peers on different nodes when there are nodes enough: one node's loss takes one peer.
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: 'kubernetes.io/hostname',
                      labelSelector: { matchLabels: { ...this.selector } },
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: 'alertmanager',
                image: imageRef(this.image),
                args,
                env: [{ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }],
                ports: [
                  { name: 'web', containerPort: web, protocol: 'TCP' },
                  { name: 'cluster-tcp', containerPort: cluster, protocol: 'TCP' },
                  { name: 'cluster-udp', containerPort: cluster, protocol: 'UDP' },
                ],
                readinessProbe: this.webSecurity.probe('/-/ready', 'web', httpProbe('/-/ready', 'web')),
                livenessProbe: this.webSecurity.probe('/-/healthy', 'web', httpProbe('/-/healthy', 'web')),
                resources,
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'config', mountPath: PATHS.configDir, readOnly: true },
                  { name: 'data', mountPath: PATHS.storage },
                  ...secretMounts,
                  ...this.webSecurity.mounts(),
                ],
              },
            ],
            ...(initContainers.length > 0 ? { initContainers } : {}),
            volumes: [
              { name: 'config', configMap: { name: configMapName } },
              ...secretVolumes,
              ...this.webSecurity.volumes(configMapName, WEB_CONFIG_KEY),
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: { ...this.labels } },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
              resources: { requests: { storage: KubeQuantity.fromString(kubeBytes(this.storage)) } },
            },
          },
        ],
      },
    });

    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }
}

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
