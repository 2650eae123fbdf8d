export {
  GRAFANA_SIDECAR_DASHBOARD_LABELS,
  KUBE_PROMETHEUS_STACK_PROMETHEUS_PODS,
  KUBE_PROMETHEUS_STACK_SELECTOR_LABELS,
  type OperatorOptions,
} from './operator-options';
export { OperatorResources, type OperatorResourcesProps } from './operator-resources';
