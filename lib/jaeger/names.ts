/** `app.kubernetes.io/name` of the Jaeger pod, and the name of its StatefulSet and Service. */
export const JAEGER_APP_NAME = 'jaeger';

/** The job Prometheus scrapes Jaeger's own metrics under. */
export const JAEGER_JOB = 'jaeger';

/**
 * Jaeger's ports: OTLP gRPC in (from the collector), the query API and UI (Grafana, people), its
 * gRPC query API (inside the pod only), its own metrics and its health check.
 */
export const JAEGER_PORTS = { otlpGrpc: 4317, query: 16686, queryGrpc: 16685, telemetry: 8888, health: 13133 } as const;
