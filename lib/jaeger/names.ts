/** `app.kubernetes.io/name` of the Jaeger pod, and the name of its StatefulSet and Service. */
export const JAEGER_APP_NAME = 'jaeger';

/** The job Prometheus scrapes Jaeger's own metrics under. */
export const JAEGER_JOB = 'jaeger';

/**
 * Jaeger's ports: OTLP gRPC in (from the collector), the query API and UI (Grafana, people), its
 * gRPC query API (inside the pod only), its own metrics and its health check.
 */
export const JAEGER_PORTS = { otlpGrpc: 4317, query: 16686, queryGrpc: 16685, telemetry: 8888, health: 13133 } as const;

/** `host:port` of the OTLP gRPC receiver of the Jaeger in `namespace`: where the collector sends traces. */
export function jaegerOtlpEndpoint(namespace: string): string {
  return `${JAEGER_APP_NAME}.${namespace}.svc:${JAEGER_PORTS.otlpGrpc}`;
}

/** Base URL of the query API of the Jaeger in `namespace`: Grafana's Jaeger datasource. */
export function jaegerQueryUrl(namespace: string): string {
  return `http://${JAEGER_APP_NAME}.${namespace}.svc:${JAEGER_PORTS.query}`;
}
