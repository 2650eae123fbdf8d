export * from './duration';
export * from './intervals';
export * from './markdown';
export * from './metrics';
export * from './names';
export * from './promql';
export * from './units';
export * from './yaml';
