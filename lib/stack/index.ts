export { type StackOverrides, withOverrides } from './environments';
export {
  type AlertGroupConfig,
  type AlertmanagerOptions,
  DEFAULT_NAMESPACE,
  type GrafanaOptions,
  type HardwareExporterOptions,
  type JaegerOptions,
  MonitoringStack,
  type OtelCollectorOptions,
  type PrometheusOptions,
  type PushgatewayOptions,
  type StackConfig,
  type StackSecurity,
} from './monitoring-stack';
export { OperatorStack, renderStack } from './operator-stack';
export type { NetworkPolicyOptions } from './stack-network-policies';
export { StagedApp, type StagedAppProps, synthOrExit } from './staged-app';
