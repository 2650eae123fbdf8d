import type { ApiObject } from 'cdk8s';
import {
  type Container,
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeService,
  KubeStatefulSet,
  type PodSpec,
  type ResourceRequirements,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  Cores,
  DEFAULT_EVALUATION_INTERVAL,
  DEFAULT_SCRAPE_INTERVAL,
  Duration,
  dnsLabelProblem,
  Gibibytes,
  Millicores,
  type Quantity,
  toYaml,
  Units,
} from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  checkedConfigMap,
  checkReplicas,
  checkWebSecurity,
  clusterScoped,
  configReloaderContainer,
  containerPort,
  contentHash,
  dataProblem,
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
  WebClientSecurity,
  type WebSecurity,
  WebServerSecurity,
} from '../k8s';
import { PROMETHEUS_APP_NAME } from './names';
import {
  checkPrometheusConfig,
  PROMETHEUS_SECRETS_ROOT,
  type PrometheusConfigProps,
  type RemoteWrite,
  renderPrometheusConfig,
  type ScrapeJob,
} from './prometheus-config';
import type { PrometheusRules } from './prometheus-rules';
import { sizePrometheus } from './prometheus-sizing';
import { peersJob, SCRAPE_LIMITS } from './scrape-jobs';

export const PROMETHEUS_PORT = 9090;

/** The external label that tells the servers of an HA pair apart; dropped from alerts so Alertmanager de-duplicates. */
export const REPLICA_LABEL = 'replica';

