import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Mebibytes, Millicores } from '../../../lib';
import { OtelCollector, type OtelCollectorProps } from '../../../lib/otel/otel-collector';
import { OtelCollectorConfig, type OtelCollectorConfigProps } from '../../../lib/otel/otel-config';
import { byKind, type Manifest } from '../../support/manifests';

function build(overrides: Partial<OtelCollectorProps> = {}) {
  const chart = new Chart(Testing.app(), 'otel', { namespace: 'monitoring' });
  const collector = new OtelCollector(chart, 'OtelCollector', { instance: 'test', ...overrides });
  return { collector, manifests: Testing.synth(chart) as Manifest[], config: parse(collector.configText) };
}

/** The collector's own configuration: the cross-checks below start from it and break one thing each. */
const valid = (): OtelCollectorConfigProps => build().collector.config.props;
const check = (props: OtelCollectorConfigProps) => new OtelCollectorConfig("OtelCollector 'otel-collector'", props);

describe('OtelCollector', () => {
  const { manifests, config } = build();
  const deployment: any = byKind(manifests, 'Deployment')[0];
  const container = deployment.spec.template.spec.containers[0];

  test('a Deployment of 2 pinned collectors with a PodDisruptionBudget', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('docker.io/otel/opentelemetry-collector-contrib:0.155.0');
    expect(byKind(manifests, 'PodDisruptionBudget')[0].spec).toMatchObject({ maxUnavailable: 1 });
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('a Service with OTLP on 4317 (gRPC) and 4318 (HTTP)', () => {
    expect((byKind(manifests, 'Service')[0] as any).spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['otlp-grpc', 4317],
      ['otlp-http', 4318],
    ]);
  });

  test('otlp on both protocols; memory_limiter first and batch last; metrics to a Prometheus endpoint', () => {
    expect(config.receivers.otlp.protocols).toEqual({
      grpc: { endpoint: '${env:POD_IP}:4317' },
      http: { endpoint: '${env:POD_IP}:4318' },
    });
    expect(config.service.pipelines).toEqual({
      metrics: {
        receivers: ['otlp', 'span_metrics'],
        processors: ['memory_limiter', 'batch'],
        exporters: ['prometheus'],
      },
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['span_metrics'] },
    });
    expect(config.exporters.prometheus).toEqual({
      endpoint: '${env:POD_IP}:8889',
      metric_expiration: '5m',
      translation_strategy: 'UnderscoreEscapingWithoutSuffixes',
    });
    expect(config.processors.memory_limiter).toEqual({
      check_interval: '1s',
      limit_percentage: 80,
      spike_limit_percentage: 20,
    });
  });

  test('GOMEMLIMIT follows the memory limit', () => {
    expect(container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '409MiB' });
    const big: any = byKind(
      build({
        resources: {
          requests: { cpu: Millicores.of(100), memory: Mebibytes.of(512) },
          limits: { cpu: Millicores.of(1000), memory: Mebibytes.of(2048) },
        },
      }).manifests,
      'Deployment',
    )[0];
    expect(big.spec.template.spec.containers[0].env).toContainEqual({ name: 'GOMEMLIMIT', value: '1638MiB' });
  });

  test('health_check on 13133 backs the probes; its own telemetry is served on 8888', () => {
    expect(config.extensions).toEqual({ health_check: { endpoint: '${env:POD_IP}:13133' } });
    expect(config.service.extensions).toEqual(['health_check']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'health' });
    expect(container.ports).toContainEqual({ name: 'health', containerPort: 13133, protocol: 'TCP' });
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({
      host: '${env:POD_IP}',
      port: 8888,
    });
  });

  test('spans always become span metrics; they are stored only where an endpoint is set', () => {
    expect(Object.keys(config.exporters)).toEqual(['prometheus']);
    expect(config.connectors.span_metrics).toMatchObject({
      dimensions: [{ name: 'device' }],
      metrics_flush_interval: '15s',
      series_expiration: '5m',
    });
    expect(config.connectors.span_metrics.histogram.explicit.buckets).toContain('25ms');
    expect(config.connectors.span_metrics.histogram.explicit.buckets).toContain('1s');
    const traced = build({ tracesEndpoint: 'jaeger.tracing.svc:4317', tracesInsecure: true }).config;
    expect(traced.exporters['otlp_grpc/traces']).toEqual({
      endpoint: 'jaeger.tracing.svc:4317',
      tls: { insecure: true },
    });
    expect(traced.service.pipelines.traces).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['span_metrics', 'otlp_grpc/traces'],
    });
    const http = build({ tracesEndpoint: 'https://otlp.vendor.example', tracesProtocol: 'http' }).config;
    expect(http.exporters['otlp_http/traces']).toEqual({ endpoint: 'https://otlp.vendor.example' });
    expect(http.service.pipelines.traces.exporters).toEqual(['span_metrics', 'otlp_http/traces']);
  });

  test('fails when an HTTP traces endpoint is given a gRPC-only setting or is not a URL', () => {
    expect(() =>
      build({ tracesEndpoint: 'https://otlp.vendor.example', tracesProtocol: 'http', tracesInsecure: true }),
    ).toThrow("OtelCollector 'otel-collector': 'tracesInsecure' applies to gRPC only");
    expect(() => build({ tracesEndpoint: 'otlp.vendor.example:4318', tracesProtocol: 'http' })).toThrow(
      "OtelCollector 'otel-collector': exporter 'otlp_http/traces': 'endpoint' must be an http(s) URL without spaces or \"$\", got 'otlp.vendor.example:4318'",
    );
  });

  test('the config hash rolls the collectors when the configuration changes', () => {
    const hash = (m: Manifest[]) =>
      (byKind(m, 'Deployment')[0] as any).spec.template.metadata.annotations['checksum/config'];
    expect(hash(build().manifests)).toBe(hash(manifests));
    expect(hash(build({ tracesEndpoint: 'jaeger.tracing.svc:4317' }).manifests)).not.toBe(hash(manifests));
  });

  test('fails when the traces endpoint is not host:port', () => {
    expect(() => build({ tracesEndpoint: 'http://jaeger:4317' })).toThrow(
      "OtelCollector 'otel-collector': exporter 'otlp_grpc/traces': 'endpoint' must be host:port, got 'http://jaeger:4317'",
    );
  });
});

