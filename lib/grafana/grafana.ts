import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ApiObject } from 'cdk8s';
import {
  type Container,
  type EnvVar,
  KubeDeployment,
  KubePersistentVolumeClaim,
  Quantity as KubeQuantity,
  KubeService,
  type Probe,
  type ResourceRequirements,
  type Volume,
  type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  Cores,
  DEFAULT_CATALOGUE,
  DEFAULT_SCRAPE_INTERVAL,
  type Duration,
  dnsLabelProblem,
  dnsSubdomainProblem,
  Gibibytes,
  Mebibytes,
  type MetricCatalogue,
  Millicores,
  type Quantity,
} from '../core';
import {
  CONFIGMAP_DATA_LIMIT,
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  checkedConfigMap,
  checkSecretRef,
  configMapDataBytes,
  containerPort,
  contentHash,
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
  type SecretKeyRef,
  secretFilePath,
  secretMountPath,
  selectorLabels,
  serviceAccount,
  servicePort,
  volumeProblem,
  type WebClientSecurity,
} from '../k8s';
import { checkDashboards, dashboardErrorPrefix } from './dashboard-checks';
import {
  checkGrafanaIngress,
  checkGrafanaRoute,
  type GrafanaIngressProps,
  type GrafanaRouteProps,
  grafanaIngress,
  grafanaRoute,
  ingressRootUrl,
  routeRootUrl,
} from './grafana-ingress';
import { GRAFANA_PATHS, GRAFANA_PROVISIONING_FILES, GrafanaProvisioning } from './grafana-provisioning';

/** Grafana's HTTP port: the UI, the API, `/api/health` and its own `/metrics`. The Prometheus scrape job finds it here. */
export const GRAFANA_PORT = 3000;

/** The user (and group) the upstream Grafana image runs as. */
export const GRAFANA_USER_ID = 472;

/**
 * Requests and limits of Grafana serving a handful of provisioned dashboards to a few people:
 * about 150 MiB at rest, short CPU bursts when dashboards load. The memory limit leaves room for
 * wide time ranges over a large fleet.
 */
export const GRAFANA_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(100), memory: Mebibytes.of(256) },
  limits: { cpu: Cores.of(1), memory: Mebibytes.of(512) },
};

/** The Secret holding Grafana's admin credentials. It is created outside the stack; only its name and keys are in the manifests. */
export interface GrafanaAdminSecret {
  /** The Secret's name, in Grafana's namespace. */
  readonly secretName: string;
  /** The key holding the admin user name. @default 'admin-user' */
  readonly userKey?: string;
  /** The key holding the admin password. @default 'admin-password' */
  readonly passwordKey?: string;
}