export interface PrometheusProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance` and the `cluster` external label. */
  readonly instance: string;
  /** The rendered rule files, mounted where `rule_files` reads them. */
  readonly rules: PrometheusRules;
  /** `host:port` of every Alertmanager peer; alerts go to each, not through a load balancer. */
  readonly alertmanagers: readonly string[];
  /** Scrape jobs besides Prometheus' own. @default - none */
  readonly scrapeJobs?: readonly ScrapeJob[];
  /** Name of the StatefulSet, its Services and ServiceAccount. @default PROMETHEUS_APP_NAME */
  readonly name?: string;
  /** Identical servers scraping the same targets (an HA pair by default). @default 2 */
  readonly replicas?: number;
  /** How long samples are kept. At least 2h, the span of one TSDB block. @default Duration.days(15) */
  readonly retention?: Duration;
  /**
   * Devices the fleet has: when given, the defaults of `resources`, `storage` and `retentionSize`
   * come from sizePrometheus(), on measured bytes per series and per sample.
   * @default - the fixed defaults below
   */
  readonly fleetSize?: number;
  /** Size of each replica's volume. @default Gibibytes.of(50), or sized from `fleetSize` */
  readonly storage?: Quantity<'data'>;
  /**
   * Bytes of blocks kept before the oldest are deleted, whatever their age.
   * @default - 80% of `storage`: the WAL and compaction need the rest
   */
  readonly retentionSize?: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default DEFAULT_SCRAPE_INTERVAL (30 s, its reason beside it in lib/core/intervals.ts) */
  readonly scrapeInterval?: Duration;
  /** @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** @default DEFAULT_EVALUATION_INTERVAL */
  readonly evaluationInterval?: Duration;
  /** Labels added to every series and alert leaving this server. @default - `cluster` and `replica` only */
  readonly externalLabels?: Readonly<Record<string, string>>;
  /** @default - none; samples stay on the local volumes */
  readonly remoteWrite?: readonly RemoteWrite[];
  /**
   * @default - requests 500m CPU and 2 GiB, limits 2 cores and 4 GiB: about 1 million active
   * series at 3 KiB each, with room for queries
   */
  readonly resources?: ComputeResources;
  /** @default IMAGES.prometheus */
  readonly image?: ContainerImage;
  /** Basic auth and TLS on 9090 (`--web.config.file`); its own self-scrape follows. @default - plain HTTP, no authentication */
  readonly webSecurity?: WebSecurity;
  /** How to reach the Alertmanagers when they require auth or TLS. @default - plain HTTP */
  readonly alertmanagerClient?: WebClientSecurity;
  /**
   * The config reloader beside each server, which applies changed rules and prometheus.yml
   * through `/-/reload` instead of a restart.
   * @default IMAGES.configReloader
   */
  readonly configReloaderImage?: ContainerImage;
}

/**
 * Prometheus as a StatefulSet: an HA pair of identical servers by default, each with its own
 * volume, discovering targets through the Kubernetes API with a least-privilege ClusterRole.
 * Changed rules and prometheus.yml are applied by the config reloader's `/-/reload`, without a
 * restart; only the web configuration (read once, by the init container) rolls the pods out.
 * Under basic auth the reloader could not authenticate without a password in its arguments, so
 * there every change rolls the pods out, as before.
 */
export class Prometheus extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly retention: Duration;
  public readonly storage: Quantity<'data'>;
  public readonly retentionSize: Quantity<'data'>;
  public readonly scrapeInterval: Duration;
  public readonly evaluationInterval: Duration;
  public readonly image: ContainerImage;
  /** The rendered prometheus.yml. */
  public readonly configText: string;
  /**
   * Hash of what needs a restart to take effect, on the pod template: the web configuration (and,
   * without a reloader, prometheus.yml and the rule files); undefined when nothing does.
   */
  public readonly hash?: string;
  /** Whether a config reloader applies changed rules and configuration without a restart. */
  public readonly reloads: boolean;
  /** `host:port` of every server, through the headless Service. */
  public readonly peers: readonly string[];
  /** The load-balanced Service, for Grafana. */
  public readonly serviceName: string;
  public readonly headlessServiceName: string;
  public readonly statefulSet: ApiObject;
  /** `https` when it serves TLS. */
  public readonly scheme: 'http' | 'https';
  /** Labels selecting its pods. */
  public readonly selector: Readonly<Record<string, string>>;

  /** Names this server in errors. */
  private readonly owner: string;
  /** Labels of every object. */
  private readonly labels: Readonly<Record<string, string>>;
  /** Authentication and TLS of its web port. */
  private readonly web: WebServerSecurity;
  /** How it scrapes itself and its peers through that security. */
  private readonly selfClient: WebClientSecurity;

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    this.name = props.name ?? PROMETHEUS_APP_NAME;
    this.owner = `Prometheus '${this.name}'`;
    this.namespace = chartNamespace(this, this.owner);
    const nameProblem = dnsLabelProblem(this.name);
    if (nameProblem) throw new Error(`${this.owner}: 'name' ${nameProblem}`);
    this.replicas = checkReplicas(this.owner, props.replicas ?? 2);
    this.retention = checkRetention(this.owner, props.retention ?? Duration.days(15));
    this.scrapeInterval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
    const sizing = resolveSizing(this.owner, props, this.scrapeInterval, this.retention);
    this.storage = sizing.storage;
    const volume = volumeProblem(this.storage, props.storageClassName);
    if (volume) throw new Error(`${this.owner}: ${volume}`);
    this.retentionSize = sizing.retentionSize;
    this.evaluationInterval = props.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL;
    this.image = props.image ?? IMAGES.prometheus;
    checkWebSecurity(this.owner, 'webSecurity', props.webSecurity);
    this.web = new WebServerSecurity(props.webSecurity, PROMETHEUS_ROOT);
    this.scheme = this.web.scheme;
    this.selfClient = new WebClientSecurity(props.webSecurity, `${PROMETHEUS_ROOT}/clients/self`, 'self');

    this.headlessServiceName = `${this.name}-headless`;
    this.serviceName = this.name;
    this.peers = peerAddresses(this.name, this.headlessServiceName, this.namespace, this.replicas, PROMETHEUS_PORT);
    this.configText = this.renderConfig(props);
    const configData = this.configData();
    this.reloads = props.webSecurity?.basicAuth === undefined;
    const restartData = this.reloads
      ? this.web.webConfig
        ? { [WEB_CONFIG_KEY]: this.web.webConfig }
        : {}
      : { ...configData, ...props.rules.files };
    this.hash = Object.keys(restartData).length > 0 ? contentHash(restartData) : undefined;
    this.labels = recommendedLabels({
      name: PROMETHEUS_APP_NAME,
      component: 'server',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);

    const configMap = this.renderConfigMap(configData);
    const resources = kubeResources(this.owner, sizing.resources);
    this.renderServiceAccountAndRbac();
    this.renderServices();
    this.statefulSet = this.renderStatefulSet(props, resources, configMap.name);
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }

  /** prometheus.yml, once its typed values are checked. */
  private renderConfig(props: PrometheusProps): string {
    if (props.alertmanagers.length === 0)
      throw new Error(`${this.owner}: 'alertmanagers' must name at least one Alertmanager peer`);
    const configProps: PrometheusConfigProps = {
      scrapeInterval: this.scrapeInterval,
      scrapeTimeout: props.scrapeTimeout ?? Duration.seconds(10),
      evaluationInterval: this.evaluationInterval,
      // ${POD_NAME} is expanded by Prometheus 3 from the environment (feature flag expand-external-labels in 2.x).
      externalLabels: { cluster: props.instance, ...props.externalLabels, [REPLICA_LABEL]: '${POD_NAME}' },
      alertLabelsToDrop: [REPLICA_LABEL],
      alertmanagers: props.alertmanagers,
      alertmanagerClient: props.alertmanagerClient,
      ruleFiles: [`${RULES_DIR}/*.rules.yaml`],
      jobs: [
        { ...peersJob(this.name, this.peers, SCRAPE_LIMITS.prometheus), client: this.selfClient },
        ...(props.scrapeJobs ?? []),
      ],
      remoteWrite: props.remoteWrite ?? [],
      retention: { time: this.retention, size: this.retentionSize },
    };
    checkPrometheusConfig(this.owner, configProps);
    return toYaml(renderPrometheusConfig(configProps));
  }

  /** The configuration ConfigMap's data: prometheus.yml and, when it is secured, the web configuration. */
  private configData(): Record<string, string> {
    return {
      'prometheus.yml': this.configText,
      ...(this.web.webConfig ? { [WEB_CONFIG_KEY]: this.web.webConfig } : {}),
    };
  }

  private renderConfigMap(data: Record<string, string>): ApiObject {
    return checkedConfigMap(this, 'Config', { name: `${this.name}-config`, labels: this.labels, data });
  }

  /** Its own ServiceAccount, with the one ClusterRole pod discovery needs. */
  private renderServiceAccountAndRbac(): void {
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels, callsKubernetesApi: true });
    const clusterRoleName = `${this.namespace}-${this.name}`;
    const clusterRole = new KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterRoleName, labels: this.labels },
      // Pod discovery is the only API access Prometheus needs: no nodes, endpoints or Secrets.
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    const clusterRoleBinding = new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRoleName, labels: this.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
    clusterScoped(clusterRole);
    clusterScoped(clusterRoleBinding);
  }

  /** The load-balanced Service (for Grafana) and the headless one that names each server. */
  private renderServices(): void {
    new KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels: this.labels },
      spec: { selector: this.selector, ports: [servicePort(WEB_PORT)] },
    });
    headlessService(this, 'HeadlessService', {
      name: this.headlessServiceName,
      labels: this.labels,
      selector: this.selector,
      ports: [WEB_PORT],
    });
  }

  private renderStatefulSet(props: PrometheusProps, resources: ResourceRequirements, configMapName: string): ApiObject {
    return new KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: {
          metadata: podTemplateMetadata(this.labels, this.hash),
          spec: this.podSpec(props, resources, configMapName),
        },
        volumeClaimTemplates: [
          volumeClaimTemplate({
            name: 'data',
            labels: this.selector,
            storage: this.storage,
            storageClassName: props.storageClassName,
          }),
        ],
      },
    });
  }

  private podSpec(props: PrometheusProps, resources: ResourceRequirements, configMapName: string): PodSpec {
    const secrets = remoteWriteSecrets(props.remoteWrite ?? []);
    const clients = this.clientFiles(props);
    const initContainers = this.web.initContainers(this.image, 'config', WEB_CONFIG_KEY);
    return {
      ...podServiceAccount({ name: this.name, callsKubernetesApi: true }),
      securityContext: restrictedPodSecurityContext(),
      // Head compaction and the WAL flush on shutdown take time on a large head.
      terminationGracePeriodSeconds: 600,
      ...placementSpec(this.owner, props, this.selector, { affinity: spreadOverNodes(this.selector) }),
      containers: [
        this.container(resources, this.mounts(secrets, clients)),
        ...(this.reloads ? [this.reloader(props)] : []),
      ],
      ...(initContainers.length > 0 ? { initContainers } : {}),
      volumes: this.volumes(props, configMapName, secrets, clients),
    };
  }

  private container(resources: ResourceRequirements, volumeMounts: VolumeMount[]): Container {
    return {
      name: 'prometheus',
      image: imageRef(this.image),
      args: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        `--storage.tsdb.path=${DATA_DIR}`,
        `--web.listen-address=:${PROMETHEUS_PORT}`,
        // The reloader's POST /-/reload; it also enables /-/quit, reachable only through the web port's own security.
        ...(this.reloads ? ['--web.enable-lifecycle'] : []),
        ...this.web.flags,
      ],
      env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      ports: [containerPort(WEB_PORT)],
      ...httpProbes({
        port: WEB_PORT.name,
        readyPath: '/-/ready',
        livePath: '/-/healthy',
        livenessFailureThreshold: 6,
        // Replaying a large WAL after a restart takes minutes: allow 15 before liveness applies.
        startup: { periodSeconds: 15, failureThreshold: 60 },
        adapt: (path, port, probe) => this.web.probe(path, port, probe),
      }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts,
    };
  }

  /** The sidecar that POSTs /-/reload on loopback when the mounted configuration or rules change. */
  private reloader(props: PrometheusProps): Container {
    return configReloaderContainer(this.owner, {
      image: props.configReloaderImage ?? IMAGES.configReloader,
      // The reloader skips TLS verification, harmless on loopback; it sends no credentials.
      reloadUrl: `${this.scheme}://127.0.0.1:${PROMETHEUS_PORT}/-/reload`,
      watchedDirs: [
        { name: 'config', mountPath: CONFIG_DIR },
        { name: 'rules', mountPath: RULES_DIR },
      ],
    });
  }

  /** Each client's credential files once, however many jobs use them. */
  private clientFiles(props: PrometheusProps): { volume: Volume; mount: VolumeMount }[] {
    const clients = [this.selfClient, props.alertmanagerClient, ...(props.scrapeJobs ?? []).map((j) => j.client)];
    return [
      ...new Map(
        clients
          .filter((c): c is WebClientSecurity => c !== undefined)
          .flatMap((c) => c.volumes().map((v, i) => [v.name, { volume: v, mount: c.mounts()[i] }] as const)),
      ).values(),
    ];
  }

  private volumes(
    props: PrometheusProps,
    configMapName: string,
    secrets: readonly string[],
    clients: readonly { volume: Volume }[],
  ): Volume[] {
    const ruleMaps = props.rules.configMapNames;
    return [
      { name: 'config', configMap: { name: configMapName } },
      ruleMaps.length === 1
        ? { name: 'rules', configMap: { name: props.rules.name } }
        : { name: 'rules', projected: { sources: ruleMaps.map((name) => ({ configMap: { name } })) } },
      ...secrets.map((secretName) => ({ name: `secret-${secretName}`, secret: { secretName } })),
      ...this.web.volumes(configMapName, WEB_CONFIG_KEY),
      ...clients.map((c) => c.volume),
    ];
  }

  private mounts(secrets: readonly string[], clients: readonly { mount: VolumeMount }[]): VolumeMount[] {
    return [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'rules', mountPath: RULES_DIR, readOnly: true },
      { name: 'data', mountPath: DATA_DIR },
      ...secrets.map((secretName) => ({
        name: `secret-${secretName}`,
        mountPath: secretMountPath(PROMETHEUS_SECRETS_ROOT, { secretName, key: '' }),
        readOnly: true,
      })),
      ...this.web.mounts(),
      ...clients.map((c) => c.mount),
    ];
  }
}

