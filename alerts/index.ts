export * from './device';
export * from './model-quality';
export * from './thresholds';
