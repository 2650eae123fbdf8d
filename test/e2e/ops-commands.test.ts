/**
 * The operational commands (scripts/ops, compiled by tsc into build/scripts/ops) run against the
 * real processes of a local stack: the pinned Prometheus pair, three Alertmanager peers and
 * node_exporter, the simulated devices, and a stand-in for Grafana's health endpoint (no Grafana
 * binary is available here). Each command is checked on a healthy stack and on a failure: a
 * component down or unreachable, a device missing a metric.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_RECEIVERS } from '../../alerts';
import { SERVICE_METRICS } from '../../lib';
import { exposition } from '../support/device-simulator';
import { type Readings, SCENARIOS } from '../support/fleet';
import { freePort, waitFor } from '../support/http';
import { type LocalStack, RECEIVER_PATHS, startLocalStack } from '../support/local-stack';
import { stillRunning, stopProcess } from '../support/processes';
import { getJson } from '../support/prometheus-local';

const ROOT = resolve(__dirname, '../..');
const OPS = join(ROOT, 'build/scripts/ops');
const OPS_ENV = [
  'PROMETHEUS_URL',
  'ALERTMANAGER_URL',
  'GRAFANA_URL',
  'JAEGER_URL',
  'PUSHGATEWAY_URL',
  'ALERT_WEBHOOK_URL',
  'ALERTMANAGER_PEERS',
  'CHECK_TIMEOUT_SECONDS',
];

interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `FAIL` lines. */
  readonly findings: string[];
}

/** Runs an ops command as `npm run <command>` does (node on the compiled script), without blocking the sinks and devices of this process. */
function ops(
  command: 'check-health' | 'test-alerts' | 'check-metrics',
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<Result> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OPS_ENV.includes(k)));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(OPS, `${command}.js`), ...args], {
      cwd: ROOT,
      env: { ...clean, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish within 60 s:\n${stdout}${stderr}`));
    }, 60_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr, findings: stdout.split('\n').filter((l) => l.startsWith('FAIL')) });
    });
  });
}

const M = SERVICE_METRICS;
/** Everything but model_accuracy. */
const missingAccuracy = (r: Readings) => exposition(new Map([...r].filter(([m]) => m !== M.modelAccuracy)));
/** Latency declared a counter, and power in watts beside the contract's milliwatts. */
const wrongTypeAndUnit = (r: Readings) =>
  exposition(new Map([...r].filter(([m]) => m !== M.inferenceLatency))) +
  `# HELP inference_latency_ms Time taken by the last inference.\n# TYPE inference_latency_ms counter\ninference_latency_ms ${r.get(M.inferenceLatency)}\n` +
  `# HELP power_consumption_watts Power drawn.\n# TYPE power_consumption_watts gauge\npower_consumption_watts ${r.get(M.powerConsumption)! / 1000}\n`;

const suiteStart = Date.now();
let local: LocalStack;
const env = () => ({
  PROMETHEUS_URL: local.prometheus[0].url,
  ALERTMANAGER_URL: local.alertmanagers.map((p) => p.url).join(','),
  GRAFANA_URL: local.grafana.url,
});
const metricsUrl = (device: string) => `http://${local.fleet.device(device).address}/metrics`;

jest.setTimeout(120_000);

beforeAll(async () => {
  for (const command of ['check-health', 'test-alerts', 'check-metrics']) {
    if (!existsSync(join(OPS, `${command}.js`)))
      throw new Error(`${join(OPS, command)}.js is missing: 'npm run e2e' and 'npm test' compile it with tsc first`);
  }
  local = await startLocalStack({
    factor: 1 / 60,
    devices: [
      { name: 'edge-01', scenario: SCENARIOS.nominal() },
      { name: 'edge-02', scenario: SCENARIOS.nominal(), render: missingAccuracy },
      { name: 'edge-03', scenario: SCENARIOS.nominal(), render: wrongTypeAndUnit },
    ],
    hardwareDevice: 'edge-01',
  });
  for (const p of local.prometheus) {
    await waitFor(`every target of ${p.url} up`, async () => {
      const { data } = await getJson(p.url, '/api/v1/targets?state=active');
      return data.activeTargets.length > 0 && data.activeTargets.every((t: any) => t.health === 'up')
        ? true
        : undefined;
    });
  }
});

afterAll(async () => {
  await local?.stop();
  const left = stillRunning();
  if (left.length > 0)
    throw new Error(
      `processes still running after the suite: ${left.map((p) => `${p.spawnfile} (pid ${p.pid})`).join(', ')}`,
    );
  process.stdout.write(`\ne2e ops commands suite: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s\n`);
});

describe('check-health', () => {
  test('a healthy stack: every component ok, exit 0', async () => {
    const result = await ops('check-health', [], env());
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
    const peers = local.alertmanagers.length;
    expect(result.stdout).toContain(`ok    prometheus ${local.prometheus[0].url}: ready and healthy\n`);
    expect(result.stdout).toMatch(
      /: (\d+) of \1 targets up \(alertmanager, hardware-exporter, liquid-audio-nets, prometheus\)\n/,
    );
    expect(result.stdout).toContain(`sends alerts to ${peers} Alertmanagers`);
    for (const p of local.alertmanagers)
      expect(result.stdout).toContain(
        `ok    alertmanager ${p.url}: ready; cluster ready with ${peers} of ${peers} peers`,
      );
    expect(result.stdout).toContain(`ok    grafana ${local.grafana.url}: healthy`);
    expect(result.stdout.trim().split('\n').pop()).toBe('check-health: no findings');
  });

  test('a missing or malformed variable is a usage error: exit 2 with the usage', async () => {
    const { GRAFANA_URL: _unused, ...withoutGrafana } = env();
    const missing = await ops('check-health', [], withoutGrafana);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^check-health: GRAFANA_URL is not set\n\nusage: /);
    const malformed = await ops('check-health', [], { ...env(), PROMETHEUS_URL: 'localhost:9090' });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain(
      "PROMETHEUS_URL must be an http(s) URL such as http://localhost:9090, got 'localhost:9090'",
    );
  });

  test('Grafana unreachable, then unhealthy: named, exit 1', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await ops('check-health', [], { ...env(), GRAFANA_URL: nowhere });
    expect(unreachable.status).toBe(1);
    expect(unreachable.findings).toEqual([`FAIL  grafana ${nowhere}: unreachable (ECONNREFUSED)`]);
    local.grafana.setDatabaseFailing(true);
    try {
      const failing = await ops('check-health', [], env());
      expect(failing.status).toBe(1);
      expect(failing.findings).toEqual([
        `FAIL  grafana ${local.grafana.url}: unhealthy: /api/health answered 503, database failing`,
      ]);
    } finally {
      local.grafana.setDatabaseFailing(false);
    }
  });
});

