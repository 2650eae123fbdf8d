import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ALERTMANAGER_APP_NAME,
  ALERTMANAGER_JOB,
  ALERTMANAGER_PORTS,
  Alertmanager,
  type AlertmanagerProps,
  type AlertRoutingProps,
} from '../alertmanager';
import {
  DEFAULT_CATALOGUE,
  DEFAULT_EVALUATION_INTERVAL,
  type Duration,
  type MetricCatalogue,
  SPAN_METRICS,
} from '../core';
import { exposureNamespace, GRAFANA_PORT, Grafana, type GrafanaProps } from '../grafana';
import {
  type ExistingNodeExporter,
  HARDWARE_EXPORTER_JOB,
  HARDWARE_EXPORTER_PORT,
  HardwareExporter,
  type HardwareExporterProps,
  NODE_EXPORTER_APP_NAME,
} from '../hardware';
import {
  JAEGER_APP_NAME,
  JAEGER_JOB,
  JAEGER_PORTS,
  Jaeger,
  type JaegerProps,
  jaegerOtlpEndpoint,
  jaegerQueryUrl,
} from '../jaeger';
import {
  type ImageSource,
  labelValueProblem,
  type PinnedImages,
  type PodGroup,
  pinnedImages,
  recommendedLabels,
  StackNamespace,
  WebClientSecurity,
  type WebSecurity,
} from '../k8s';
import type { OperatorOptions } from '../operator';
import { OTEL_PORTS, OtelCollector, type OtelCollectorProps } from '../otel';
import {
  componentJob,
  devicesJob,
  type ExtraScrapeJob,
  extraScrapeJob,
  hardwareExporterJob,
  PROMETHEUS_APP_NAME,
  PROMETHEUS_PORT,
  Prometheus,
  type PrometheusProps,
  PrometheusRules,
  SCRAPE_LIMITS,
  type ScrapeJob,
} from '../prometheus';
import {
  PUSHGATEWAY_APP_NAME,
  PUSHGATEWAY_JOB,
  PUSHGATEWAY_PORT,
  Pushgateway,
  type PushgatewayProps,
} from '../pushgateway';
import type { AlertRule, RecordingRule } from '../rules';
import { RuleGroup } from '../rules';
import { type NetworkPolicyOptions, StackNetworkPolicies } from './stack-network-policies';

/** Rules evaluated together, rendered into one rule file. */
export interface AlertGroupConfig {
  /** The group's name and rule file name (an RFC 1123 label). */
  readonly name: string;
  readonly rules: readonly AlertRule[];
  /** Recording rules of the group, evaluated before its alerts. @default - none */
  readonly records?: readonly RecordingRule[];
}

/** Prometheus settings a stack may change; the stack wires the rest (rules, Alertmanagers, jobs). */
export type PrometheusOptions = Omit<
  PrometheusProps,
  'instance' | 'rules' | 'alertmanagers' | 'scrapeJobs' | 'evaluationInterval'
>;

/**
 * The stack's own node_exporter on every edge device and the settings it may change, or a
 * node-exporter the cluster already runs, scraped in its place (then no DaemonSet is rendered).
 */
export type HardwareExporterOptions =
  | (Omit<HardwareExporterProps, 'instance'> & { readonly existing?: undefined })
  | { readonly existing: ExistingNodeExporter };

/**
 * The stack's default namespace: one of its own, not `monitoring`, where a cluster's existing
 * monitoring commonly lives (the kube-prometheus-stack defaults of lib/operator assume it). A stack
 * that took that namespace over would relabel its Pod Security level and deny traffic to the pods
 * already there.
 */
export const DEFAULT_NAMESPACE = 'liquid-audio-nets-monitoring';

/** Alertmanager settings of a stack: the routing it must be given, and what it may change (replicas, storage, ...). */
export type AlertmanagerOptions = Omit<AlertmanagerProps, 'instance' | 'namespace' | 'name' | 'routing'> & {
  /**
   * Receivers, routes and inhibitions (this repository's: alerts/routing.ts). Required: where alerts
   * go is the one setting a library cannot guess, and a guess fails late (dropped alerts, or pods
   * waiting for a Secret nobody created) where a missing prop fails to compile.
   */
  readonly routing: AlertRoutingProps;
};

