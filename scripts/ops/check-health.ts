/**
 * `npm run check-health`: is every component of a running stack ready? Prometheus ready and
 * healthy, every target up, every rule evaluating, an Alertmanager to send to; every Alertmanager
 * peer ready in a complete cluster; Grafana healthy; Jaeger's query API answering; the Pushgateway
 * ready, with no group whose last push failed. One line per check; each finding names the
 * component and its URL. Exit 0 healthy, 1 findings, 2 usage error.
 */
import { App } from 'cdk8s';
import { config } from '../../config';
import { MonitoringStack } from '../../lib';
import { checkUrl, getJson, main, type Report, reason, request, UsageError, urlFromEnv, urlsFromEnv } from './report';

const USAGE = `usage: PROMETHEUS_URL=<url> ALERTMANAGER_URL=<url>[,<url>...] GRAFANA_URL=<url> npm run check-health

  PROMETHEUS_URL     a Prometheus server, e.g. http://localhost:9090 (kubectl -n monitoring port-forward svc/prometheus 9090)
  ALERTMANAGER_URL   one or more Alertmanager peers, comma-separated, e.g. http://localhost:9093
  GRAFANA_URL        Grafana, e.g. http://localhost:3000
  JAEGER_URL         the bundled Jaeger's query API, e.g. http://localhost:16686 (not checked when unset)
  PUSHGATEWAY_URL    the Pushgateway, e.g. http://localhost:9091 (not checked when unset)
  ALERTMANAGER_PEERS the size of a complete Alertmanager cluster (default: the stack's replicas, from config.ts)
  CHECK_TIMEOUT_SECONDS  how long one request may take (default 5)

Exit status: 0 every component healthy, 1 findings (one line each), 2 usage error.`;