describe('check-metrics', () => {
  test("a device serving the whole contract: exit 0; promtool's only remarks are the contract's own unit abbreviations", async () => {
    const result = await ops('check-metrics', [metricsUrl('edge-01')], {});
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `ok    application ${metricsUrl('edge-01')}: 10 of 10 catalogue metrics present with the catalogue's type`,
    );
    expect(result.stdout).toContain('promtool check metrics: 2 catalogue names with abbreviated units');
  });

  test('a device missing a metric: named, exit 1', async () => {
    const result = await ops('check-metrics', [metricsUrl('edge-02')], {});
    expect(result.status).toBe(1);
    expect(result.findings).toEqual([
      `FAIL  application ${metricsUrl('edge-02')}: model_accuracy (gauge, 0-1 ratio) is missing`,
    ]);
  });

  test('a metric of the wrong type and one whose name contradicts the catalogue unit: each named, exit 1', async () => {
    const url = metricsUrl('edge-03');
    const result = await ops('check-metrics', [url], {});
    expect(result.status).toBe(1);
    expect(result.findings).toEqual([
      `FAIL  application ${url}: inference_latency_ms is exposed as a counter; the catalogue says gauge`,
      `FAIL  application ${url}: power_consumption_watts: its name says W, but the catalogue's power_consumption_mw is in mW`,
      `FAIL  application ${url}: promtool check metrics: inference_latency_ms counter metrics should have "_total" suffix`,
    ]);
  });

  test('what Prometheus scraped from the devices agrees: the missing metric has no series for edge-02', async () => {
    const { data } = await getJson(
      local.prometheus[0].url,
      `/api/v1/query?query=${encodeURIComponent('count by (device) (model_accuracy)')}`,
    );
    expect(data.result.map((r: any) => r.metric.device).sort()).toEqual(['edge-01', 'edge-03']);
  });

  test('no URL, or an unreachable one: exit 2 and exit 1', async () => {
    const usage = await ops('check-metrics', [], {});
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('check-metrics: needs the URL of a /metrics endpoint');
    const nowhere = `http://127.0.0.1:${await freePort()}/metrics`;
    const unreachable = await ops('check-metrics', [nowhere], {});
    expect(unreachable.status).toBe(1);
    expect(unreachable.findings).toEqual([`FAIL  application ${nowhere}: unreachable (ECONNREFUSED)`]);
  });
});