/** Grafana settings a stack may change; the stack wires the datasources, dashboards and catalogue. */
export type GrafanaOptions = Omit<
  GrafanaProps,
  'instance' | 'prometheusUrl' | 'alertmanagerUrl' | 'dashboards' | 'catalogue' | 'scrapeInterval'
>;

/**
 * OpenTelemetry collector settings a stack may change. Setting `tracesEndpoint` sends the traces
 * there (another trace store, a vendor) instead of to the bundled Jaeger, which is then not deployed.
 */
export type OtelCollectorOptions = Omit<OtelCollectorProps, 'instance'>;

/** Settings of the bundled Jaeger (retention, storage, resources). */
export type JaegerOptions = Omit<JaegerProps, 'instance'>;

/** Settings of the Pushgateway that batch jobs push to. */
export type PushgatewayOptions = Omit<PushgatewayProps, 'instance'>;

/**
 * Authentication and TLS inside the stack. When a server has them on, every client in the stack
 * (Grafana's datasources, Prometheus' alerting and scrapes) is configured to use them, with
 * credentials from Secrets.
 */
export interface StackSecurity {
  /** @default - plain HTTP, no authentication */
  readonly prometheus?: WebSecurity;
  /** @default - plain HTTP, no authentication */
  readonly alertmanager?: WebSecurity;
  /** Grafana serves HTTPS with this `kubernetes.io/tls` Secret, with secure cookies. @default - plain HTTP */
  readonly grafanaTlsSecretName?: string;
}

/** The one typed configuration of a monitoring stack. */
export interface StackConfig {
  /** This stack instance's name, as `app.kubernetes.io/instance`. @default 'liquid-audio-nets' */
  readonly instance?: string;
  /** Namespace of the stack's components. @default DEFAULT_NAMESPACE ('liquid-audio-nets-monitoring') */
  readonly namespace?: string;
  /**
   * Whether the stack owns `namespace` (and the hardware namespace): renders the Namespace, labels
   * it for Pod Security, denies traffic there by default. Set it to false to deploy into a namespace
   * someone else created: then no Namespace is rendered and only the stack's own pods are isolated.
   * @default true
   */
  readonly namespaceOwned?: boolean;
  /** Namespace of the node-level hardware exporter, the only privileged one. @default - `<namespace>-hardware` */
  readonly hardwareNamespace?: string;
  /**
   * Namespaces where liquid-audio-nets pods are discovered; in any of them only pods labelled
   * `liquid-audio-nets.dev/scrape: "true"` are scraped. @default - every namespace
   */
  readonly deviceNamespaces?: readonly string[];
  /**
   * How often alert rules are evaluated; a rule's non-zero `for` must be at least this long.
   * @default DEFAULT_EVALUATION_INTERVAL (30 s, its reason beside it in lib/core/intervals.ts)
   */
  readonly evaluationInterval?: Duration;
  /** The runbook document every alert links to, with an anchor per alert. */
  readonly runbookBaseUrl: string;
  /** The alert rules, by group. */
  readonly alertGroups: readonly AlertGroupConfig[];
  /**
   * Rule groups built outside `alertGroups`, rendered beside them: those `loadRuleFiles()` reads
   * from Prometheus rule files (alerts/rules/). @default - none
   */
  readonly ruleGroups?: readonly RuleGroup[];
  /** Scrape jobs besides the stack's own, with the same limits (`extraScrapeJob()` checks them). @default - none */
  readonly extraScrapeJobs?: readonly ExtraScrapeJob[];
  /** @default - the Prometheus construct's defaults */
  readonly prometheus?: PrometheusOptions;
  /** Alertmanager's routing, and settings that otherwise keep the Alertmanager construct's defaults (three peers). */
  readonly alertmanager: AlertmanagerOptions;
  /** @default - the stack's own exporter with the HardwareExporter construct's defaults (port 19100) */
  readonly hardwareExporter?: HardwareExporterOptions;
  /** @default - the OtelCollector construct's defaults, traces to the bundled Jaeger */
  readonly otelCollector?: OtelCollectorOptions;
  /** @default - the Jaeger construct's defaults; not deployed when `otelCollector.tracesEndpoint` is set */
  readonly jaeger?: JaegerOptions;
  /** @default - the Pushgateway construct's defaults */
  readonly pushgateway?: PushgatewayOptions;
  /** The Grafana dashboards (dashboards/). @default - none */
  readonly dashboards?: readonly Dashboard[];
  /** @default - the Grafana construct's defaults, admin credentials from the Secret 'grafana-credentials' */
  readonly grafana?: GrafanaOptions;
  /** @default - ingress denied by default and allowed per component and port; egress open */
  readonly networkPolicies?: NetworkPolicyOptions;
  /** @default - plain HTTP inside the cluster, no authentication */
  readonly security?: StackSecurity;
  /**
   * Where every pinned image (IMAGES) is pulled from: a mirror registry, and optional digests. A
   * component given its own `image` keeps it. @default - the images' own registries, by tag
   */
  readonly images?: ImageSource;
  /**
   * Ride on a Prometheus Operator (kube-prometheus-stack) instead of running servers: `renderStack`
   * then renders an OperatorStack. @default - standalone: the stack runs its own servers
   */
  readonly operator?: OperatorOptions;
}

