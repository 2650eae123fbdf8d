export {
  OTEL_PORTS,
  OtelCollector,
  type OtelCollectorProps,
  type OtlpProtocol,
  SPAN_DURATION_BUCKETS,
} from './otel-collector';
