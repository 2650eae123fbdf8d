export * from './monitoring-stack';
export * from './stack-network-policies';
export * from './staged-app';