/** The stack's components find each other by these names. */
export const COMPONENT_NAMES = {
  grafana: { appName: 'grafana', port: GRAFANA_PORT },
  otelCollector: {
    appName: 'opentelemetry-collector',
    exporterPort: OTEL_PORTS.prometheus,
    telemetryPort: OTEL_PORTS.telemetry,
  },
  alertmanager: { appName: ALERTMANAGER_APP_NAME, port: ALERTMANAGER_PORTS.web },
  jaeger: { appName: JAEGER_APP_NAME, telemetryPort: JAEGER_PORTS.telemetry },
  pushgateway: { appName: PUSHGATEWAY_APP_NAME, port: PUSHGATEWAY_PORT },
} as const;

/**
 * The whole monitoring stack: one chart (one file in dist/) per component, in apply order, created
 * inside the stack, so stacks with different ids and namespaces coexist in one App.
 */
export class MonitoringStack extends Construct {
  public readonly instance: string;
  public readonly namespace: string;
  public readonly hardwareNamespace: string;
  public readonly evaluationInterval: Duration;
  public readonly ruleGroups: readonly RuleGroup[];
  public readonly rules: PrometheusRules;
  public readonly prometheus: Prometheus;
  public readonly alertmanager: Alertmanager;
  /** The stack's own node_exporter. @default - none, when an existing node-exporter is scraped */
  public readonly hardwareExporter: HardwareExporter | undefined;
  /** Whether the stack owns its namespaces (see StackConfig.namespaceOwned). */
  public readonly namespaceOwned: boolean;
  /** The node_exporter pods Prometheus scrapes as the hardware exporter: the stack's own, or the cluster's. */
  public readonly hardwareTarget: ExistingNodeExporter;
  public readonly otelCollector: OtelCollector;
  /** The bundled trace store, or undefined when the traces go to an external endpoint. */
  public readonly jaeger?: Jaeger;
  public readonly pushgateway: Pushgateway;
  public readonly grafana: Grafana;
  public readonly networkPolicies: StackNetworkPolicies;
  /** Every metric rules and dashboards may query: the default catalogue plus what recording rules write. */
  public readonly catalogue: MetricCatalogue;
  /** The pinned images as the stack pulls them (`images`: registry and digests applied). */
  public readonly images: PinnedImages;

  public constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    if (config.operator) {
      throw new Error(
        `stack '${id}': 'operator' is set, which renders no servers; build it with renderStack() or OperatorStack`,
      );
    }
    this.instance = stackInstance(id, config);
    this.images = pinnedImages(`stack '${id}'`, config.images);
    this.namespace = config.namespace ?? DEFAULT_NAMESPACE;
    this.namespaceOwned = config.namespaceOwned ?? true;
    this.hardwareNamespace = config.hardwareNamespace ?? `${this.namespace}-hardware`;
    this.hardwareTarget = config.hardwareExporter?.existing ?? {
      namespace: this.hardwareNamespace,
      selector: { 'app.kubernetes.io/name': NODE_EXPORTER_APP_NAME },
      port: config.hardwareExporter?.port ?? HARDWARE_EXPORTER_PORT,
    };
    this.evaluationInterval = config.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL;
    this.ruleGroups = renderRuleGroups(config, this.evaluationInterval);
    this.catalogue = catalogueWithRecords(this.ruleGroups);

