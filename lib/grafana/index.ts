export { checkDashboards } from './dashboard-checks';
export { type DashboardJsonOptions, loadDashboardJson } from './dashboard-json';
export { GRAFANA_PORT, Grafana, type GrafanaProps } from './grafana';
export {
  type CertManagerIssuer,
  DEFAULT_INGRESS_CONTROLLER_NAMESPACE,
  exposureNamespace,
  type GatewayRef,
  type GrafanaIngressProps,
  type GrafanaRouteProps,
  ingressHostProblem,
} from './grafana-ingress';
export { GRAFANA_DATASOURCES } from './grafana-provisioning';
