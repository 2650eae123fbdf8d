import type { Duration } from '../core';
import { toYaml } from '../core';
import type { WebClientSecurity } from '../k8s';

/**
 * Grafana's provisioning files as values: the datasources (Prometheus and Alertmanager, each with
 * a stable `uid` that dashboards refer to) and the dashboard provider that loads the dashboard
 * JSON files from disk. Grafana reads them at start from its standard provisioning folders.
 */

/** The datasource plugins the stack provisions. */
export type GrafanaDatasourceType = 'prometheus' | 'alertmanager' | 'jaeger';

/** A datasource as a dashboard panel, target or variable names it (`{ type, uid }`). */
export interface GrafanaDatasourceRef {
  readonly type: GrafanaDatasourceType;
  readonly uid: string;
}

/**
 * The provisioned datasources, by the `uid` every dashboard uses. Stable uids keep dashboards
 * working when a datasource's name or URL changes; the synth checks every panel against them.
 */
export const GRAFANA_DATASOURCES = {
  prometheus: Object.freeze({ type: 'prometheus', uid: 'prometheus' }),
  alertmanager: Object.freeze({ type: 'alertmanager', uid: 'alertmanager' }),
  jaeger: Object.freeze({ type: 'jaeger', uid: 'jaeger' }),
} as const satisfies Record<GrafanaDatasourceType, GrafanaDatasourceRef>;

/** Where the Grafana image reads provisioning (`GF_PATHS_PROVISIONING`) and where the dashboard files are mounted. */
export const GRAFANA_PATHS = {
  provisioning: '/etc/grafana/provisioning',
  datasources: '/etc/grafana/provisioning/datasources',
  dashboardProviders: '/etc/grafana/provisioning/dashboards',
  dashboards: '/etc/grafana/dashboards',
  data: '/var/lib/grafana',
  tmp: '/tmp',
  secrets: '/etc/grafana/secrets',
} as const;

/** File names of the provisioning ConfigMap's keys. */
export const GRAFANA_PROVISIONING_FILES = {
  datasources: 'datasources.yaml',
  dashboardProviders: 'dashboards.yaml',
} as const;

export interface GrafanaProvisioningProps {
  /** The Grafana instance these files belong to, for error messages. */
  readonly owner: string;
  /** URL of the in-cluster Prometheus Service, e.g. `http://prometheus.monitoring.svc:9090`. */
  readonly prometheusUrl: string;
  /** URL of the in-cluster Alertmanager Service, e.g. `http://alertmanager.monitoring.svc:9093`. */
  readonly alertmanagerUrl: string;
  /** Prometheus' scrape interval: the smallest step Grafana asks for (`timeInterval`). */
  readonly scrapeInterval: Duration;
  /** Version of the Prometheus server, so Grafana uses the API features it has (`3.13.2`). */
  readonly prometheusVersion: string;
  /** Name and uid of the folder the dashboards are provisioned into. */
  readonly folder: string;
  /** How to authenticate to and verify Prometheus. @default - plain HTTP */
  readonly prometheusClient?: WebClientSecurity;
  /** How to authenticate to and verify Alertmanager. @default - plain HTTP */
  readonly alertmanagerClient?: WebClientSecurity;
  /** URL of the Jaeger query API, e.g. `http://jaeger.monitoring.svc:16686`. @default - no traces datasource */
  readonly jaegerUrl?: string;
  /**
   * The PromQL a span links to (Grafana's trace to metrics), by link label; `$__tags` expands
   * into the span's tags as matchers. @default - none
   */
  readonly traceToMetricsQueries?: Readonly<Record<string, string>>;
}

/** A value of a datasource's `jsonData`: Grafana's fields are strings, flags and nested settings. */
export type JsonValue = string | number | boolean | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One entry of `datasources.yaml`, in Grafana's field names. */
export interface ProvisionedDatasource {
  readonly name: string;
  readonly type: GrafanaDatasourceType;
  readonly uid: string;
  readonly access: 'proxy';
  readonly url: string;
  readonly isDefault: boolean;
  readonly editable: boolean;
  readonly jsonData: Readonly<Record<string, JsonValue>>;
  /** Credentials, read by Grafana from mounted Secret files through `$__file{...}`. */
  readonly secureJsonData?: Readonly<Record<string, string>>;
}

/**
 * The provisioning files of one Grafana, checked when made: URLs Grafana can call, without `$`
 * (Grafana expands `$VAR` in provisioning files), a folder name that is a valid uid.
 */
export class GrafanaProvisioning {
  public readonly datasources: readonly ProvisionedDatasource[];
  /** `datasources.yaml`, as mounted in the datasources provisioning folder. */
  public readonly datasourcesYaml: string;
  /** `dashboards.yaml`: one file provider reading the dashboard JSON files. */
  public readonly dashboardProvidersYaml: string;
  /** The provisioning ConfigMap's data. */
  public readonly files: Readonly<Record<string, string>>;

  public constructor(props: GrafanaProvisioningProps) {
    checkProvisioning(props);
    this.datasources = provisionedDatasources(props);
    // `prune` removes a provisioned datasource from Grafana's database once it is gone from this file.
    this.datasourcesYaml = toYaml({ apiVersion: 1, prune: true, datasources: this.datasources });
    this.dashboardProvidersYaml = toYaml({ apiVersion: 1, providers: [dashboardProvider(props.folder)] });
    this.files = {
      [GRAFANA_PROVISIONING_FILES.datasources]: this.datasourcesYaml,
      [GRAFANA_PROVISIONING_FILES.dashboardProviders]: this.dashboardProvidersYaml,
    };
  }

  /** The datasources dashboards may refer to, as `{ type, uid }`. */
  public get refs(): readonly GrafanaDatasourceRef[] {
    return this.datasources.map((d) => ({ type: d.type, uid: d.uid }));
  }
}

