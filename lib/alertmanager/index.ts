export * from './alertmanager';
export * from './alertmanager-config';
