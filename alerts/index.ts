export * from './device';
export * from './model-quality';
export * from './prometheus';
export * from './thresholds';