const PROMETHEUS_ROOT = '/etc/prometheus';
const CONFIG_DIR = '/etc/prometheus/config';
/** The ConfigMap key of the web configuration (its template, with basic auth). */
const WEB_CONFIG_KEY = 'web.yml';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';
const WEB_PORT: NamedPort = { name: 'web', port: PROMETHEUS_PORT };

/** The fixed default of `resources` (see PrometheusProps). */
const PROMETHEUS_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(500), memory: Gibibytes.of(2) },
  limits: { cpu: Cores.of(2), memory: Gibibytes.of(4) },
};

/** `retention`, once checked to cover at least one TSDB block. */
function checkRetention(owner: string, retention: Duration): Duration {
  if (!retention.isValid() || retention.compareTo(Duration.hours(2)) < 0) {
    throw new Error(`${owner}: 'retention' must be at least 2h (one TSDB block), got ${retention}`);
  }
  return retention;
}

/** `q`, once checked to be a positive whole number of bytes. */
function checkData(owner: string, field: string, q: Quantity<'data'>): Quantity<'data'> {
  const problem = dataProblem(q);
  if (problem) throw new Error(`${owner}: '${field}' ${problem}`);
  return q;
}

/** `retentionSize`, once checked to fit on the volume. */
function checkRetentionSize(owner: string, retentionSize: Quantity<'data'>, storage: Quantity<'data'>) {
  checkData(owner, 'retentionSize', retentionSize);
  if (retentionSize.in(Units.bytes) > storage.in(Units.bytes)) {
    throw new Error(`${owner}: 'retentionSize' (${retentionSize}) must not exceed 'storage' (${storage})`);
  }
  return retentionSize;
}