export interface GrafanaProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** URL of the in-cluster Prometheus Service the Prometheus datasource queries, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly prometheusUrl: string;
  /** URL of the in-cluster Alertmanager Service of the Alertmanager datasource, e.g. `http://alertmanager.monitoring.svc:9093`. */
  readonly alertmanagerUrl: string;
  /** The Secret with the admin user and password, mounted as files; never a literal. */
  readonly adminSecret: GrafanaAdminSecret;
  /** The dashboards, one ConfigMap each; checked against the datasources and `catalogue` at synth. */
  readonly dashboards: readonly Dashboard[];
  /**
   * The metrics the dashboards' PromQL may select; add recording rules' outputs with `with()`.
   * @default DEFAULT_CATALOGUE - the service contract and Prometheus' own series
   */
  readonly catalogue?: MetricCatalogue;
  /**
   * The URL people reach Grafana at (`GF_SERVER_ROOT_URL`). When it is `https://`, the session
   * cookie is marked secure and HSTS is sent: Grafana is served over TLS (at the ingress).
   * @default - Grafana's own (`http://localhost:3000/`): links in Grafana point at localhost and cookies are not marked secure
   */
  readonly rootUrl?: string;
  /** Name of the Deployment, Service, ServiceAccount and the prefix of the ConfigMaps. @default 'grafana' */
  readonly name?: string;
  /**
   * An Ingress for Grafana: its host gives the root URL (`rootUrl` must then be left unset) and the
   * stack's NetworkPolicy admits the controller's namespace. @default - no Ingress
   */
  readonly ingress?: GrafanaIngressProps;
  /**
   * A Gateway API HTTPRoute for Grafana, instead of `ingress`: its host gives the root URL and the
   * stack's NetworkPolicy admits the Gateway's proxies. @default - no HTTPRoute
   */
  readonly route?: GrafanaRouteProps;
  /** @default IMAGES.grafana */
  readonly image?: ContainerImage;
  /**
   * Size of the PersistentVolumeClaim holding Grafana's SQLite database: users, sessions, and
   * dashboards saved in the UI survive a restart. @default Gibibytes.of(1)
   */
  readonly storage?: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default GRAFANA_RESOURCES */
  readonly resources?: ComputeResources;
  /** Prometheus' scrape interval: the finest step Grafana queries (`timeInterval`). @default DEFAULT_SCRAPE_INTERVAL */
  readonly scrapeInterval?: Duration;
  /** Version of the Prometheus server behind `prometheusUrl`. @default - the version of IMAGES.prometheus */
  readonly prometheusVersion?: string;
  /** Name and uid of the Grafana folder the dashboards are provisioned into. @default 'liquid-audio-nets' */
  readonly folder?: string;
  /**
   * Serve HTTPS with the `tls.crt` and `tls.key` of this `kubernetes.io/tls` Secret, with secure
   * cookies. @default - plain HTTP inside the cluster (TLS at the ingress, if any)
   */
  readonly tlsSecretName?: string;
  /** How to authenticate to and verify Prometheus. @default - plain HTTP */
  readonly prometheusClient?: WebClientSecurity;
  /** How to authenticate to and verify Alertmanager. @default - plain HTTP */
  readonly alertmanagerClient?: WebClientSecurity;
  /** URL of the Jaeger query API of the traces datasource, e.g. `http://jaeger.monitoring.svc:16686`. @default - no traces datasource */
  readonly jaegerUrl?: string;
  /** The PromQL a span links to in Grafana, by link label (`$__tags` is the span's tags). @default - none */
  readonly traceToMetricsQueries?: Readonly<Record<string, string>>;
}

/**
 * Grafana as a one-replica Deployment whose state is provisioned from code (datasources, one
 * ConfigMap per dashboard, admin credentials from a Secret). Its database is on an emptyDir: a
 * restart starts from the provisioned state; a provisioning change rolls the pod.
 */
export class Grafana extends Construct {
  public readonly name: string;
  public readonly instance: string;
  public readonly image: ContainerImage;
  /** The Ingress or HTTPRoute, when `ingress` or `route` is set. @default - none */
  public readonly exposure: ApiObject | undefined;
  /** Size of the database's volume. */
  public readonly storage: Quantity<'data'>;
  /** The PersistentVolumeClaim of the database. */
  public readonly dataClaimName: string;
  public readonly resources: ComputeResources;
  public readonly rootUrl?: string;
  /** Whether the session cookie is marked secure (Grafana is served over TLS). */
  public readonly cookieSecure: boolean;
  /** The Secret Grafana serves HTTPS with, when it does. */
  public readonly tlsSecretName?: string;
  public readonly adminUser: SecretKeyRef;
  public readonly adminPassword: SecretKeyRef;
  public readonly scrapeInterval: Duration;
  public readonly prometheusVersion: string;
  public readonly folder: string;
  /** The metrics the dashboards were checked against. */
  public readonly catalogue: MetricCatalogue;
  public readonly provisioning: GrafanaProvisioning;
  /** Dashboard uid to the name of its ConfigMap. */
  public readonly dashboardConfigMaps: Readonly<Record<string, string>>;
  /**
   * Hash of the provisioning files, on the pod template as `checksum/config`. Dashboards are not in
   * it: the provider re-reads them every `updateIntervalSeconds`, so a changed dashboard needs no restart.
   */
  public readonly hash: string;
  public readonly serviceName: string;
  /** The namespace of its chart. */
  public readonly namespace: string;
  public readonly port: number;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly selector: Readonly<Record<string, string>>;
  public readonly deployment: ApiObject;
  public readonly service: ApiObject;

