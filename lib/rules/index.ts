export * from './alert-rule';
export * from './recording-rule';
export * from './alert-text';
export * from './rule-group';
export * from './rule-test';
export * from './alert-catalogue';