function checkProvisioning(props: GrafanaProvisioningProps): void {
  const fail = (message: string): never => {
    throw new Error(`${props.owner}: ${message}`);
  };
  for (const field of ['prometheusUrl', 'alertmanagerUrl', 'jaegerUrl'] as const) {
    const url = props[field];
    if (field === 'jaegerUrl' && url === undefined) continue;
    if (typeof url !== 'string' || !HTTP_URL.test(url))
      fail(`'${field}' must be an http(s) URL without spaces or "$", got '${url}'`);
  }
  if (!props.scrapeInterval.isValid() || props.scrapeInterval.isZero()) {
    fail(`'scrapeInterval' must be a positive whole number of milliseconds, got ${props.scrapeInterval}`);
  }
  if (!/^\d+\.\d+\.\d+$/.test(props.prometheusVersion)) {
    fail(`'prometheusVersion' must be a release version like 3.13.2, got '${props.prometheusVersion}'`);
  }
  if (!GRAFANA_UID_PATTERN.test(props.folder)) fail(`'folder' ${GRAFANA_UID_RULE}, got '${props.folder}'`);
}

/** The Prometheus datasource (the default) and the Alertmanager one, each with its client's credentials. */
function provisionedDatasources(props: GrafanaProvisioningProps): ProvisionedDatasource[] {
  return [
    prometheusDatasource(props),
    alertmanagerDatasource(props),
    ...(props.jaegerUrl !== undefined ? [jaegerDatasource(props.jaegerUrl, props.traceToMetricsQueries ?? {})] : []),
  ];
}

/**
 * The Jaeger datasource, linked to Prometheus: from a span to its service's span metrics
 * (`tracesToMetrics`, the field Grafana's TraceToMetricsSettings writes), and the service graph.
 */
function jaegerDatasource(url: string, queries: Readonly<Record<string, string>>): ProvisionedDatasource {
  return datasource('Jaeger', GRAFANA_DATASOURCES.jaeger, url, false, undefined, {
    tracesToMetrics: {
      datasourceUid: GRAFANA_DATASOURCES.prometheus.uid,
      // The span's service becomes the span metrics' `service_name` label in `$__tags`.
      tags: [{ key: 'service.name', value: 'service_name' }],
      queries: Object.entries(queries).map(([name, query]) => ({ name, query })),
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
    },
    nodeGraph: { enabled: true },
  });
}

function prometheusDatasource(props: GrafanaProvisioningProps): ProvisionedDatasource {
  const { prometheus, alertmanager } = GRAFANA_DATASOURCES;
  return datasource('Prometheus', prometheus, props.prometheusUrl, true, props.prometheusClient, {
    // POST keeps long PromQL out of URLs and access logs.
    httpMethod: 'POST',
    // No step finer than the scrape interval: it would only repeat samples.
    timeInterval: props.scrapeInterval.toPrometheus(),
    prometheusType: 'Prometheus',
    prometheusVersion: props.prometheusVersion,
    // Prometheus has no ruler API: the rules live in code, not in Grafana's alerting UI.
    manageAlerts: false,
    alertmanagerUid: alertmanager.uid,
  });
}

function alertmanagerDatasource(props: GrafanaProvisioningProps): ProvisionedDatasource {
  return datasource(
    'Alertmanager',
    GRAFANA_DATASOURCES.alertmanager,
    props.alertmanagerUrl,
    false,
    props.alertmanagerClient,
    {
      implementation: 'prometheus',
      // Grafana-managed alerts stay in Grafana; the stack's alerts come from Prometheus' rule files.
      handleGrafanaManagedAlerts: false,
    },
  );
}

/** A read-only datasource proxied through Grafana, with `client`'s credentials added to `jsonData`. */
function datasource(
  name: string,
  ref: GrafanaDatasourceRef,
  url: string,
  isDefault: boolean,
  client: WebClientSecurity | undefined,
  jsonData: Readonly<Record<string, JsonValue>>,
): ProvisionedDatasource {
  const auth = client?.grafanaDatasource();
  return {
    name,
    type: ref.type,
    uid: ref.uid,
    access: 'proxy',
    url,
    isDefault,
    editable: false,
    jsonData: { ...jsonData, ...auth?.jsonData },
    ...(auth ? { secureJsonData: auth.secureJsonData } : {}),
  };
}

/** One file provider loading the dashboard JSON files into `folder`. */
function dashboardProvider(folder: string): object {
  return {
    name: folder,
    orgId: 1,
    folder,
    folderUid: folder,
    type: 'file',
    // A dashboard removed from the code is removed from Grafana too.
    disableDeletion: false,
    // The code is the source of truth: saving from the UI is refused.
    allowUiUpdates: false,
    // How often Grafana re-reads the dashboard files: a changed dashboard ConfigMap, synced into
    // the projected volume by kubelet, reaches Grafana within this, without a restart.
    updateIntervalSeconds: 60,
    options: { path: GRAFANA_PATHS.dashboards, foldersFromFilesStructure: false },
  };
}

const HTTP_URL = /^https?:\/\/[^\s/$]+(\/[^\s$]*)?$/;

/**
 * Grafana accepts uids of at most 40 characters of `[a-zA-Z0-9_-]`; lower case, digits and "-"
 * also make a valid Kubernetes name (a dashboard's ConfigMap is named after its uid), which is
 * what Grafana's uids will have to be as it moves to Kubernetes-style APIs.
 */
export const GRAFANA_UID_PATTERN = /^(?=.{1,40}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const GRAFANA_UID_RULE =
  'must be 1 to 40 lower-case letters, digits and "-", starting and ending with a letter or digit (Grafana allows at most 40 characters)';