  /** Names this Grafana in errors. */
  private readonly owner: string;

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    this.name = props.name ?? 'grafana';
    this.owner = `grafana '${this.name}'`;
    const nameProblem = dnsLabelProblem(this.name);
    if (nameProblem) this.fail(`'name' ${nameProblem}`);
    this.instance = props.instance;
    this.image = props.image ?? IMAGES.grafana;
    this.storage = props.storage ?? Gibibytes.of(1);
    const volume = volumeProblem(this.storage, props.storageClassName);
    if (volume) this.fail(volume);
    this.dataClaimName = `${this.name}-data`;
    this.resources = props.resources ?? GRAFANA_RESOURCES;
    const resources = kubeResources(this.owner, this.resources);
    ({ user: this.adminUser, password: this.adminPassword } = this.adminCredentials(props.adminSecret));
    this.checkServing(props);
    if (props.ingress && props.route)
      this.fail(`'ingress' and 'route' are both set: Grafana is exposed by one of them`);
    if (props.ingress) checkGrafanaIngress(this.owner, props.ingress);
    if (props.route) checkGrafanaRoute(this.owner, props.route);
    const exposedBy = props.ingress ? 'ingress' : props.route ? 'route' : undefined;
    if (exposedBy && props.rootUrl !== undefined)
      this.fail(`'rootUrl' and '${exposedBy}' are both set: the root URL comes from '${exposedBy}.host'; set one`);
    this.rootUrl = props.ingress
      ? ingressRootUrl(props.ingress)
      : props.route
        ? routeRootUrl(props.route)
        : props.rootUrl;
    this.tlsSecretName = props.tlsSecretName;
    this.cookieSecure = props.tlsSecretName !== undefined || (this.rootUrl?.startsWith('https://') ?? false);
    this.scrapeInterval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
    this.prometheusVersion = props.prometheusVersion ?? imageVersion(IMAGES.prometheus);
    this.folder = props.folder ?? 'liquid-audio-nets';
    this.catalogue = props.catalogue ?? DEFAULT_CATALOGUE;
    this.provisioning = this.renderProvisioningFiles(props);
    checkDashboards(props.dashboards, { datasources: this.provisioning.refs, catalogue: this.catalogue });
    this.namespace = chartNamespace(this, this.owner);
    this.labels = recommendedLabels({
      name: 'grafana',
      component: 'dashboards',
      instance: this.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);
    this.serviceName = this.name;
    this.port = GRAFANA_PORT;

    const dashboards = this.renderConfigMaps(props.dashboards);
    this.dashboardConfigMaps = dashboards.configMaps;
    this.hash = contentHash(prefixKeys('provisioning/', this.provisioning.files));
    // Grafana never calls the Kubernetes API.
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    this.service = this.renderService();
    this.renderDataClaim(props.storageClassName);
    const backend = { name: this.name, labels: this.labels, serviceName: this.serviceName, port: this.port };
    this.exposure = props.ingress
      ? grafanaIngress(this, 'Ingress', { ...props.ingress, ...backend })
      : props.route
        ? grafanaRoute(this, 'Route', { ...props.route, ...backend })
        : undefined;
    this.deployment = this.renderDeployment(props, resources);
  }

  private fail(message: string): never {
    throw new Error(`${this.owner}: ${message}`);
  }

  private metadata(name: string) {
    return { name, labels: { ...this.labels } };
  }

