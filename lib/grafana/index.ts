export { checkDashboards } from './dashboard-checks';
export { type DashboardJsonOptions, loadDashboardJson } from './dashboard-json';
export { GRAFANA_PORT, Grafana, type GrafanaProps } from './grafana';
export { GRAFANA_DATASOURCES } from './grafana-provisioning';
