export * from './alertmanager';
export * from './device';
export * from './hardware';
export * from './model-quality';
export * from './prometheus';
export * from './thresholds';
