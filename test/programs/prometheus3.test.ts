/**
 * What Prometheus 3 changed, judged by the pinned Prometheus running the rendered configuration on
 * loopback: a target answering without a Content-Type is scraped only through the job's
 * fallback_scrape_protocol; retention comes from prometheus.yml (no flags) and a reload applies
 * it; every self-monitoring metric the alerts read is on its /metrics and not deprecated.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';

import parsePrometheusTextFormat = require('parse-prometheus-text-format');

import { parse, stringify } from 'yaml';
import { config } from '../../config';
import {
  DEVICE_TARGETS,
  Duration,
  type Metric,
  MonitoringStack,
  PROMETHEUS_JOB,
  PROMETHEUS_METRICS,
  SERVICE_METRICS,
  Units,
} from '../../lib';
import { exposition, nominalReadings } from '../support/device-simulator';
import { freePort, type LoopbackServer, serve, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { stillRunning } from '../support/processes';
import { getJson, localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';

jest.setTimeout(120_000);

/** The devices job as rendered, and a copy of it without fallback_scrape_protocol: the control. */
const WITH_FALLBACK = DEVICE_TARGETS.job;
const WITHOUT_FALLBACK = `${DEVICE_TARGETS.job}-without-fallback`;
const REMOTE_NAME = 'sink';
const LATENCY = SERVICE_METRICS.inferenceLatency;

const workDir = mkdtempSync(join(tmpdir(), 'prometheus3-'));
let stack: MonitoringStack;
let containerArgs: string[] = [];
let prometheus: RunningPrometheus | undefined;
let target: LoopbackServer | undefined;
/** A device over the devices job's sample_limit: its readings and 1,500 more series. */
let oversized: LoopbackServer | undefined;
const OVERSIZED_SERIES = 1500;
let sink: LoopbackServer | undefined;
let remoteWrites = 0;

beforeAll(async () => {
  sink = await serve((_req, res) => {
    remoteWrites++;
    res.writeHead(204).end();
  });
  // A device's /metrics with no Content-Type header at all (node:http adds none by itself).
  target = await serve((req, res) => {
    if (req.url === '/metrics') res.writeHead(200).end(exposition(nominalReadings()));
    else res.writeHead(404).end();
  });
  oversized = await serve((req, res) => {
    const extra = Array.from({ length: OVERSIZED_SERIES }, (_, i) => `request_seconds{request_id="r${i}"} 0.1`);
    if (req.url === '/metrics')
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
        .end(`${exposition(nominalReadings())}${extra.join('\n')}\n`);
    else res.writeHead(404).end();
  });
  const app = Testing.app();
  stack = new MonitoringStack(app, 'stack', {
    ...config,
    evaluationInterval: Duration.seconds(5),
    prometheus: {
      scrapeInterval: Duration.seconds(1),
      scrapeTimeout: Duration.seconds(1),
      remoteWrite: [
        {
          url: `http://${sink.address}/api/v1/push`,
          name: REMOTE_NAME,
          queue: { batchSendDeadline: Duration.seconds(1) },
        },
      ],
    },
  });
  const manifests = Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[];
  containerArgs = (byKind(manifests, 'StatefulSet')[0] as any).spec.template.spec.containers[0].args;

  const rendered = parse(stack.prometheus.configText);
  const control = structuredClone(rendered.scrape_configs.find((j: any) => j.job_name === WITH_FALLBACK));
  delete control.fallback_scrape_protocol;
  control.job_name = WITHOUT_FALLBACK;
  rendered.scrape_configs.push(control);

  const rulesDir = join(workDir, 'rules');
  mkdirSync(rulesDir);
  for (const [file, text] of Object.entries(stack.rules.files)) writeFileSync(join(rulesDir, file), text);
  const port = await freePort();
  const device = {
    address: '127.0.0.1',
    meta: {
      __meta_kubernetes_namespace: 'audio',
      __meta_kubernetes_pod_name: 'liquid-audio-nets-abc12',
      __meta_kubernetes_pod_node_name: 'edge-01',
      __meta_kubernetes_pod_ip: '127.0.0.1',
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_label_liquid_audio_nets_dev_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: String(target.port),
    },
  };
  const overDevice = {
    address: '127.0.0.1',
    meta: {
      ...device.meta,
      __meta_kubernetes_pod_name: 'liquid-audio-nets-oversized',
      __meta_kubernetes_pod_node_name: 'edge-99',
      __meta_kubernetes_pod_annotation_prometheus_io_port: String(oversized.port),
    },
  };
  const local = localCopy(stringify(rendered, { lineWidth: 0 }), {
    targets: {
      [PROMETHEUS_JOB]: [{ address: `127.0.0.1:${port}` }],
      [WITH_FALLBACK]: [device, overDevice],
      [WITHOUT_FALLBACK]: [device],
    },
    alertmanagers: [`127.0.0.1:${await freePort()}`],
    rulesDir,
    secretsDir: workDir,
  });
  prometheus = await startPrometheus(local, containerArgs, { POD_NAME: 'prometheus-0' }, port);
});

