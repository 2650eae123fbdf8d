export { checkDashboards } from './dashboard-checks';
export { GRAFANA_PORT, Grafana, type GrafanaProps } from './grafana';
export { GRAFANA_DATASOURCES } from './grafana-provisioning';
