/**
 * A device that pushes the service contract's metrics with the official OpenTelemetry JS SDK,
 * as a process of its own (the SDK's HTTP exporter loads modules dynamically, which jest's
 * sandbox refuses): `node build/test/support/otlp-push.js grpc|http URL DEVICE`. It prints the
 * export result as JSON and exits 0 when the export succeeded.
 */
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { SERVICE_METRICS } from '../../lib/core';

async function main(): Promise<void> {
  const [protocol, url, device] = process.argv.slice(2);
  const inner: PushMetricExporter = protocol === 'grpc' ? new GrpcExporter({ url }) : new HttpExporter({ url });
  const results: Array<{ code: number; error?: string }> = [];
  const exporter: PushMetricExporter = {
    export: (metrics, done) =>
      inner.export(metrics, (result) => {
        results.push({ code: result.code, ...(result.error ? { error: String(result.error) } : {}) });
        done(result);
      }),
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'liquid-audio-nets', 'service.instance.id': device }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('liquid-audio-nets');
  for (const [i, metric] of Object.values(SERVICE_METRICS).entries()) {
    meter
      .createObservableGauge(metric.name, { description: metric.help })
      .addCallback((result) => result.observe(i + 1, { device }));
  }
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exitCode = results.length > 0 && results.every((r) => r.code === 0) ? 0 : 1;
}

void main();
