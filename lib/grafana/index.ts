export * from './dashboard-checks';
export * from './grafana';
export * from './grafana-provisioning';
