import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { config } from '../../config';
import { Duration, MonitoringStack, SERVICE_METRICS } from '../../lib';
import { freePort, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { spawnProgram, stillRunning, stopProcess } from '../support/processes';
import { getJson, localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';

/**
 * The collector built from the pinned contrib components runs the rendered configuration; the
 * official OpenTelemetry JS SDK pushes the service contract's metrics over OTLP gRPC (4317) and
 * HTTP (4318); the real Prometheus scrapes the collector's exporter with the rendered job and
 * finds every metric under the catalogue's name. Only the ports are swapped, for free ones.
 */
jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'otelcol-'));
let collector: ReturnType<typeof spawnProgram> | undefined;
let prometheus: RunningPrometheus | undefined;
let logs = '';
const ports = { grpc: 0, http: 0, exporter: 0, telemetry: 0, health: 0 };

beforeAll(async () => {
  if (!existsSync(PUSH)) throw new Error(`${PUSH} is missing: 'npm test' compiles it with tsc first`);
  const app = Testing.app();
  // Scrapes every second, by the stack's own options, so the test waits seconds, not minutes.
  const fast = { scrapeInterval: Duration.seconds(1), scrapeTimeout: Duration.seconds(1) };
  new MonitoringStack(app, 'stack', { ...config, prometheus: { ...config.prometheus, ...fast } });
  const otel = Testing.synth(chartById(app.charts, 'otel-collector')) as Manifest[];
  let text = (byKind(otel, 'ConfigMap')[0].data as Record<string, string>)['collector.yaml'];
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  text = text
    .replace(':4317', `:${ports.grpc}`)
    .replace(':4318', `:${ports.http}`)
    .replace(':8889', `:${ports.exporter}`)
    .replace(':13133', `:${ports.health}`)
    .replace('port: 8888', `port: ${ports.telemetry}`);
  writeFileSync(join(dir, 'collector.yaml'), text);
  collector = spawnProgram('otelcol', [`--config=file:${join(dir, 'collector.yaml')}`], {
    env: { ...process.env, POD_IP: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  collector.stdout?.on('data', (d) => {
    logs += d;
  });
  collector.stderr?.on('data', (d) => {
    logs += d;
  });
  await waitFor('the collector health check', async () => {
    if (collector?.exitCode !== null) throw new Error(`otelcol exited: ${logs}`);
    return (await fetch(`http://127.0.0.1:${ports.health}/`)).ok ? true : undefined;
  });

  const promManifests = Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[];
  const promData = byKind(promManifests, 'ConfigMap').find((m) => m.metadata.name === 'prometheus-config')?.data;
  const promConfig = (promData as Record<string, string>)['prometheus.yml'];
  const container = (byKind(promManifests, 'StatefulSet')[0] as any).spec.template.spec.containers[0];
  const meta = {
    __meta_kubernetes_namespace: 'monitoring',
    __meta_kubernetes_pod_name: 'otel-collector-0',
    __meta_kubernetes_pod_container_port_number: '8889',
  };
  const local = localCopy(promConfig, {
    targets: { 'otel-collector': [{ address: `127.0.0.1:${ports.exporter}`, meta }] },
    alertmanagers: [],
    rulesDir: dir,
    secretsDir: dir,
  });
  prometheus = await startPrometheus(local.replace(/rule_files:\n(\s+- .*\n)+/, ''), container.args, {
    POD_NAME: 'prometheus-0',
  });
});

afterAll(async () => {
  await prometheus?.stop();
  if (collector) await stopProcess(collector);
  rmSync(dir, { recursive: true, force: true });
  expect(stillRunning()).toEqual([]);
});

const PUSH = join(__dirname, '../../build/test/support/otlp-push.js');

test.each([
  ['gRPC', 'grpc', 'edge-grpc', () => `http://127.0.0.1:${ports.grpc}`],
  ['HTTP', 'http', 'edge-http', () => `http://127.0.0.1:${ports.http}/v1/metrics`],
] as const)(
  'metrics pushed by the JS SDK over OTLP %s reach Prometheus under the catalogue names',
  async (_name, protocol, device, url) => {
    const push = spawnSync(process.execPath, [PUSH, protocol, url(), device], { encoding: 'utf8', timeout: 30_000 });
    expect(push.stderr).toBe('');
    const results = JSON.parse(push.stdout) as Array<{ code: number }>;
    expect(results.length).toBeGreaterThan(0);
    expect(results).toEqual(results.map(() => ({ code: 0 })));
    expect(push.status).toBe(0);
    const names = Object.values(SERVICE_METRICS).map((m) => m.name);
    const found = await waitFor(
      `${device}'s metrics in Prometheus`,
      async () => {
        const { data } = await getJson(
          prometheus!.url,
          `/api/v1/query?query=${encodeURIComponent(`{device="${device}"}`)}`,
        );
        const seen = new Set<string>(data.result.map((r: any) => r.metric.__name__));
        return names.every((n) => seen.has(n)) ? data.result : undefined;
      },
      30_000,
    );
    for (const series of found) {
      expect(series.metric).toMatchObject({ device, namespace: 'monitoring', pod: 'otel-collector-0' });
    }
    expect(new Set(found.map((s: any) => s.metric.__name__))).toEqual(new Set(names));
  },
);
