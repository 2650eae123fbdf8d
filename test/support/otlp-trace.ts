/**
 * A service that sends one inference span with the official OpenTelemetry JS SDK
 * (`@opentelemetry/sdk-trace-node`), as a process of its own like otlp-push.ts:
 * `node build/test/support/otlp-trace.js grpc|http URL DEVICE MILLISECONDS`. It prints
 * `{ traceId, sentAt, exportedAt, results }` as JSON and exits 0 when the export succeeded.
 */
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SERVICE_SPANS } from '../../lib/core';

async function main(): Promise<void> {
  const [protocol, url, device, ms] = process.argv.slice(2);
  const inner: SpanExporter = protocol === 'grpc' ? new GrpcExporter({ url }) : new HttpExporter({ url });
  const results: Array<{ code: number; error?: string }> = [];
  let exportedAt = 0;
  const exporter: SpanExporter = {
    export: (spans, done) =>
      inner.export(spans, (result) => {
        exportedAt = Date.now();
        results.push({ code: result.code, ...(result.error ? { error: String(result.error) } : {}) });
        done(result);
      }),
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'liquid-audio-nets', 'service.instance.id': device }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('liquid-audio-nets');
  const start = Date.now();
  const span = tracer.startSpan(SERVICE_SPANS.inference, { attributes: { device }, startTime: start });
  const traceId = span.spanContext().traceId;
  span.end(start + Number(ms));
  const sentAt = Date.now();
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(`${JSON.stringify({ traceId, sentAt, exportedAt, results })}\n`);
  process.exitCode = results.length > 0 && results.every((r) => r.code === 0) ? 0 : 1;
}

void main();