    const namespaceChart = renderNamespaceChart(this, this.instance, this.namespace, this.namespaceOwned);
    const componentChart = (chartId: string) => this.renderComponentChart(chartId, namespaceChart);
    const security = config.security ?? {};
    const bundledJaeger = config.otelCollector?.tracesEndpoint === undefined;
    this.alertmanager = this.renderAlertmanager(componentChart('alertmanager'), config, security);
    const prometheusChart = componentChart('prometheus');
    this.rules = this.renderRules(prometheusChart);
    this.prometheus = this.renderPrometheus(prometheusChart, config, security);
    this.grafana = this.renderGrafana(componentChart('grafana'), config, security);
    this.otelCollector = new OtelCollector(componentChart('otel-collector'), 'OtelCollector', {
      ...(bundledJaeger ? { tracesEndpoint: jaegerOtlpEndpoint(this.namespace), tracesInsecure: true } : {}),
      ...config.otelCollector,
      image: config.otelCollector?.image ?? this.images.otelCollector,
      instance: this.instance,
    });
    const hardware = config.hardwareExporter;
    const hardwareChart = hardware?.existing
      ? undefined
      : new Chart(this, 'hardware-exporter', { namespace: this.hardwareNamespace });
    this.hardwareExporter =
      hardwareChart && !hardware?.existing
        ? new HardwareExporter(hardwareChart, 'HardwareExporter', {
            ...hardware,
            image: hardware?.image ?? this.images.nodeExporter,
            instance: this.instance,
            createNamespace: this.namespaceOwned,
          })
        : undefined;
    // The policies' chart first, then the charts added since, so that the earlier files keep their numbers.
    const policyChart = new Chart(this, 'network-policies');
    const namespaceCharts = [namespaceChart, hardwareChart].filter((c): c is Chart => c !== undefined);
    if (namespaceCharts.length > 0) policyChart.addDependency(...namespaceCharts);
    if (bundledJaeger)
      this.jaeger = new Jaeger(componentChart('jaeger'), 'Jaeger', {
        ...config.jaeger,
        image: config.jaeger?.image ?? this.images.jaeger,
        instance: this.instance,
      });
    this.pushgateway = new Pushgateway(componentChart('pushgateway'), 'Pushgateway', {
      ...config.pushgateway,
      image: config.pushgateway?.image ?? this.images.pushgateway,
      instance: this.instance,
    });
    this.networkPolicies = this.renderNetworkPolicies(policyChart, config);
  }

  /** A component's chart: its objects in the stack's namespace, applied once the namespace exists. */
  private renderComponentChart(chartId: string, namespaceChart: Chart | undefined): Chart {
    const chart = new Chart(this, chartId, { namespace: this.namespace });
    if (namespaceChart) chart.addDependency(namespaceChart);
    return chart;
  }

  private renderAlertmanager(chart: Chart, config: StackConfig, security: StackSecurity): Alertmanager {
    return new Alertmanager(chart, 'Alertmanager', {
      ...config.alertmanager,
      image: config.alertmanager.image ?? this.images.alertmanager,
      configReloaderImage: this.images.configReloader,
      instance: this.instance,
      webSecurity: security.alertmanager,
    });
  }

  private renderRules(chart: Chart): PrometheusRules {
    return new PrometheusRules(chart, 'Rules', {
      groups: this.ruleGroups,
      labels: recommendedLabels({ name: PROMETHEUS_APP_NAME, component: 'alert-rules', instance: this.instance }),
    });
  }

  private renderPrometheus(chart: Chart, config: StackConfig, security: StackSecurity): Prometheus {
    /** Clients of Alertmanager and Grafana from Prometheus' pod. */
    const amFromPrometheus = new WebClientSecurity(
      security.alertmanager,
      '/etc/prometheus/clients/alertmanager',
      'am',
      this.serviceHost(this.alertmanager.serviceName),
    );
    const grafanaFromPrometheus = security.grafanaTlsSecretName
      ? new WebClientSecurity(
          { tlsSecretName: security.grafanaTlsSecretName },
          '/etc/prometheus/clients/grafana',
          'grafana',
          this.serviceHost('grafana'),
        )
      : undefined;
    return new Prometheus(chart, 'Prometheus', {
      ...config.prometheus,
      image: config.prometheus?.image ?? this.images.prometheus,
      configReloaderImage: this.images.configReloader,
      instance: this.instance,
      rules: this.rules,
      evaluationInterval: this.evaluationInterval,
      alertmanagers: this.alertmanager.peers,
      alertmanagerClient: amFromPrometheus,
      webSecurity: security.prometheus,
      scrapeJobs: this.scrapeJobs(config, amFromPrometheus, grafanaFromPrometheus),
    });
  }

  /** Prometheus' jobs: the devices, the hardware exporter and every component of the stack. */
  private scrapeJobs(
    config: StackConfig,
    amFromPrometheus: WebClientSecurity,
    grafanaFromPrometheus: WebClientSecurity | undefined,
  ): ScrapeJob[] {
    const { grafana, otelCollector, alertmanager: am, jaeger, pushgateway } = COMPONENT_NAMES;
    const hardware = this.hardwareTarget;
    return [
      devicesJob(config.deviceNamespaces),
      hardwareExporterJob(HARDWARE_EXPORTER_JOB, hardware.namespace, hardware.selector, hardware.port),
      componentJob(ALERTMANAGER_JOB, this.namespace, am.appName, am.port, SCRAPE_LIMITS.alertmanager, {
        client: amFromPrometheus,
      }),
      componentJob('grafana', this.namespace, grafana.appName, grafana.port, SCRAPE_LIMITS.grafana, {
        client: grafanaFromPrometheus,
      }),
      componentJob(
        'otel-collector',
        this.namespace,
        otelCollector.appName,
        otelCollector.exporterPort,
        SCRAPE_LIMITS.otelExported,
        {
          honorLabels: true,
        },
      ),
      componentJob(
        'otel-collector-telemetry',
        this.namespace,
        otelCollector.appName,
        otelCollector.telemetryPort,
        SCRAPE_LIMITS.otelTelemetry,
      ),
      // A batch job's series keep the `job` and `run` labels it pushed them with.
      componentJob(PUSHGATEWAY_JOB, this.namespace, pushgateway.appName, pushgateway.port, SCRAPE_LIMITS.pushgateway, {
        honorLabels: true,
      }),
      ...(config.otelCollector?.tracesEndpoint === undefined
        ? [componentJob(JAEGER_JOB, this.namespace, jaeger.appName, jaeger.telemetryPort, SCRAPE_LIMITS.jaeger)]
        : []),
      ...(config.extraScrapeJobs ?? []).map(extraScrapeJob),
    ];
  }

  private renderGrafana(chart: Chart, config: StackConfig, security: StackSecurity): Grafana {
    const prometheusHost = this.serviceHost(this.prometheus.serviceName);
    const alertmanagerHost = this.serviceHost(this.alertmanager.serviceName);
    return new Grafana(chart, 'Grafana', {
      adminSecret: { secretName: 'grafana-credentials' },
      ...config.grafana,
      image: config.grafana?.image ?? this.images.grafana,
      instance: this.instance,
      prometheusUrl: `${this.prometheus.scheme}://${prometheusHost}:${PROMETHEUS_PORT}`,
      alertmanagerUrl: `${this.alertmanager.webSecurity.scheme}://${alertmanagerHost}:${COMPONENT_NAMES.alertmanager.port}`,
      tlsSecretName: security.grafanaTlsSecretName,
      prometheusClient: new WebClientSecurity(security.prometheus, '/etc/grafana/clients/prometheus', 'prometheus'),
      alertmanagerClient: new WebClientSecurity(
        security.alertmanager,
        '/etc/grafana/clients/alertmanager',
        'alertmanager',
      ),
      dashboards: config.dashboards ?? [],
      catalogue: this.catalogue,
      scrapeInterval: this.prometheus.scrapeInterval,
      ...(config.otelCollector?.tracesEndpoint === undefined
        ? { jaegerUrl: jaegerQueryUrl(this.namespace), traceToMetricsQueries: TRACE_TO_METRICS }
        : {}),
    });
  }

  /** The policies, in their own chart, applied once both namespaces exist. */
  private renderNetworkPolicies(policyChart: Chart, config: StackConfig): StackNetworkPolicies {
    const exporter = this.hardwareExporter;
    return new StackNetworkPolicies(policyChart, 'NetworkPolicies', {
      ...config.networkPolicies,
      grafanaIngressNamespaces: this.grafanaIngressNamespaces(config),
      instance: this.instance,
      namespace: this.namespace,
      hardwareNamespace: this.hardwareNamespace,
      deviceNamespaces: config.deviceNamespaces,
      prometheus: podGroup(this.prometheus),
      alertmanager: podGroup(this.alertmanager),
      grafana: podGroup(this.grafana),
      otelCollector: podGroup(this.otelCollector),
      hardwareExporter: exporter ? { ...podGroup(exporter), port: exporter.port } : undefined,
      ownedNamespaces: this.namespaceOwned ? [this.namespace, this.hardwareNamespace] : [],
      jaeger: this.jaeger ? podGroup(this.jaeger) : undefined,
      pushgateway: podGroup(this.pushgateway),
      grafanaPort: GRAFANA_PORT,
    });
  }

  /**
   * Who may reach Grafana's port besides Prometheus: the Ingress controller's or the Gateway's
   * namespace when Grafana has an Ingress or HTTPRoute, else `networkPolicies.grafanaIngressNamespaces`;
   * never both, so it is said once.
   */
  private grafanaIngressNamespaces(config: StackConfig): readonly string[] | undefined {
    const exposed = exposureNamespace(config.grafana ?? {});
    const listed = config.networkPolicies?.grafanaIngressNamespaces;
    if (exposed === undefined) return listed;
    if (listed !== undefined) {
      const by = config.grafana?.ingress ? 'grafana.ingress' : 'grafana.route';
      throw new Error(
        `stack '${this.node.id}': 'networkPolicies.grafanaIngressNamespaces' and '${by}' are both set: Grafana's ingress rule comes from '${by}'; set one`,
      );
    }
    return [exposed];
  }

  /** A Service's in-cluster host name in the stack's namespace. */
  private serviceHost(serviceName: string): string {
    return `${serviceName}.${this.namespace}.svc`;
  }
}