afterAll(async () => {
  await prometheus?.stop();
  await target?.close();
  await oversized?.close();
  await sink?.close();
  rmSync(workDir, { recursive: true, force: true });
  expect(stillRunning()).toEqual([]);
});

const query = async (q: string) =>
  (await getJson(prometheus!.url, `/api/v1/query?query=${encodeURIComponent(q)}`)).data.result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;

/** The families on Prometheus' own /metrics, by name. */
async function ownMetrics(): Promise<Map<string, parsePrometheusTextFormat.MetricFamily>> {
  const text = await (await fetch(`${prometheus!.url}/metrics`)).text();
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** Why each of `metrics` cannot be relied on: missing from /metrics, another type, or deprecated by its HELP. */
function catalogueProblems(
  metrics: readonly Metric[],
  families: ReadonlyMap<string, parsePrometheusTextFormat.MetricFamily>,
): string[] {
  return metrics.flatMap((m) => {
    const family = families.get(m.name);
    if (!family) return [`${m.name}: not exposed`];
    if (family.type !== m.type.toUpperCase()) return [`${m.name}: a ${family.type}, the catalogue says ${m.type}`];
    return /deprecated/i.test(family.help) ? [`${m.name}: deprecated: ${family.help}`] : [];
  });
}

describe('a target answering /metrics without a Content-Type', () => {
  test('really sends none', async () => {
    const res = await fetch(`http://${target!.address}/metrics`);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toContain(`${LATENCY.name} 12.5`);
  });

  test('the rendered job scrapes it as the classic text format: up is 1 and its samples arrive', async () => {
    await waitFor('the rendered job scraped', async () =>
      (await query(`up{job="${WITH_FALLBACK}", device="edge-01"}`)).length > 0 ? true : undefined,
    );
    expect(await query(`up{job="${WITH_FALLBACK}", device="edge-01"}`)).toEqual([
      expect.objectContaining({
        metric: expect.objectContaining({ device: 'edge-01' }),
        value: [expect.any(Number), '1'],
      }),
    ]);
    expect(await query(`${LATENCY.name}{job="${WITH_FALLBACK}", device="edge-01"}`)).toEqual([
      expect.objectContaining({
        metric: expect.objectContaining({ device: 'edge-01' }),
        value: [expect.any(Number), '12.5'],
      }),
    ]);
  });

  test('the same job without fallback_scrape_protocol fails the scrape: up is 0, no sample', async () => {
    const control = await waitFor('the control job scraped', async () => {
      const { data } = await getJson(prometheus!.url, '/api/v1/targets');
      return data.activeTargets.find((t: any) => t.labels.job === WITHOUT_FALLBACK && t.health !== 'unknown');
    });
    expect(control.health).toBe('down');
    expect(control.lastError).toMatch(/blank Content-Type and no fallback_scrape_protocol/);
    expect(await query(`up{job="${WITHOUT_FALLBACK}"}`)).toEqual([
      expect.objectContaining({ value: [expect.any(Number), '0'] }),
    ]);
    expect(await query(`${LATENCY.name}{job="${WITHOUT_FALLBACK}"}`)).toEqual([]);
  });
});

describe('a device over the sample limit', () => {
  const alertExpr = (name: string) =>
    stack.ruleGroups.flatMap((g) => g.rules).find((r) => r.name === name)?.expr as string;

  test("fails its scrape, yet Prometheus counts what it exposed: DeviceOverSampleLimit's expression finds it, DeviceOffline's does not", async () => {
    const over = `{job="${DEVICE_TARGETS.job}", device="edge-99"}`;
    await waitFor('the oversized device scraped', async () =>
      (await query(`scrape_samples_scraped${over}`)).length > 0 ? true : undefined,
    );
    expect(await query(`up${over}`)).toEqual([expect.objectContaining({ value: [expect.any(Number), '0'] })]);
    const [scraped] = await query(`scrape_samples_scraped${over}`);
    expect(Number(scraped.value[1])).toBeGreaterThan(OVERSIZED_SERIES);
    const firing = async (name: string) => (await query(alertExpr(name))).map((r) => r.metric.device);
    expect(await firing('DeviceOverSampleLimit')).toEqual(['edge-99']);
    expect(await firing('DeviceOffline')).not.toContain('edge-99');
  });
});

describe('the self-monitoring metrics of the catalogue', () => {
  // Series Prometheus writes for each target rather than exposes (`up`, `scrape_samples_scraped`).
  const perTarget: readonly Metric[] = [PROMETHEUS_METRICS.up, PROMETHEUS_METRICS.scrapeSamplesScraped];
  const selfMetrics = Object.values(PROMETHEUS_METRICS).filter((m) => !perTarget.includes(m));

  test('every one is on /metrics, with the catalogue type, and its HELP does not call it deprecated', async () => {
    await waitFor('a remote write delivered', async () => (remoteWrites > 0 ? true : undefined));
    expect(catalogueProblems(selfMetrics, await ownMetrics())).toEqual([]);
  });

  test('the two remote-write queue gauges carry the same remote_name and url, so the alert matches them one to one', async () => {
    const families = await ownMetrics();
    const labelsOf = (m: Metric) => families.get(m.name)?.metrics.map((s) => s.labels);
    const expected = [{ remote_name: REMOTE_NAME, url: `http://${sink!.address}/api/v1/push` }];
    expect(labelsOf(PROMETHEUS_METRICS.remoteStorageQueueHighestTimestamp)).toEqual(expected);
    expect(labelsOf(PROMETHEUS_METRICS.remoteStorageQueueHighestSent)).toEqual(expected);
  });

  test('up, which Prometheus writes rather than exposes, is there for its own job', async () => {
    await waitFor('the self-scrape', async () =>
      (await query(`up{job="${PROMETHEUS_JOB}"}`)).length > 0 ? true : undefined,
    );
    expect(await query(`up{job="${PROMETHEUS_JOB}"}`)).toEqual([
      expect.objectContaining({ value: [expect.any(Number), '1'] }),
    ]);
  });

  test('the check catches what the alert read before: the deprecated highest_timestamp_in_seconds gauge', async () => {
    const deprecated: Metric = {
      ...PROMETHEUS_METRICS.remoteStorageQueueHighestTimestamp,
      name: 'prometheus_remote_storage_highest_timestamp_in_seconds',
    };
    const missing: Metric = { ...deprecated, name: 'prometheus_no_such_metric' };
    expect(catalogueProblems([deprecated, missing], await ownMetrics())).toEqual([
      expect.stringMatching(/^prometheus_remote_storage_highest_timestamp_in_seconds: deprecated: .*Deprecated/),
      'prometheus_no_such_metric: not exposed',
    ]);
  });
});

describe('retention from prometheus.yml', () => {
  test('no deprecated retention flag; the TSDB keeps the configured time and size, sizes in powers of two', async () => {
    expect(containerArgs.filter((a) => a.startsWith('--storage.tsdb.retention'))).toEqual([]);
    const families = await ownMetrics();
    const gauge = (name: string) => Number(families.get(name)?.metrics[0]?.value);
    expect(gauge('prometheus_tsdb_retention_limit_seconds')).toBe(stack.prometheus.retention.seconds);
    expect(gauge('prometheus_tsdb_retention_limit_bytes')).toBe(stack.prometheus.retentionSize.in(Units.bytes));
  });

  test('a reload (SIGHUP) applies a changed retention without a restart', async () => {
    const configFile = prometheus!.process.spawnargs
      .find((a) => a.startsWith('--config.file='))!
      .slice('--config.file='.length);
    const c = parse(readFileSync(configFile, 'utf8'));
    c.storage.tsdb.retention = { time: '30d', size: '1GB' };
    writeFileSync(configFile, stringify(c, { lineWidth: 0 }));
    prometheus!.process.kill('SIGHUP');
    const bytes = await waitFor('the new retention applied', async () => {
      const v = Number((await ownMetrics()).get('prometheus_tsdb_retention_limit_bytes')?.metrics[0]?.value);
      return v === 2 ** 30 ? v : undefined;
    });
    expect(bytes).toBe(2 ** 30);
    const families = await ownMetrics();
    expect(Number(families.get('prometheus_tsdb_retention_limit_seconds')?.metrics[0]?.value)).toBe(30 * 86_400);
    expect(families.get(PROMETHEUS_METRICS.configLastReloadSuccessful.name)?.metrics[0]?.value).toBe('1');
  });
});
