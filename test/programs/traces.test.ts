import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Testing } from 'cdk8s';
import { config } from '../../config';
import { DEFAULT_NAMESPACE, Duration, MonitoringStack, SERVICE_SPANS, SPAN_METRICS, TEST_RUN_METRICS } from '../../lib';
import { freePort, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { spawnProgram, stillRunning, stopProcess } from '../support/processes';
import { getJson, localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';

/**
 * Traces and batch jobs end to end, on loopback, with the rendered configurations and the pinned
 * programs built from their Go modules: the OpenTelemetry JS SDK sends an inference span over OTLP
 * gRPC and over HTTP to the collector; Jaeger finds it by trace id through its query API, and its
 * span metrics reach the real Prometheus. export-test-metrics pushes a real jest run to the
 * Pushgateway, which Prometheus scrapes with the pushed `job` and `run`. Only ports and paths are
 * swapped. The figures (span to searchable, span to span metric, push to scraped) are printed.
 */
jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../..');
const TRACE = join(ROOT, 'build/test/support/otlp-trace.js');
const PUSH = join(ROOT, 'build/test/support/otlp-push.js');
const EXPORT = join(ROOT, 'build/scripts/ops/export-test-metrics.js');
const CHECK_HEALTH = join(ROOT, 'build/scripts/ops/check-health.js');
const dir = mkdtempSync(join(tmpdir(), 'traces-'));
const ports = {
  grpc: 0,
  http: 0,
  exporter: 0,
  telemetry: 0,
  health: 0,
  jaegerOtlp: 0,
  jaegerQuery: 0,
  jaegerQueryGrpc: 0,
  jaegerTelemetry: 0,
  jaegerHealth: 0,
  pushgateway: 0,
};
const children: ChildProcess[] = [];
const logs: Record<string, string> = {};
let prometheus: RunningPrometheus | undefined;
const figures: string[] = [];

/** Every occurrence of each key replaced by its value. */
function swap(text: string, replacements: Record<string, string>): string {
  let out = text;
  for (const [from, to] of Object.entries(replacements)) {
    if (!out.includes(from)) throw new Error(`the rendered configuration no longer contains '${from}'`);
    out = out.split(from).join(to);
  }
  return out;
}

function start(name: string, program: string, args: readonly string[]): ChildProcess {
  const child = spawnProgram(program, args, {
    env: { ...process.env, POD_IP: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  logs[name] = '';
  child.stdout?.on('data', (d) => (logs[name] += d));
  child.stderr?.on('data', (d) => (logs[name] += d));
  children.push(child);
  return child;
}

async function ready(name: string, child: ChildProcess, url: string): Promise<void> {
  await waitFor(
    `${name} ready at ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${logs[name]}`);
      return (await fetch(url)).ok ? true : undefined;
    },
    60_000,
  );
}

const configOf = (manifests: Manifest[], key: string) =>
  (byKind(manifests, 'ConfigMap')[0].data as Record<string, string>)[key];

beforeAll(async () => {
  for (const file of [TRACE, PUSH, EXPORT, CHECK_HEALTH])
    if (!existsSync(file)) throw new Error(`${file} is missing: 'npm test' compiles it with tsc first`);
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  const app = Testing.app();
  // Scrapes every second and span metrics flushed every second, by the stack's own options.
  const fast = { scrapeInterval: Duration.seconds(1), scrapeTimeout: Duration.seconds(1) };
  new MonitoringStack(app, 'stack', {
    ...config,
    prometheus: { ...config.prometheus, ...fast },
    otelCollector: { spanMetricsFlushInterval: Duration.seconds(1) },
  });
  const synth = (id: string) => Testing.synth(chartById(app.charts, id)) as Manifest[];

  const jaegerText = swap(configOf(synth('jaeger'), 'jaeger.yaml'), {
    '${env:POD_IP}:4317': `127.0.0.1:${ports.jaegerOtlp}`,
    '${env:POD_IP}:16686': `127.0.0.1:${ports.jaegerQuery}`,
    '127.0.0.1:16685': `127.0.0.1:${ports.jaegerQueryGrpc}`,
    '${env:POD_IP}:13133': `127.0.0.1:${ports.jaegerHealth}`,
    'port: 8888': `port: ${ports.jaegerTelemetry}`,
    '/badger/': `${dir}/badger/`,
  });
  writeFileSync(join(dir, 'jaeger.yaml'), jaegerText);
  const jaeger = start('jaeger', 'jaeger', [`--config=file:${join(dir, 'jaeger.yaml')}`]);

  const collectorText = swap(configOf(synth('otel-collector'), 'collector.yaml'), {
    [`jaeger.${DEFAULT_NAMESPACE}.svc:4317`]: `127.0.0.1:${ports.jaegerOtlp}`,
    '${env:POD_IP}:4317': `127.0.0.1:${ports.grpc}`,
    '${env:POD_IP}:4318': `127.0.0.1:${ports.http}`,
    '${env:POD_IP}:8889': `127.0.0.1:${ports.exporter}`,
    '${env:POD_IP}:13133': `127.0.0.1:${ports.health}`,
    'port: 8888': `port: ${ports.telemetry}`,
  });
  writeFileSync(join(dir, 'collector.yaml'), collectorText);
  const collector = start('otelcol', 'otelcol', [`--config=file:${join(dir, 'collector.yaml')}`]);

  const pgw: any = byKind(synth('pushgateway'), 'StatefulSet')[0];
  const pgwArgs = (pgw.spec.template.spec.containers[0].args as string[]).map((a) =>
    a.replace(':9091', `127.0.0.1:${ports.pushgateway}`).replace('/pushgateway/', `${dir}/`),
  );
  const pushgateway = start('pushgateway', 'pushgateway', pgwArgs);

  await ready('jaeger', jaeger, `http://127.0.0.1:${ports.jaegerHealth}/status`);
  await ready('otelcol', collector, `http://127.0.0.1:${ports.health}/`);
  await ready('pushgateway', pushgateway, `http://127.0.0.1:${ports.pushgateway}/-/ready`);

  const promManifests = synth('prometheus');
  const promData = byKind(promManifests, 'ConfigMap').find((m) => m.metadata.name === 'prometheus-config')?.data;
  const promConfig = (promData as Record<string, string>)['prometheus.yml'];
  const container = (byKind(promManifests, 'StatefulSet')[0] as any).spec.template.spec.containers[0];
  const pod = (name: string, port: number) => ({
    __meta_kubernetes_namespace: 'monitoring',
    __meta_kubernetes_pod_name: name,
    __meta_kubernetes_pod_container_port_number: String(port),
  });
  const local = localCopy(promConfig, {
    targets: {
      'otel-collector': [{ address: `127.0.0.1:${ports.exporter}`, meta: pod('otel-collector-0', 8889) }],
      pushgateway: [{ address: `127.0.0.1:${ports.pushgateway}`, meta: pod('pushgateway-0', 9091) }],
    },
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
  for (const child of children) await stopProcess(child);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\ntraces and batch jobs, end to end on loopback:\n${figures.map((f) => `  ${f}\n`).join('')}`);
  expect(stillRunning()).toEqual([]);
});

/** One instant query's result vector. */
async function query(expr: string): Promise<any[]> {
  const { data } = await getJson(prometheus!.url, `/api/v1/query?query=${encodeURIComponent(expr)}`);
  return data.result;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

test.each([
  ['gRPC', 'grpc', 'edge-trace-grpc', () => `http://127.0.0.1:${ports.grpc}`],
  ['HTTP', 'http', 'edge-trace-http', () => `http://127.0.0.1:${ports.http}/v1/traces`],
] as const)(
  'a span sent by the JS SDK over OTLP %s is found in Jaeger by its trace id, and its span metrics reach Prometheus',
  async (name, protocol, device, url) => {
    const sent = spawnSync(process.execPath, [TRACE, protocol, url(), device, '12'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(sent.stderr).toBe('');
    const { traceId, exportedAt, results } = JSON.parse(sent.stdout);
    expect(results).toEqual([{ code: 0 }]);
    expect(sent.status).toBe(0);

    const trace = await waitFor(
      `trace ${traceId} in Jaeger`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.jaegerQuery}/api/traces/${traceId}`);
        return res.ok ? ((await res.json()) as any).data[0] : undefined;
      },
      60_000,
      100,
    );
    const searchable = Date.now() - exportedAt;
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans.map((s: any) => [s.operationName, s.duration])).toEqual([[SERVICE_SPANS.inference, 12_000]]);
    expect(Object.values(trace.processes).map((p: any) => p.serviceName)).toEqual(['liquid-audio-nets']);

    const sel = `{device="${device}",span_name="${SERVICE_SPANS.inference}"}`;
    const calls = await waitFor(
      `span metrics of ${device} in Prometheus`,
      async () => {
        const r = await query(`${SPAN_METRICS.calls.name}${sel}`);
        return r.length > 0 ? r : undefined;
      },
      60_000,
      100,
    );
    const metric = Date.now() - exportedAt;
    expect(calls.map((s) => [s.metric.service_name, s.metric.status_code, s.value[1]])).toEqual([
      ['liquid-audio-nets', 'STATUS_CODE_UNSET', '1'],
    ]);
    // The 12 ms span is in the 15 ms bucket and not in the 10 ms one.
    const buckets = await query(`${SPAN_METRICS.duration.name}_bucket${sel}`);
    const le = Object.fromEntries(
      buckets.map((b) => [b.metric.le === '+Inf' ? 'inf' : Number(b.metric.le), b.value[1]]),
    );
    expect([le[10], le[15], le.inf]).toEqual(['0', '1', '1']);
    figures.push(
      `OTLP ${name}: span to searchable in Jaeger ${seconds(searchable)}, span to span metric in Prometheus ${seconds(metric)}`,
    );
  },
);

test('a metric pushed through the collector still arrives, beside the traces', async () => {
  const push = spawnSync(process.execPath, [PUSH, 'grpc', `http://127.0.0.1:${ports.grpc}`, 'edge-metrics'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(push.status).toBe(0);
  const found = await waitFor(
    'edge-metrics in Prometheus',
    async () => {
      const r = await query('inference_latency_ms{device="edge-metrics"}');
      return r.length > 0 ? r : undefined;
    },
    30_000,
  );
  expect(found[0].metric).toMatchObject({ job: 'liquid-audio-nets', instance: 'edge-metrics' });
});

test('export-test-metrics pushes a real jest run; Prometheus scrapes it with the pushed job and run', async () => {
  const report = join(dir, 'jest.json');
  const jest = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/jest/bin/jest.js'),
      '--ci',
      '--json',
      `--outputFile=${report}`,
      'test/unit/core/duration',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  expect(jest.status).toBe(0);
  const run = JSON.parse(readFileSync(report, 'utf8'));
  expect(run.numPassedTests).toBeGreaterThan(0);

  const pushedAt = Date.now();
  const out = spawnSync(process.execPath, [EXPORT, report, '--job', 'ci-unit', '--run', '4242'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PUSHGATEWAY_URL: `http://127.0.0.1:${ports.pushgateway}` },
  });
  expect(out.stderr).toBe('');
  expect(out.stdout).toMatch(
    new RegExp(
      `^ok    pushgateway http://127\\.0\\.0\\.1:${ports.pushgateway}: pushed job ci-unit run 4242: ${run.numPassedTests} passed, 0 failed, 0 skipped in \\d+\\.\\d s\\nexport-test-metrics: no findings\\n$`,
    ),
  );
  expect(out.status).toBe(0);
  const scraped = await waitFor(
    'the pushed run in Prometheus',
    async () => {
      const r = await query(`${TEST_RUN_METRICS.passed.name}{job="ci-unit",run="4242"}`);
      return r.length > 0 ? r : undefined;
    },
    30_000,
    100,
  );
  figures.push(`Pushgateway: push to scraped in Prometheus ${seconds(Date.now() - pushedAt)}`);
  expect(scraped.map((s) => s.value[1])).toEqual([String(run.numPassedTests)]);
  const success = await query(`${TEST_RUN_METRICS.success.name}{job="ci-unit"}`);
  expect(success.map((s) => [s.metric.run, s.value[1]])).toEqual([['4242', '1']]);
  const pushTime = await query('push_time_seconds{job="ci-unit"}');
  expect(Number(pushTime[0].value[1])).toBeGreaterThan(pushedAt / 1000 - 5);

  const bad = spawnSync(process.execPath, [EXPORT, join(ROOT, 'package.json')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PUSHGATEWAY_URL: `http://127.0.0.1:${ports.pushgateway}` },
  });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^export-test-metrics: .*package\.json is JSON but not a jest --json report/);
});

test('check-health covers Jaeger and the Pushgateway', async () => {
  const result = await new Promise<{ status: number | null; stdout: string }>((done) => {
    const child = spawn(process.execPath, [CHECK_HEALTH], {
      cwd: ROOT,
      env: {
        ...process.env,
        PROMETHEUS_URL: prometheus!.url,
        ALERTMANAGER_URL: 'http://127.0.0.1:1',
        GRAFANA_URL: 'http://127.0.0.1:1',
        ALERTMANAGER_PEERS: '1',
        JAEGER_URL: `http://127.0.0.1:${ports.jaegerQuery}`,
        PUSHGATEWAY_URL: `http://127.0.0.1:${ports.pushgateway}`,
      },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('exit', (status) => done({ status, stdout }));
  });
  expect(result.stdout).toMatch(
    /^ok {4}jaeger http:\/\/127\.0\.0\.1:\d+: query API answering; traces of 1 service stored$/m,
  );
  expect(result.stdout).toMatch(
    /^ok {4}pushgateway http:\/\/127\.0\.0\.1:\d+: ready and healthy; \d+ pushed groups?$/m,
  );
  // The Alertmanager and Grafana addresses are deliberately unreachable here, so are the jobs without targets.
  const findings = result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(
    findings.filter(
      (l) =>
        !/^FAIL {2}(alertmanager|grafana) http:\/\/127\.0\.0\.1:1:|has no rules loaded|has no Alertmanager/.test(l),
    ),
  ).toEqual([]);
  expect(result.status).toBe(1);
});
