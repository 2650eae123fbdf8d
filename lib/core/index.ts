export * from './duration';
export * from './metrics';
export * from './names';
export * from './promql';
export * from './units';
export * from './yaml';
