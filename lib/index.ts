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
  Percent,
  PROMETHEUS_METRICS,
  Quantity,
  Ratio,
  SERVICE_METRICS,
  Seconds,
  selector,
  type Unit,
  Units,
  Watts,
} from './core';
// grafana: the datasources dashboards query.
export { GRAFANA_DATASOURCES } from './grafana';
// hardware: the exporter's job and port, which hardware alerts select by.
export { HARDWARE_EXPORTER_JOB, NODE_EXPORTER_PORT } from './hardware';
// k8s: a credential read from a Secret (receivers, TLS, basic auth).
export type { SecretKeyRef } from './k8s';
// prometheus: its job name, which its self-monitoring alerts select by.
export { PROMETHEUS_JOB } from './prometheus';
// rules: alert and recording rules as values, their texts, and the lines they draw on dashboards.
export {
  AlertRule,
  type AlertRuleProps,
  type AlertShaping,
  AlertText,
  type LineAlert,
  type LineSeverity,
  label,
  RecordingRule,
  type RecordingRuleProps,
  type RuleTestCase,
  type Severity,
  seriesText,
  type ThresholdAlertProps,
  ThresholdAlertRule,
  type ThresholdLine,
  value,
} from './rules';
// stack: the whole stack, its one typed configuration, and the synth that writes dist/.
export { type AlertGroupConfig, MonitoringStack, type StackConfig, synthOrExit } from './stack';
