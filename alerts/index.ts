export * from './alertmanager';
export * from './device';
export * from './fleet';
export * from './hardware';
export * from './model-quality';
export * from './prometheus';
export * from './routing';
export * from './thresholds';
