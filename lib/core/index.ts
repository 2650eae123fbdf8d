export * from './units';
export * from './duration';
export * from './metrics';
export * from './promql';
export * from './yaml';
export * from './names';