interface Target {
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

async function checkPrometheus(report: Report, url: string): Promise<void> {
  const component = `prometheus ${url}`;
  try {
    for (const [path, what] of [
      ['/-/healthy', 'healthy'],
      ['/-/ready', 'ready'],
    ] as const) {
      const res = await request(`${url}${path}`);
      if (!res.ok) return report.fail(component, `not ${what}: ${path} answered ${res.status}`);
    }
  } catch (error) {
    return report.fail(component, reason(error));
  }
  try {
    const { data } = await getJson<{ data: { activeTargets: Target[] } }>(`${url}/api/v1/targets?state=active`);
    report.ok(component, 'ready and healthy');
    const down = data.activeTargets.filter((t) => t.health !== 'up');
    const jobs = [...new Set(data.activeTargets.map((t) => t.labels.job))].sort();
    if (data.activeTargets.length === 0)
      report.fail(component, 'has no active scrape targets: discovery finds nothing');
    else if (down.length === 0)
      report.ok(
        component,
        `${data.activeTargets.length} of ${data.activeTargets.length} targets up (${jobs.join(', ')})`,
      );
    for (const t of down) {
      const device = t.labels.device ? ` (device ${t.labels.device})` : '';
      report.fail(
        component,
        `target ${t.labels.job} ${t.labels.instance}${device} is ${t.health}${t.lastError ? `: ${t.lastError}` : ''}`,
      );
    }
    const rules = await getJson<{
      data: { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }> };
    }>(`${url}/api/v1/rules`);
    const failing = rules.data.groups.flatMap((g) =>
      g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}: ${r.lastError ?? 'error'}`),
    );
    for (const f of failing) report.fail(component, `rule ${f}`);
    const count = rules.data.groups.reduce((n, g) => n + g.rules.length, 0);
    if (count === 0) report.fail(component, 'has no rules loaded');
    else if (failing.length === 0)
      report.ok(component, `${count} rules in ${rules.data.groups.length} groups evaluating without error`);
    const ams = await getJson<{ data: { activeAlertmanagers: unknown[] } }>(`${url}/api/v1/alertmanagers`);
    if (ams.data.activeAlertmanagers.length === 0) report.fail(component, 'has no Alertmanager to send alerts to');
    else report.ok(component, `sends alerts to ${ams.data.activeAlertmanagers.length} Alertmanagers`);
  } catch (error) {
    report.fail(component, reason(error));
  }
}

async function checkAlertmanager(report: Report, url: string, peers: number): Promise<void> {
  const component = `alertmanager ${url}`;
  try {
    const ready = await request(`${url}/-/ready`);
    if (!ready.ok) return report.fail(component, `not ready: /-/ready answered ${ready.status}`);
    const status = await getJson<{ cluster: { status: string; peers?: Array<{ name: string; address: string }> } }>(
      `${url}/api/v2/status`,
    );
    const seen = status.cluster.peers?.length ?? 0;
    if (status.cluster.status !== 'ready')
      report.fail(component, `cluster ${status.cluster.status}, not ready (sees ${seen} of ${peers} peers)`);
    else if (seen < peers)
      report.fail(
        component,
        `cluster incomplete: sees ${seen} of ${peers} peers (${(status.cluster.peers ?? []).map((p) => p.address).join(', ')})`,
      );
    else report.ok(component, `ready; cluster ready with ${seen} of ${peers} peers`);
  } catch (error) {
    report.fail(component, reason(error));
  }
}

async function checkGrafana(report: Report, url: string): Promise<void> {
  const component = `grafana ${url}`;
  try {
    const res = await request(`${url}/api/health`);
    const text = await res.text();
    let body: { database?: string; version?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Reported below by what is missing.
    }
    if (!res.ok || body.database !== 'ok') {
      return report.fail(
        component,
        `unhealthy: /api/health answered ${res.status}${body.database ? `, database ${body.database}` : text ? `: ${text.trim().slice(0, 200)}` : ''}`,
      );
    }
    report.ok(component, `healthy (version ${body.version ?? 'unknown'}, database ok)`);
  } catch (error) {
    report.fail(component, reason(error));
  }
}

async function checkJaeger(report: Report, url: string): Promise<void> {
  const component = `jaeger ${url}`;
  try {
    const { data } = await getJson<{ data: string[] | null }>(`${url}/api/services`);
    const services = data ?? [];
    report.ok(
      component,
      `query API answering; traces of ${services.length} service${services.length === 1 ? '' : 's'} stored`,
    );
  } catch (error) {
    report.fail(component, reason(error));
  }
}

interface PushedGroup {
  labels: Record<string, string>;
  push_time_seconds?: { metrics: Array<{ value: string }> };
  push_failure_time_seconds?: { metrics: Array<{ value: string }> };
}

async function checkPushgateway(report: Report, url: string): Promise<void> {
  const component = `pushgateway ${url}`;
  try {
    for (const [path, what] of [
      ['/-/healthy', 'healthy'],
      ['/-/ready', 'ready'],
    ] as const) {
      const res = await request(`${url}${path}`);
      if (!res.ok) return report.fail(component, `not ${what}: ${path} answered ${res.status}`);
    }
    const { data } = await getJson<{ data: PushedGroup[] }>(`${url}/api/v1/metrics`);
    report.ok(component, `ready and healthy; ${data.length} pushed group${data.length === 1 ? '' : 's'}`);
    const last = (m?: { metrics: Array<{ value: string }> }) => Number(m?.metrics[0]?.value ?? 0);
    for (const g of data) {
      if (last(g.push_failure_time_seconds) > last(g.push_time_seconds))
        report.fail(component, `the last push of job ${g.labels.job ?? '(none)'} failed`);
    }
  } catch (error) {
    report.fail(component, reason(error));
  }
}

/** An optional URL from the environment: undefined when unset. */
function optionalUrl(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : checkUrl(name, value.trim());
}

/** The size of a complete cluster: ALERTMANAGER_PEERS, or the replicas config.ts deploys. */
function expectedPeers(): number {
  const value = process.env.ALERTMANAGER_PEERS;
  if (value !== undefined && value !== '') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`ALERTMANAGER_PEERS must be a whole number of at least 1, got '${value}'`);
    return n;
  }
  return new MonitoringStack(new App(), 'stack', config).alertmanager.replicas;
}

main('check-health', USAGE, async (report) => {
  if (process.argv.length > 2) throw new UsageError(`takes no arguments, got '${process.argv.slice(2).join(' ')}'`);
  const prometheus = urlFromEnv('PROMETHEUS_URL');
  const alertmanagers = urlsFromEnv('ALERTMANAGER_URL');
  const grafana = urlFromEnv('GRAFANA_URL');
  const jaeger = optionalUrl('JAEGER_URL');
  const pushgateway = optionalUrl('PUSHGATEWAY_URL');
  const peers = expectedPeers();
  await checkPrometheus(report, prometheus);
  for (const url of alertmanagers) await checkAlertmanager(report, url, peers);
  await checkGrafana(report, grafana);
  if (jaeger) await checkJaeger(report, jaeger);
  else report.note('jaeger', 'JAEGER_URL not set: not checked');
  if (pushgateway) await checkPushgateway(report, pushgateway);
  else report.note('pushgateway', 'PUSHGATEWAY_URL not set: not checked');
});