  /** The admin user and password keys of `adminSecret`, checked: a Secret reference, never a literal. */
  private adminCredentials(adminSecret: GrafanaAdminSecret): { user: SecretKeyRef; password: SecretKeyRef } {
    if (typeof adminSecret !== 'object' || adminSecret === null) {
      this.fail(
        `'adminSecret' must be a reference to a Secret ({ secretName, userKey, passwordKey }), not a literal value`,
      );
    }
    const user = { secretName: adminSecret.secretName, key: adminSecret.userKey ?? 'admin-user' };
    const password = { secretName: adminSecret.secretName, key: adminSecret.passwordKey ?? 'admin-password' };
    for (const [field, key] of [
      ['userKey', user.key],
      ['passwordKey', password.key],
    ] as const) {
      if (typeof key !== 'string' || !SECRET_KEY.test(key))
        this.fail(`'adminSecret.${field}' must be 1 to 253 letters, digits, "-", "_" and ".", got '${key}'`);
    }
    // The Secret's name, checked as every Secret reference of the stack is.
    checkSecretRef(this.owner, 'adminSecret', user);
    if (user.key === password.key) {
      this.fail(
        `'adminSecret.userKey' and 'adminSecret.passwordKey' must be different keys, got '${user.key}' for both`,
      );
    }
    return { user, password };
  }

  /** Checks the URL people reach Grafana at and the Secret it serves TLS with. */
  private checkServing(props: GrafanaProps): void {
    if (props.rootUrl !== undefined && !/^https?:\/\/[^\s/$]+(\/[^\s$]*)?$/.test(props.rootUrl)) {
      this.fail(`'rootUrl' must be an http(s) URL without spaces or "$", got '${props.rootUrl}'`);
    }
    if (props.tlsSecretName !== undefined) {
      const problem = dnsSubdomainProblem(props.tlsSecretName);
      if (problem) this.fail(`'tlsSecretName' '${props.tlsSecretName}' ${problem}`);
    }
  }

  private renderProvisioningFiles(props: GrafanaProps): GrafanaProvisioning {
    return new GrafanaProvisioning({
      owner: this.owner,
      prometheusUrl: props.prometheusUrl,
      alertmanagerUrl: props.alertmanagerUrl,
      scrapeInterval: this.scrapeInterval,
      prometheusVersion: this.prometheusVersion,
      folder: this.folder,
      prometheusClient: props.prometheusClient,
      alertmanagerClient: props.alertmanagerClient,
      jaegerUrl: props.jaegerUrl,
      traceToMetricsQueries: props.traceToMetricsQueries,
    });
  }

  /** The provisioning ConfigMap and one ConfigMap per dashboard; returns the dashboards' names and files. */
  private renderConfigMaps(dashboards: readonly Dashboard[]) {
    checkedConfigMap(this, 'Provisioning', {
      name: this.provisioningName,
      labels: this.labels,
      data: this.provisioning.files,
    });
    const files: Record<string, string> = {};
    const configMaps: Record<string, string> = {};
    for (const dashboard of dashboards) {
      const uid = dashboard.uid as string;
      const configMapName = `${this.name}-dashboard-${uid}`;
      const problem = dnsSubdomainProblem(configMapName);
      if (problem) this.fail(`the ConfigMap name '${configMapName}' of dashboard '${uid}' ${problem}`);
      const data = { [`${uid}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` };
      const bytes = configMapDataBytes(data);
      if (bytes > CONFIGMAP_DATA_LIMIT) {
        throw new Error(
          `${dashboardErrorPrefix(dashboard)}dashboard '${uid}': its JSON is ${bytes} bytes, over the ${CONFIGMAP_DATA_LIMIT} bytes (1 MiB) the API server accepts in its ConfigMap; split it into smaller dashboards`,
        );
      }
      // Its own ConfigMap, up to the API server's limit: server-side apply keeps no copy in an annotation.
      const maxDataBytes = CONFIGMAP_DATA_LIMIT;
      checkedConfigMap(this, `Dashboard-${uid}`, { name: configMapName, labels: this.labels, data, maxDataBytes });
      Object.assign(files, data);
      configMaps[uid] = configMapName;
    }
    return { files, configMaps };
  }

  private get provisioningName(): string {
    return `${this.name}-provisioning`;
  }

  private renderService(): ApiObject {
    return new KubeService(this, 'Service', {
      metadata: this.metadata(this.serviceName),
      spec: { type: 'ClusterIP', selector: { ...this.selector }, ports: [servicePort(HTTP_PORT)] },
    });
  }

  private renderDataClaim(storageClassName: string | undefined): ApiObject {
    return new KubePersistentVolumeClaim(this, 'DataClaim', {
      metadata: this.metadata(this.dataClaimName),
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(storageClassName ? { storageClassName } : {}),
        resources: { requests: { storage: KubeQuantity.fromString(kubeBytes(this.storage)) } },
      },
    });
  }

