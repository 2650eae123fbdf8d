/**
 * Query cost at fleet scale, with the real Prometheus on PATH: backfill 6 hours of a simulated
 * fleet (every metric of the service contract and node_exporter-shaped hardware series, one sample
 * a minute) with `promtool tsdb create-blocks-from openmetrics`, backfill the recording rules'
 * history with `promtool tsdb create-blocks-from rules`, then time every PromQL query of every
 * dashboard over the 6 hours through the HTTP API (step 1m, the device variable at "All").
 * Goal: every panel query under 50 ms median at 10,000 devices.
 *
 * Also measures, for the sizing helper: disk bytes per sample in the blocks, and memory per active
 * series of a Prometheus scraping the fleet live.
 *
 * FLEET_SIZES (default "1000,10000"), QUERY_RUNS (default 7), BEFORE_RUNS (default 3), LIVE_SECONDS
 * (default 90). Not part of npm test; a smoke run at 20 devices is.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { stackConfig } from '../config';
import { MonitoringStack } from '../lib';
import { deviceName, FAMILIES, type FleetHistory, SERIES_PER_DEVICE, writeFleetHistory } from './fleet-history';
import { usePinnedPrograms } from './pinned-programs';

const SIZES = (process.env.FLEET_SIZES ?? '1000,10000').split(',').map(Number);
const RUNS = Number(process.env.QUERY_RUNS ?? 7);
/** The all-devices form reads the whole fleet: seconds a query at 10,000 devices, so fewer runs. */
const BEFORE_RUNS = Number(process.env.BEFORE_RUNS ?? 3);
const log = (line: string) => process.stderr.write(`${line}\n`);
const HOURS = 6;
const STEP = 60;

export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  /** The panel's queries as Grafana sends them, the device variable on its default: the first device. */
  readonly exprs: readonly string[];
  /** Before: the same panel reading every device, as it did with an "All" choice on the variable. */
  readonly allDevices?: string;
}

