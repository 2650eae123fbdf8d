export * from './otel-collector';
export * from './otel-config';