/** From a span in Grafana to its service's span metrics: request rate and p95 duration per span name. */
const TRACE_TO_METRICS: Readonly<Record<string, string>> = {
  'Request rate': `sum by (span_name) (rate(${SPAN_METRICS.calls.name}{$__tags}[5m]))`,
  'Duration p95 (ms)': `histogram_quantile(0.95, sum by (le, span_name) (rate(${SPAN_METRICS.duration.name}_bucket{$__tags}[5m])))`,
};

/** The stack's instance name, checked as a label value. */
export function stackInstance(id: string, config: StackConfig): string {
  const instance = config.instance ?? 'liquid-audio-nets';
  const problem = labelValueProblem(instance);
  if (problem) throw new Error(`stack '${id}': 'instance' ${problem}: '${instance}'`);
  return instance;
}

/** One rule group per configured group, evaluated every `interval`, then the groups read from rule files. */
export function renderRuleGroups(config: StackConfig, interval: Duration): RuleGroup[] {
  const typed = config.alertGroups.map(
    (group) =>
      new RuleGroup({
        name: group.name,
        rules: group.rules,
        records: group.records,
        interval,
        runbookBaseUrl: config.runbookBaseUrl,
      }),
  );
  return [...typed, ...(config.ruleGroups ?? [])];
}

/**
 * The chart every component's chart depends on: the stack's namespace, when the stack owns it.
 * @returns undefined when the namespace is someone else's
 */
export function renderNamespaceChart(
  scope: Construct,
  instance: string,
  namespace: string,
  owned: boolean,
): Chart | undefined {
  if (!owned) return undefined;
  const namespaceChart = new Chart(scope, 'namespace', {
    labels: recommendedLabels({ name: 'liquid-audio-nets-monitoring', component: 'namespace', instance }),
  });
  new StackNamespace(namespaceChart, 'Namespace', { name: namespace });
  return namespaceChart;
}

/** The default catalogue plus the metrics the groups' recording rules write. */
export function catalogueWithRecords(groups: readonly RuleGroup[]): MetricCatalogue {
  const recorded = groups.flatMap((g) => g.records.map((r) => r.metric)).filter((m) => !DEFAULT_CATALOGUE.has(m.name));
  return DEFAULT_CATALOGUE.with(...recorded);
}

/** A component's pods as a network policy selects them. */
function podGroup(c: { readonly namespace: string; readonly selector: Readonly<Record<string, string>> }): PodGroup {
  return { namespace: c.namespace, selector: c.selector };
}