describe('test-alerts', () => {
  const received = (path: string, after: number) =>
    local.http.to(path).filter((r) => r.at >= after && r.body.includes('MonitoringPipelineTest'));

  test("a warning test alert is routed to the 'warning' receiver and reaches its Slack channel", async () => {
    const start = Date.now();
    const result = await ops('test-alerts', [], { ALERTMANAGER_URL: env().ALERTMANAGER_URL });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`routed to receiver '${DEFAULT_RECEIVERS.warning}': Slack #liquid-audio-nets-warnings\\n`),
    );
    expect(result.stdout).toContain('slack: notified (');
    expect(received(RECEIVER_PATHS.slackWarnings, start).length).toBeGreaterThan(0);
    expect(received(RECEIVER_PATHS.slackCritical, start)).toEqual([]);
  });

  test("a critical one goes to the 'critical' receiver (Slack, mail, paging webhook); ALERT_WEBHOOK_URL gets a direct test notification", async () => {
    const start = Date.now();
    const direct = '/paging-direct';
    const result = await ops('test-alerts', ['--severity', 'critical'], {
      ALERTMANAGER_URL: env().ALERTMANAGER_URL,
      ALERT_WEBHOOK_URL: local.http.url(direct),
    });
    expect(result.findings).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `routed to receiver '${DEFAULT_RECEIVERS.critical}': Slack #liquid-audio-nets-critical, mail to oncall@liquid-audio-nets.example, webhook`,
    );
    for (const integration of ['slack', 'email', 'webhook'])
      expect(result.stdout).toContain(`${integration}: notified (`);
    expect(result.stdout).toContain(
      `ok    alert webhook http://127.0.0.1:${local.http.port}: accepted a test notification`,
    );
    expect(received(RECEIVER_PATHS.slackCritical, start).length).toBeGreaterThan(0);
    expect(received(RECEIVER_PATHS.pager, start).length).toBeGreaterThan(0);
    expect(local.smtp.mails.some((m) => m.at >= start && m.data.includes('MonitoringPipelineTest'))).toBe(true);
    const [payload] = received(direct, start).map((r) => JSON.parse(r.body));
    expect(payload).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'test-alerts',
      commonLabels: { alertname: 'MonitoringPipelineTest', severity: 'critical' },
    });
    // The webhook's URL is a credential: only its origin is printed.
    expect(result.stdout).not.toContain(direct);
  });

  test('no Alertmanager reachable: each named, exit 1; a bad --severity is a usage error', async () => {
    const nowhere = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    const result = await ops('test-alerts', [], { ALERTMANAGER_URL: nowhere.join(',') });
    expect(result.status).toBe(1);
    expect(result.findings).toEqual(nowhere.map((u) => `FAIL  alertmanager ${u}: unreachable (ECONNREFUSED)`));
    const usage = await ops('test-alerts', ['--severity', 'page'], { ALERTMANAGER_URL: env().ALERTMANAGER_URL });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("--severity must be one of critical, warning, info, got 'page'");
  });
});

describe('check-health with an Alertmanager peer down', () => {
  test('the peer is named unreachable, the others report an incomplete cluster, Prometheus its target down; exit 1', async () => {
    const [victim] = local.alertmanagers.slice(-1);
    await stopProcess(victim.process);
    // The survivors notice the loss after gossip's suspicion timeout, Prometheus after a scrape: bounded.
    const result = await waitFor(
      'check-health to report the peer down everywhere',
      async () => {
        const r = await ops('check-health', [], env());
        const all = r.findings.join('\n');
        return all.includes(`alertmanager ${victim.url}: unreachable`) &&
          all.includes('of 3 peers') &&
          all.includes(`target alertmanager ${victim.url.replace('http://', '')}`)
          ? r
          : undefined;
      },
      60_000,
      1000,
    );
    expect(result.status).toBe(1);
    expect(result.findings).toContain(`FAIL  alertmanager ${victim.url}: unreachable (ECONNREFUSED)`);
    for (const p of local.alertmanagers.filter((p) => p !== victim)) {
      expect(
        result.findings.find((f) => f.startsWith(`FAIL  alertmanager ${p.url}: cluster incomplete: sees 2 of 3 peers`)),
      ).toBeDefined();
    }
    expect(
      result.findings.find((f) =>
        f.startsWith(
          `FAIL  prometheus ${local.prometheus[0].url}: target alertmanager ${victim.url.replace('http://', '')} is down`,
        ),
      ),
    ).toBeDefined();
    expect(result.stdout).toContain(`ok    grafana ${local.grafana.url}`);
  });
});
