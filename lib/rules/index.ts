export * from './alert-catalogue';
export * from './alert-rule';
export * from './alert-text';
export * from './recording-rule';
export * from './rule-group';
export * from './rule-test';
