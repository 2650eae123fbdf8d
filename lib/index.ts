// The package's public API: what config.ts, alerts/ and dashboards/ use, and what a platform team
// needs to write its own config. The rest of each folder's index.ts is for the folders above it.

// alertmanager: its job name, the Watchdog, and the routing a stack is given (alerts/routing.ts).
export {
  ALERTMANAGER_JOB,
  type AlertRoutingProps,
  type DeadMansSwitchProps,
  type InhibitRuleProps,
  type LabelMatcher,
  labelIs,
  labelIsNot,
  type NotificationTiming,
  type ReceiverProps,
  type RouteProps,
  type SmtpServer,
  severityRoute,
  WATCHDOG_ALERT,
} from './alertmanager';
// core: durations, units and quantities, the metric catalogue, PromQL builders.
export {
  ALERTMANAGER_METRICS,
  Bytes,
  Celsius,
  type Comparison,
  Cores,
  Count,
  DEFAULT_CATALOGUE,
  DEVICE_TARGETS,
  type Dimension,
  Duration,
  formatAmount,
  Gibibytes,
  Hertz,
  literal,
  type Matchers,
  Mebibytes,
  Megabytes,
  type Metric,
  MetricCatalogue,
  Millicores,
  Milliseconds,
  Milliwatts,
  NODE_EXPORTER_METRICS,
  OTLP_METRICS,
  Percent,
  PROMETHEUS_METRICS,
  PUSHGATEWAY_METRICS,
  Quantity,
  Ratio,
  SERVICE_METRICS,
  SERVICE_SPANS,
  Seconds,
  SPAN_METRICS,
  selector,
  TEST_RUN_METRICS,
  type Unit,
  Units,
  Watts,
} from './core';
// grafana: the datasources dashboards query, dashboards exported from Grafana's UI, its Ingress.
export {
  type CertManagerIssuer,
  type DashboardJsonOptions,
  type GatewayRef,
  GRAFANA_DATASOURCES,
  type GrafanaIngressProps,
  type GrafanaRouteProps,
  loadDashboardJson,
} from './grafana';
// hardware: the exporter's job and port, which hardware alerts select by, and an existing node-exporter to reuse.
export {
  type ExistingNodeExporter,
  HARDWARE_EXPORTER_JOB,
  HARDWARE_EXPORTER_PORT,
  KUBE_PROMETHEUS_STACK_NODE_EXPORTER,
} from './hardware';
// jaeger: the bundled trace store's job and ports.
export { JAEGER_JOB, JAEGER_PORTS } from './jaeger';
// k8s: a credential read from a Secret (receivers, TLS, basic auth); where pods run; where images come from.
export {
  type ContainerImage,
  IMAGES,
  type ImageSource,
  type PodPlacement,
  type SecretKeyRef,
  type Toleration,
  type TopologySpreadConstraint,
} from './k8s';
// operator: how the stack rides on a Prometheus Operator (kube-prometheus-stack).
export type { OperatorOptions } from './operator';
// prometheus: its job name, which its self-monitoring alerts select by, and a team's own scrape jobs.
export {
  type ExtraScrapeJob,
  type ExtraScrapePods,
  PROMETHEUS_JOB,
  SCRAPE_LIMITS,
  type ScrapeLimits,
  type ScrapeProtocol,
} from './prometheus';
// pushgateway: where batch jobs push, and the job Prometheus scrapes it under.
export { PUSHGATEWAY_JOB, PUSHGATEWAY_PORT } from './pushgateway';
// rules: alert and recording rules as values, their texts, and the lines they draw on dashboards.
export {
  AlertRule,
  type AlertRuleProps,
  type AlertShaping,
  AlertText,
  type LineAlert,
  type LineSeverity,
  label,
  loadRuleFiles,
  RecordingRule,
  type RecordingRuleProps,
  RuleFileGroup,
  type RuleFiles,
  type RuleFilesOptions,
  type RuleTestCase,
  type RuleTestFile,
  renderedRuleTest,
  type Severity,
  seriesText,
  type ThresholdAlertProps,
  ThresholdAlertRule,
  type ThresholdLine,
  value,
} from './rules';
// stack: the whole stack, its one typed configuration, and the synth that writes dist/.
export {
  type AlertGroupConfig,
  DEFAULT_NAMESPACE,
  MonitoringStack,
  OperatorStack,
  renderStack,
  type StackConfig,
  type StackOverrides,
  StagedApp,
  synthOrExit,
  withOverrides,
} from './stack';