  private renderDeployment(props: GrafanaProps, resources: ResourceRequirements): ApiObject {
    const clients = [props.prometheusClient, props.alertmanagerClient].filter(
      (c): c is WebClientSecurity => c !== undefined,
    );
    return new KubeDeployment(this, 'Deployment', {
      metadata: this.metadata(this.name),
      spec: {
        // One replica: every pod has its own SQLite database, so a second one would not share sessions.
        replicas: 1,
        // The database's volume attaches to one node at a time (ReadWriteOnce), and two Grafanas on one
        // SQLite file corrupt it: the old pod goes before the new one starts.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: podTemplateMetadata(this.labels, this.hash),
          spec: {
            ...podServiceAccount({ name: this.name }),
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(GRAFANA_USER_ID),
            ...placementSpec(this.owner, props, this.selector),
            containers: [this.container(resources, clients)],
            volumes: this.volumes(clients),
          },
        },
      },
    });
  }

  private container(resources: ResourceRequirements, clients: readonly WebClientSecurity[]): Container {
    return {
      name: 'grafana',
      image: imageRef(this.image),
      ports: [containerPort(HTTP_PORT)],
      env: this.environment(),
      ...httpProbes({
        port: HTTP_PORT.name,
        readyPath: '/api/health',
        livenessFailureThreshold: 6,
        // Database migrations on a fresh volume take a while on a small node: five minutes before liveness applies.
        startup: { periodSeconds: 5, failureThreshold: 60 },
        adapt: (_path, _port, probe) => this.overTls(probe),
      }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: this.mounts(clients),
    };
  }

  private volumes(clients: readonly WebClientSecurity[]): Volume[] {
    const provisioningFile = (name: string, file: string): Volume => ({
      name,
      configMap: { name: this.provisioningName, items: [{ key: file, path: file }] },
    });
    const dashboardMaps = Object.values(this.dashboardConfigMaps);
    return [
      // Grafana's SQLite database: users, sessions and dashboards saved in the UI.
      { name: 'data', persistentVolumeClaim: { claimName: this.dataClaimName } },
      { name: 'tmp', emptyDir: { sizeLimit: KubeQuantity.fromString(kubeBytes(Mebibytes.of(64))) } },
      provisioningFile('provisioning-datasources', GRAFANA_PROVISIONING_FILES.datasources),
      provisioningFile('provisioning-dashboards', GRAFANA_PROVISIONING_FILES.dashboardProviders),
      dashboardMaps.length === 0
        ? { name: 'dashboards', emptyDir: {} }
        : { name: 'dashboards', projected: { sources: dashboardMaps.map((name) => ({ configMap: { name } })) } },
      // Readable by Grafana's group only (fsGroup 472).
      { name: 'admin-secret', secret: { secretName: this.adminUser.secretName, defaultMode: 0o440 } },
      ...(this.tlsSecretName ? [this.tlsVolume(this.tlsSecretName)] : []),
      ...clients.flatMap((c) => c.volumes()),
    ];
  }

  private tlsVolume(secretName: string): Volume {
    const items = ['tls.crt', 'tls.key'].map((key) => ({ key, path: key }));
    return { name: 'tls', secret: { secretName, defaultMode: 0o440, items } };
  }

  private mounts(clients: readonly WebClientSecurity[]): VolumeMount[] {
    return [
      { name: 'data', mountPath: GRAFANA_PATHS.data },
      { name: 'tmp', mountPath: GRAFANA_PATHS.tmp },
      { name: 'provisioning-datasources', mountPath: GRAFANA_PATHS.datasources, readOnly: true },
      { name: 'provisioning-dashboards', mountPath: GRAFANA_PATHS.dashboardProviders, readOnly: true },
      { name: 'dashboards', mountPath: GRAFANA_PATHS.dashboards, readOnly: true },
      { name: 'admin-secret', mountPath: secretMountPath(GRAFANA_PATHS.secrets, this.adminUser), readOnly: true },
      ...(this.tlsSecretName ? [{ name: 'tls', mountPath: GRAFANA_TLS_DIR, readOnly: true }] : []),
      ...clients.flatMap((c) => c.mounts()),
    ];
  }

  /** A probe over HTTPS when Grafana serves TLS. */
  private overTls(probe: Probe): Probe {
    return this.tlsSecretName && probe.httpGet ? { ...probe, httpGet: { ...probe.httpGet, scheme: 'HTTPS' } } : probe;
  }

  /** Grafana's settings as `GF_<SECTION>_<KEY>` variables: hardening first, then paths and credentials. */
  private environment(): EnvVar[] {
    const settings: [string, string][] = [
      ['GF_SERVER_HTTP_PORT', String(GRAFANA_PORT)],
      ...(this.tlsSecretName
        ? ([
            ['GF_SERVER_PROTOCOL', 'https'],
            ['GF_SERVER_CERT_FILE', `${GRAFANA_TLS_DIR}/tls.crt`],
            ['GF_SERVER_CERT_KEY', `${GRAFANA_TLS_DIR}/tls.key`],
          ] as [string, string][])
        : []),
      ...(this.rootUrl !== undefined ? ([['GF_SERVER_ROOT_URL', this.rootUrl]] as [string, string][]) : []),
      ['GF_PATHS_DATA', GRAFANA_PATHS.data],
      ['GF_PATHS_PROVISIONING', GRAFANA_PATHS.provisioning],
      // Logs go to stdout only: the root filesystem is read-only and the kubelet keeps container logs.
      ['GF_LOG_MODE', 'console'],
      // The image's entrypoint reads each `*__FILE` variable's file into the variable without the suffix.
      ['GF_SECURITY_ADMIN_USER__FILE', secretFilePath(GRAFANA_PATHS.secrets, this.adminUser)],
      ['GF_SECURITY_ADMIN_PASSWORD__FILE', secretFilePath(GRAFANA_PATHS.secrets, this.adminPassword)],
      ['GF_AUTH_ANONYMOUS_ENABLED', 'false'],
      ['GF_USERS_ALLOW_SIGN_UP', 'false'],
      ['GF_USERS_ALLOW_ORG_CREATE', 'false'],
      ['GF_SECURITY_DISABLE_GRAVATAR', 'true'],
      ['GF_SECURITY_COOKIE_SECURE', String(this.cookieSecure)],
      ['GF_SECURITY_STRICT_TRANSPORT_SECURITY', String(this.cookieSecure)],
      ['GF_ANALYTICS_REPORTING_ENABLED', 'false'],
      ['GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'],
      ['GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES', 'false'],
      ['GF_NEWS_NEWS_FEED_ENABLED', 'false'],
      // Snapshots stay in this Grafana; none is published to snapshots.raintank.io.
      ['GF_SNAPSHOTS_EXTERNAL_ENABLED', 'false'],
      // Plugins are not installed from the UI: what runs is what the image ships.
      ['GF_PLUGINS_PLUGIN_ADMIN_ENABLED', 'false'],
    ];
    return settings.map(([name, value]) => ({ name, value }));
  }
}

/** Where Grafana's own certificate and key are mounted when it serves TLS. */
const GRAFANA_TLS_DIR = '/etc/grafana/tls';

/** Grafana's one port: the UI, the API and its own metrics. */
const HTTP_PORT: NamedPort = { name: 'http', port: GRAFANA_PORT };

/** A key of a Secret's data, as Kubernetes accepts it. */
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

function prefixKeys(prefix: string, files: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([key, value]) => [`${prefix}${key}`, value]));
}
