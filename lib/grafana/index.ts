export * from './grafana';
export * from './grafana-provisioning';
export * from './dashboard-checks';
