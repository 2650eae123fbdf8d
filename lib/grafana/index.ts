export { checkDashboards } from './dashboard-checks';
export { type DashboardJsonOptions, loadDashboardJson } from './dashboard-json';
export { GRAFANA_PORT, Grafana, type GrafanaProps } from './grafana';
export {
  type CertManagerIssuer,
  DEFAULT_INGRESS_CONTROLLER_NAMESPACE,
  type GrafanaIngressProps,
  ingressHostProblem,
} from './grafana-ingress';
export { GRAFANA_DATASOURCES } from './grafana-provisioning';