/** Every panel of every dashboard, with its queries as sent, and the all-devices form where there was one. */
export function dashboardQueries(dashboards = stackConfig().dashboards ?? []): PanelQuery[] {
  return dashboards.flatMap((d) =>
    (d.panels ?? []).map((p: any) => {
      const exprs: string[] = (p.targets ?? []).map((t: any) => String(t.expr));
      const perDevice = exprs.find((e) => e.includes('"$device"'));
      return {
        dashboard: String(d.uid),
        panel: String(p.title),
        exprs: exprs.map((e) => e.split('"$device"').join(`"${deviceName(0)}"`)),
        ...(perDevice ? { allDevices: perDevice.split('"$device"').join('".+"') } : {}),
      };
    }),
  );
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sh(program: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(program, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error)
    throw new Error(
      `${program} could not be run (${r.error.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`,
    );
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout + r.stderr;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Keeps the backfilled history, in prometheus.yml as the --storage.tsdb.retention.* flags are deprecated. */
const RETENTION = 'storage:\n  tsdb:\n    retention:\n      time: 30d\n';

interface Running {
  readonly url: string;
  stop(): Promise<void>;
}

async function startPrometheus(configFile: string, dataDir: string): Promise<Running> {
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('prometheus did not become ready within 5 minutes');
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function timeQuery(
  url: string,
  expr: string,
  start: number,
  end: number,
): Promise<{ ms: number; series: number }> {
  const q = `${url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${STEP}`;
  const t = process.hrtime.bigint();
  const res = await fetch(q);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error}`);
  return { ms, series: body.data!.result.length };
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** Blocks' own statistics: samples and series, from each block's meta.json. */
function blockStats(dataDir: string): { samples: number; series: number; bytes: number } {
  let samples = 0;
  let series = 0;
  let bytes = 0;
  for (const entry of readdirSync(dataDir)) {
    const meta = join(dataDir, entry, 'meta.json');
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8'));
      samples += m.stats.numSamples;
      series = Math.max(series, m.stats.numSeries);
      bytes += dirBytes(join(dataDir, entry));
    } catch {
      // not a block
    }
  }
  return { samples, series, bytes };
}

export interface FleetResult {
  readonly devices: number;
  /** Per panel: median ms of its queries (sent in parallel, as Grafana does), and of the all-devices form. */
  readonly queries: ReadonlyArray<
    PanelQuery & { readonly ms: number; readonly series: number; readonly allMs?: number; readonly allSeries?: number }
  >;
  readonly diskBytesPerSample: number;
  readonly historyBytes: number;
  readonly backfillMs: number;
}

/** Backfills `devices`' history and times every dashboard query; removes everything it wrote. */
export async function measureFleet(devices: number, runs: number = RUNS): Promise<FleetResult> {
  const dir = mkdtempSync(join(tmpdir(), `fleet-${devices}-`));
  const running: Running[] = [];
  try {
    const end = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
    const history: FleetHistory = { devices, start: end - HOURS * 3600, end, stepSeconds: STEP };
    const historyFile = join(dir, 'history.om');
    const t0 = Date.now();
    const historyBytes = await writeFleetHistory(historyFile, history);
    const data = join(dir, 'data');
    sh('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', historyFile, data], dir);
    rmSync(historyFile);
    const backfillMs = Date.now() - t0;
    const blocks = blockStats(data);

    const stack = new MonitoringStack(new App(), 'stack', stackConfig());
    void stack.ruleGroups;
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    for (const [file, text] of Object.entries(stack.rules.files)) writeFileSync(join(rulesDir, file), text);
    const configFile = join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      `global:\n  evaluation_interval: 1m\nrule_files:\n  - ${rulesDir}/*.rules.yaml\n${RETENTION}`,
    );

    // Recording rules need their own history: evaluated over the backfilled range by promtool.
    let prom = await startPrometheus(configFile, data);
    running.push(prom);
    const ruleBlocks = join(dir, 'rule-blocks');
    const ruleFiles = readdirSync(rulesDir).map((f) => join(rulesDir, f));
    log(
      `  ${devices} devices: history backfilled, ${((Date.now() - t0) / 1000).toFixed(0)} s; backfilling the recording rules`,
    );
    sh(
      'promtool',
      [
        'tsdb',
        'create-blocks-from',
        'rules',
        `--start=${history.start}`,
        `--end=${history.end}`,
        `--url=${prom.url}`,
        `--output-dir=${ruleBlocks}`,
        '--eval-interval=60s',
        ...ruleFiles,
      ],
      dir,
    );
    await prom.stop();
    for (const block of readdirSync(ruleBlocks)) renameSync(join(ruleBlocks, block), join(data, block));
    prom = await startPrometheus(configFile, data);
    running.push(prom);

    log(
      `  ${devices} devices: blocks ready, ${((Date.now() - t0) / 1000).toFixed(0)} s; timing ${dashboardQueries().length} panels`,
    );
    const panelTime = async (exprs: readonly string[]) => {
      const t = process.hrtime.bigint();
      const answers = await Promise.all(exprs.map((e) => timeQuery(prom.url, e, history.start, history.end)));
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, series: answers.reduce((n, a) => n + a.series, 0) };
    };
    const results = [];
    for (const q of dashboardQueries()) {
      await panelTime(q.exprs);
      const samples = [];
      let series = 0;
      for (let i = 0; i < runs; i++) {
        const r = await panelTime(q.exprs);
        samples.push(r.ms);
        series = r.series;
      }
      let all: { allMs: number; allSeries: number } | Record<string, never> = {};
      if (q.allDevices) {
        const before = [];
        let allSeries = 0;
        for (let i = 0; i < BEFORE_RUNS; i++) {
          const r = await timeQuery(prom.url, q.allDevices, history.start, history.end);
          before.push(r.ms);
          allSeries = r.series;
        }
        all = { allMs: median(before), allSeries };
      }
      results.push({ ...q, ms: median(samples), series, ...all });
    }
    return { devices, queries: results, diskBytesPerSample: blocks.bytes / blocks.samples, historyBytes, backfillMs };
  } finally {
    for (const r of running) await r.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Memory per active series: a Prometheus scraping `devices` devices' worth of series live. */
export async function measureActiveSeriesMemory(
  devices: number,
  seconds = 90,
): Promise<{ series: number; bytesPerSeries: number }> {
  const { createServer } = await import('node:http');
  const dir = mkdtempSync(join(tmpdir(), 'live-'));
  let tick = 0;
  const server = createServer((_req, res) => {
    tick++;
    const lines: string[] = [];
    for (const f of FAMILIES) {
      for (let d = 0; d < devices; d++) {
        for (let s = 0; s < f.series.length; s++) {
          const extra = Object.entries(f.series[s])
            .map(([k, v]) => `,${k}="${v}"`)
            .join('');
          lines.push(`${f.name}{device="${deviceName(d)}",source_job="${f.job}"${extra}} ${f.value(d, s, tick)}`);
        }
      }
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const configFile = join(dir, 'prometheus.yml');
  const running: Running[] = [];
  try {
    // Prometheus' own metrics, read from its /metrics (it does not scrape itself here).
    const read = async (url: string, name: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.split(' ')[1]) : NaN;
    };
    writeFileSync(
      configFile,
      `global:\n  scrape_interval: 10s\n  scrape_timeout: 10s\nscrape_configs:\n  - job_name: fleet\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n${RETENTION}`,
    );
    const prom = await startPrometheus(configFile, join(dir, 'data'));
    running.push(prom);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const series = await read(prom.url, 'prometheus_tsdb_head_series');
    const heap = await read(prom.url, 'go_memstats_heap_inuse_bytes');
    // Heap in use per head series, the figure Prometheus' own sizing guides use (RSS adds the GC's headroom).
    return { series, bytesPerSeries: heap / series };
  } finally {
    for (const r of running) await r.stop();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every line the run prints, for its report. */
const printed: string[] = [];
function say(line: string): void {
  printed.push(line);
  console.log(line);
}

export const QUERY_COST_REPORT = 'bench/reports/query-cost.md';

/** Writes the run's output to bench/reports/query-cost.md, as printed. */
function writeReport(): void {
  const text = [
    '# Query cost at fleet scale',
    '',
    'Written by `node build/bench/query-cost.js` (`npm run bench`); `lib/prometheus/prometheus-sizing.ts` and the',
    'README link here.',
    '',
    '```',
    ...printed,
    '```',
    '',
  ].join('\n');
  writeFileSync(join(__dirname, '../..', QUERY_COST_REPORT), text);
  console.log(`wrote ${QUERY_COST_REPORT}`);
}

async function main(): Promise<void> {
  usePinnedPrograms();
  say(
    `query cost at fleet scale: ${SIZES.join(', ')} devices x ${SERIES_PER_DEVICE} series, ${HOURS} h at 1m, ${RUNS} runs per query, ${cpus().length} cores, node ${process.version}`,
  );
  const results: FleetResult[] = [];
  for (const n of SIZES) {
    const r = await measureFleet(n);
    results.push(r);
    say(
      `${n} devices: ${(r.historyBytes / 2 ** 30).toFixed(2)} GiB of OpenMetrics backfilled in ${(r.backfillMs / 1000).toFixed(1)} s; ${r.diskBytesPerSample.toFixed(2)} disk bytes per sample`,
    );
  }
  say(
    'median ms per panel over 6 h (step 1m); "before": the per-device query over every device, as with the former "All" choice',
  );
  say(
    [
      'dashboard / panel'.padEnd(48),
      ...SIZES.flatMap((n) => [`${n} before`.padStart(13), `${n} after`.padStart(12)]),
      'series'.padStart(7),
    ].join(' '),
  );
  const queries = results[0].queries;
  queries.forEach((q, i) => {
    const cells = results.flatMap((r) => [
      r.queries[i].allMs === undefined ? '-'.padStart(13) : r.queries[i].allMs!.toFixed(1).padStart(13),
      r.queries[i].ms.toFixed(1).padStart(12),
    ]);
    say(
      [
        `${q.dashboard} / ${q.panel}`.slice(0, 48).padEnd(48),
        ...cells,
        String(results[results.length - 1].queries[i].series).padStart(7),
      ].join(' '),
    );
  });
  const last = results[results.length - 1];
  const slow = last.queries.filter((q) => q.ms >= 50);
  const slowBefore = last.queries.filter((q) => (q.allMs ?? q.ms) >= 50);
  say(
    `before: ${slowBefore.length} of ${last.queries.length} panels at or over 50 ms median at ${last.devices} devices`,
  );
  say(
    `goal: every panel query under 50 ms median at ${last.devices} devices: ${slow.length === 0 ? 'met' : `MISSED by ${slow.length} (${slow.map((q) => q.panel).join(', ')})`}`,
  );
  const live = await measureActiveSeriesMemory(
    Math.min(2000, SIZES[SIZES.length - 1]),
    Number(process.env.LIVE_SECONDS ?? 90),
  );
  say(
    `memory per active series (heap in use, ${live.series} head series scraped live): ${live.bytesPerSeries.toFixed(0)} bytes`,
  );
  // The full run's figures are the report lib/prometheus/prometheus-sizing.ts and the README link.
  if (process.env.FLEET_SIZES === undefined) writeReport();
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
