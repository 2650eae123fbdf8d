export { OTEL_PORTS, OtelCollector, type OtelCollectorProps } from './otel-collector';