describe('collector configuration cross-checks', () => {
  test('a valid configuration passes', () => {
    expect(check(valid()).ports.size).toBe(5);
  });

  test('fails when a pipeline names a component that is not defined', () => {
    const props = valid();
    expect(() =>
      check({ ...props, pipelines: { metrics: { ...props.pipelines.metrics, exporters: ['otlp/jaeger'] } } }),
    ).toThrow(
      "OtelCollector 'otel-collector': pipeline 'metrics' names exporter 'otlp/jaeger', which is not defined (defined: prometheus)",
    );
  });

  test('fails when a defined component is not used', () => {
    const props = valid();
    expect(() =>
      check({
        ...props,
        exporters: {
          ...props.exporters,
          'otlp_grpc/traces': { kind: 'otlp_grpc', endpoint: 'jaeger:4317', insecure: false },
        },
      }),
    ).toThrow(
      "OtelCollector 'otel-collector': exporter 'otlp_grpc/traces' is defined but no pipeline uses it; remove it or add it to a pipeline",
    );
  });

  test('fails when a connector is not both an exporter and a receiver', () => {
    const props = valid();
    expect(() =>
      check({
        ...props,
        pipelines: { ...props.pipelines, metrics: { ...props.pipelines.metrics, receivers: ['otlp'] } },
      }),
    ).toThrow(
      "OtelCollector 'otel-collector': connector 'span_metrics' must be an exporter of one pipeline and a receiver of another",
    );
  });

  test('fails when the span duration buckets do not increase', () => {
    const props = valid();
    const sm = props.connectors!.span_metrics;
    expect(() =>
      check({ ...props, connectors: { span_metrics: { ...sm, buckets: [sm.buckets[1], sm.buckets[0]] } } }),
    ).toThrow("OtelCollector 'otel-collector': connector 'span_metrics': 'buckets' must increase, got 2ms then 1ms");
  });

  test('fails when two listeners share a port', () => {
    expect(() => check({ ...valid(), telemetryPort: 8889 })).toThrow(
      "OtelCollector 'otel-collector': the collector telemetry and exporter 'prometheus' both listen on port 8889",
    );
  });

  test('fails when memory_limiter is not first', () => {
    const props = valid();
    expect(() =>
      check({
        ...props,
        pipelines: { metrics: { ...props.pipelines.metrics, processors: ['batch', 'memory_limiter'] } },
      }),
    ).toThrow("pipeline 'metrics' must start with a memory_limiter processor, got [batch, memory_limiter]");
  });

  test('fails when batch is not last', () => {
    const props = valid();
    expect(() =>
      check({ ...props, pipelines: { metrics: { ...props.pipelines.metrics, processors: ['memory_limiter'] } } }),
    ).toThrow("pipeline 'metrics' must end with a batch processor, got [memory_limiter]");
  });

  test('fails when a component id does not start with its kind', () => {
    const props = valid();
    expect(() =>
      check({
        ...props,
        exporters: { prom: props.exporters.prometheus },
        pipelines: { metrics: { ...props.pipelines.metrics, exporters: ['prom'] } },
      }),
    ).toThrow("exporter 'prom' must be named 'prometheus' or 'prometheus/<name>'");
  });

  test('fails when a pipeline is not named after a signal', () => {
    const props = valid();
    expect(() => check({ ...props, pipelines: { devices: props.pipelines.metrics } })).toThrow(
      "pipeline 'devices' must be named after its signal (metrics, traces or logs), got 'devices'",
    );
  });
});
