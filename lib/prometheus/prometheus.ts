import { type ApiObject, Chart } from 'cdk8s';
import {
  IntOrString,
  KubeClusterRole,
  KubeClusterRoleBinding,
  KubeConfigMap,
  Quantity as KubeQuantity,
  KubeService,
  KubeServiceAccount,
  KubeStatefulSet,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Cores, Duration, dnsLabelProblem, Gibibytes, Millicores, type Quantity, toYaml, Units } from '../core';
import {
  CONFIG_HASH_ANNOTATION,
  type ComputeResources,
  type ContainerImage,
  checkConfigMapSize,
  checkWebSecurity,
  clusterScoped,
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
  WebClientSecurity,
  type WebSecurity,
  WebServerSecurity,
} from '../k8s';
import {
  checkPrometheusConfig,
  PROMETHEUS_SECRETS_ROOT,
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

export interface PrometheusProps {
  /** The stack instance, as `app.kubernetes.io/instance` and the `cluster` external label. */
  readonly instance: string;
  /** The rendered rule files, mounted where `rule_files` reads them. */
  readonly rules: PrometheusRules;
  /** `host:port` of every Alertmanager peer; alerts go to each, not through a load balancer. */
  readonly alertmanagers: readonly string[];
  /** Scrape jobs besides Prometheus' own. @default - none */
  readonly scrapeJobs?: readonly ScrapeJob[];
  /** Name of the StatefulSet, its Services and ServiceAccount. @default 'prometheus' */
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
  /** @default Duration.seconds(30) - battery-powered devices answer every 30 s; 15 s doubles their work for little */
  readonly scrapeInterval?: Duration;
  /** @default Duration.seconds(10) */
  readonly scrapeTimeout?: Duration;
  /** @default Duration.seconds(30) */
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
}

/**
 * Prometheus as a StatefulSet: an HA pair of identical servers by default, each with its own
 * volume, discovering targets through the Kubernetes API with a least-privilege ClusterRole,
 * rolling out when its configuration or rules change.
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
  /** Hash of prometheus.yml and the rule files, on the pod template. */
  public readonly hash: string;
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

  public constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    this.name = props.name ?? 'prometheus';
    const owner = `Prometheus '${this.name}'`;
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new Error(`${owner}: must be in a chart with a namespace`);
    this.namespace = namespace;
    const nameProblem = dnsLabelProblem(this.name);
    if (nameProblem) throw new Error(`${owner}: 'name' ${nameProblem}`);

    this.replicas = props.replicas ?? 2;
    if (!Number.isInteger(this.replicas) || this.replicas < 1)
      throw new Error(`${owner}: 'replicas' must be a whole number of at least 1, got ${this.replicas}`);
    this.retention = props.retention ?? Duration.days(15);
    if (!this.retention.isValid() || this.retention.compareTo(Duration.hours(2)) < 0) {
      throw new Error(`${owner}: 'retention' must be at least 2h (one TSDB block), got ${this.retention}`);
    }
    this.scrapeInterval = props.scrapeInterval ?? Duration.seconds(30);
    const sized =
      props.fleetSize === undefined
        ? undefined
        : sizePrometheus({ devices: props.fleetSize, scrapeInterval: this.scrapeInterval, retention: this.retention });
    this.storage = props.storage ?? sized?.storage ?? Gibibytes.of(50);
    const storageProblem = dataProblem(this.storage);
    if (storageProblem) throw new Error(`${owner}: 'storage' ${storageProblem}`);
    this.retentionSize =
      props.retentionSize ??
      sized?.retentionSize ??
      Gibibytes.of(Math.floor(this.storage.in(Units.gibibytes) * 0.8 * 1024) / 1024);
    const sizeProblem = dataProblem(this.retentionSize);
    if (sizeProblem) throw new Error(`${owner}: 'retentionSize' ${sizeProblem}`);
    if (this.retentionSize.in(Units.bytes) > this.storage.in(Units.bytes)) {
      throw new Error(`${owner}: 'retentionSize' (${this.retentionSize}) must not exceed 'storage' (${this.storage})`);
    }
    this.evaluationInterval = props.evaluationInterval ?? Duration.seconds(30);
    this.image = props.image ?? IMAGES.prometheus;
    checkWebSecurity(owner, 'webSecurity', props.webSecurity);
    const web = new WebServerSecurity(props.webSecurity, PROMETHEUS_ROOT);
    this.scheme = web.scheme;
    const selfClient = new WebClientSecurity(props.webSecurity, `${PROMETHEUS_ROOT}/clients/self`, 'self');
    if (props.alertmanagers.length === 0)
      throw new Error(`${owner}: 'alertmanagers' must name at least one Alertmanager peer`);

    this.headlessServiceName = `${this.name}-headless`;
    this.serviceName = this.name;
    this.peers = peerAddresses(this.name, this.headlessServiceName, namespace, this.replicas, PROMETHEUS_PORT);

    const remoteWrite = props.remoteWrite ?? [];
    const configProps = {
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
        { ...peersJob(this.name, this.peers, SCRAPE_LIMITS.prometheus), client: selfClient },
        ...(props.scrapeJobs ?? []),
      ],
      remoteWrite,
    };
    checkPrometheusConfig(owner, configProps);
    this.configText = toYaml(renderPrometheusConfig(configProps));
    const configData = {
      'prometheus.yml': this.configText,
      ...(web.webConfig ? { [WEB_CONFIG_KEY]: web.webConfig } : {}),
    };
    checkConfigMapSize(`${this.name}-config`, configData);
    this.hash = contentHash({ ...configData, ...props.rules.files });

    const labels = recommendedLabels({
      name: 'prometheus',
      component: 'server',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    const selector = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': props.instance };
    this.selector = selector;
    const resources = kubeResources(
      owner,
      props.resources ??
        sized?.resources ?? {
          requests: { cpu: Millicores.of(500), memory: Gibibytes.of(2) },
          limits: { cpu: Cores.of(2), memory: Gibibytes.of(4) },
        },
    );

    const configMap = new KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, labels },
      data: configData,
    });

    new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels },
      automountServiceAccountToken: true,
    });
    const clusterRoleName = `${namespace}-${this.name}`;
    const clusterRole = new KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterRoleName, labels },
      // Pod discovery is the only API access Prometheus needs: no nodes, endpoints or Secrets.
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    const clusterRoleBinding = new KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRoleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace }],
    });
    clusterScoped(clusterRole);
    clusterScoped(clusterRoleBinding);

    const port = { name: 'web', port: PROMETHEUS_PORT, targetPort: IntOrString.fromString('web'), protocol: 'TCP' };
    new KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels },
      spec: { selector, ports: [port] },
    });
    new KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, labels },
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector, ports: [port] },
    });

    const secrets = distinctSecrets(
      remoteWrite.flatMap((rw) => [rw.basicAuthPassword, rw.bearerToken].filter((r) => r !== undefined)),
    );
    const volumes: Volume[] = [
      { name: 'config', configMap: { name: configMap.name } },
      props.rules.configMapNames.length === 1
        ? { name: 'rules', configMap: { name: props.rules.name } }
        : {
            name: 'rules',
            projected: { sources: props.rules.configMapNames.map((name) => ({ configMap: { name } })) },
          },
      ...secrets.map((secretName) => ({ name: `secret-${secretName}`, secret: { secretName } })),
    ];
    // Each client's credentials once, however many jobs use them.
    const clients = [
      ...new Map(
        [selfClient, props.alertmanagerClient, ...(props.scrapeJobs ?? []).map((j) => j.client)]
          .filter((c): c is WebClientSecurity => c !== undefined)
          .flatMap((c) => c.volumes().map((v, i) => [v.name, { volume: v, mount: c.mounts()[i] }] as const)),
      ).values(),
    ];
    volumes.push(...web.volumes(configMap.name, WEB_CONFIG_KEY), ...clients.map((c) => c.volume));
    const mounts: VolumeMount[] = [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'rules', mountPath: RULES_DIR, readOnly: true },
      { name: 'data', mountPath: DATA_DIR },
      ...secrets.map((secretName) => ({
        name: `secret-${secretName}`,
        mountPath: secretMountPath(PROMETHEUS_SECRETS_ROOT, { secretName, key: '' }),
        readOnly: true,
      })),
      ...web.mounts(),
      ...clients.map((c) => c.mount),
    ];
    const initContainers = web.initContainers(this.image, 'config', WEB_CONFIG_KEY);

    this.statefulSet = new KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels },
      spec: {
        serviceName: this.headlessServiceName,
        replicas: this.replicas,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: this.hash } },
          spec: {
            serviceAccountName: this.name,
            securityContext: restrictedPodSecurityContext(),
            // Head compaction and the WAL flush on shutdown take time on a large head.
            terminationGracePeriodSeconds: 600,
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
                name: 'prometheus',
                image: imageRef(this.image),
                args: [
                  `--config.file=${CONFIG_DIR}/prometheus.yml`,
                  `--storage.tsdb.path=${DATA_DIR}`,
                  `--storage.tsdb.retention.time=${this.retention.toPrometheus()}`,
                  `--storage.tsdb.retention.size=${prometheusBytes(this.retentionSize)}`,
                  `--web.listen-address=:${PROMETHEUS_PORT}`,
                  ...web.flags,
                ],
                env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                ports: [{ name: 'web', containerPort: PROMETHEUS_PORT, protocol: 'TCP' }],
                readinessProbe: web.probe('/-/ready', 'web', httpProbe('/-/ready', 'web')),
                livenessProbe: web.probe('/-/healthy', 'web', httpProbe('/-/healthy', 'web', { failureThreshold: 6 })),
                // Replaying a large WAL after a restart takes minutes: allow 15 before liveness applies.
                startupProbe: web.probe(
                  '/-/ready',
                  'web',
                  httpProbe('/-/ready', 'web', { periodSeconds: 15, failureThreshold: 60 }),
                ),
                resources,
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: mounts,
              },
            ],
            ...(initContainers.length > 0 ? { initContainers } : {}),
            volumes,
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels: selector },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
              resources: { requests: { storage: KubeQuantity.fromString(kubeBytes(this.storage)) } },
            },
          },
        ],
      },
    });

    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels, selector, maxUnavailable: 1 });
  }
}

const PROMETHEUS_ROOT = '/etc/prometheus';
const CONFIG_DIR = '/etc/prometheus/config';
/** The ConfigMap key of the web configuration (its template, with basic auth). */
const WEB_CONFIG_KEY = 'web.yml';
const RULES_DIR = '/etc/prometheus/rules';
const DATA_DIR = '/prometheus';

/** Prometheus' size flags count in powers of two (`1KB` is 1024 B); whole mebibytes are exact enough. */
function prometheusBytes(q: Quantity<'data'>): string {
  return `${Math.floor(q.in(Units.mebibytes))}MB`;
}