/** Storage, retention size and resources: as given, else sized from `fleetSize`, else the fixed defaults. */
function resolveSizing(owner: string, props: PrometheusProps, scrapeInterval: Duration, retention: Duration) {
  const sized =
    props.fleetSize === undefined ? undefined : sizePrometheus({ devices: props.fleetSize, scrapeInterval, retention });
  const storage = checkData(owner, 'storage', props.storage ?? sized?.storage ?? Gibibytes.of(50));
  const retentionSize = checkRetentionSize(
    owner,
    props.retentionSize ?? sized?.retentionSize ?? defaultRetentionSize(storage),
    storage,
  );
  return { storage, retentionSize, resources: props.resources ?? sized?.resources ?? PROMETHEUS_RESOURCES };
}

/** 80% of the volume, in whole kibibytes: the WAL and compaction need the rest. */
function defaultRetentionSize(storage: Quantity<'data'>): Quantity<'data'> {
  return Gibibytes.of(Math.floor(storage.in(Units.gibibytes) * 0.8 * 1024) / 1024);
}

/** The Secrets the remote-write endpoints' credentials come from, each once. */
function remoteWriteSecrets(remoteWrite: readonly RemoteWrite[]): string[] {
  return distinctSecrets(
    remoteWrite.flatMap((rw) => [rw.basicAuthPassword, rw.bearerToken].filter((r) => r !== undefined)),
  );
}
