/**
 * `npm run test-alerts`: sends a labelled test alert through Alertmanager, as Prometheus does (to
 * every peer given), and reports where it was routed: the receiver, its integrations, and whether
 * Alertmanager's attempts to notify them succeeded. The alert is resolved before the command exits.
 * With ALERT_WEBHOOK_URL set, it also posts a test notification in Alertmanager's webhook format
 * straight to that paging webhook. Exit 0 routed and delivered, 1 findings, 2 usage error.
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { checkUrl, getJson, main, origin, reason, request, UsageError, urlsFromEnv } from './report';

const USAGE = `usage: ALERTMANAGER_URL=<url>[,<url>...] npm run test-alerts -- [--severity critical|warning|info]

  ALERTMANAGER_URL   one or more Alertmanager peers, comma-separated, e.g. http://localhost:9093;
                     the test alert is posted to each, as Prometheus posts alerts
  ALERT_WEBHOOK_URL  optional: the paging webhook; a test notification in Alertmanager's webhook
                     format (version 4) is also posted straight to it
  --severity         the test alert's severity, which decides its route (default: warning;
                     critical pages the on-call)
  CHECK_TIMEOUT_SECONDS  how long one request may take (default 5)

Exit status: 0 routed and delivered, 1 findings (one line each), 2 usage error.`;

/** The test alert's name: no rule of the stack uses it, and no inhibition mutes it. */
const TEST_ALERT = 'MonitoringPipelineTest';
const SEVERITIES = ['critical', 'warning', 'info'] as const;

interface ApiAlert {
  labels: Record<string, string>;
  receivers: Array<{ name: string }>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

interface ReceiverConfig {
  name: string;
  slack_configs?: Array<{ channel?: string }>;
  email_configs?: Array<{ to?: string }>;
  webhook_configs?: unknown[];
  pagerduty_configs?: unknown[];
  opsgenie_configs?: unknown[];
}

/** The integrations of `receiver`, as Alertmanager's metrics name them, each with what it notifies. */
function integrations(receiver: ReceiverConfig | undefined): Array<{ integration: string; target: string }> {
  if (!receiver) return [];
  return [
    ...(receiver.slack_configs ?? []).map((s) => ({
      integration: 'slack',
      target: `Slack ${s.channel ?? '(default channel)'}`,
    })),
    ...(receiver.email_configs ?? []).map((e) => ({ integration: 'email', target: `mail to ${e.to ?? '?'}` })),
    ...(receiver.webhook_configs ?? []).map(() => ({ integration: 'webhook', target: 'webhook' })),
    ...(receiver.pagerduty_configs ?? []).map(() => ({ integration: 'pagerduty', target: 'PagerDuty' })),
    ...(receiver.opsgenie_configs ?? []).map(() => ({ integration: 'opsgenie', target: 'Opsgenie' })),
  ];
}

/** Alertmanager's notification counters by integration, summed over the peers that answer. */
async function notificationCounters(
  urls: readonly string[],
): Promise<{ total: Map<string, number>; failed: Map<string, number> }> {
  const total = new Map<string, number>();
  const failed = new Map<string, number>();
  for (const url of urls) {
    let text: string;
    try {
      text = await (await request(`${url}/metrics`)).text();
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const match = /^alertmanager_notifications_(total|failed_total)\{([^}]*)\} (\S+)$/.exec(line);
      const integration = match && /integration="([^"]+)"/.exec(match[2])?.[1];
      if (!match || !integration) continue;
      const into = match[1] === 'total' ? total : failed;
      into.set(integration, (into.get(integration) ?? 0) + Number(match[3]));
    }
  }
  return { total, failed };
}

function parseArgs(argv: readonly string[]): { severity: (typeof SEVERITIES)[number] } {
  let severity: (typeof SEVERITIES)[number] = 'warning';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg.startsWith('--severity=')
      ? arg.slice('--severity='.length)
      : arg === '--severity'
        ? argv[++i]
        : undefined;
    if (value === undefined) throw new UsageError(`unknown argument '${arg}'`);
    if (!(SEVERITIES as readonly string[]).includes(value))
      throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}, got '${value}'`);
    severity = value as (typeof SEVERITIES)[number];
  }
  return { severity };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main('test-alerts', USAGE, async (report) => {
  const { severity } = parseArgs(process.argv.slice(2));
  const alertmanagers = urlsFromEnv('ALERTMANAGER_URL');
  const webhookEnv = process.env.ALERT_WEBHOOK_URL?.trim();
  const webhook = webhookEnv ? checkUrl('ALERT_WEBHOOK_URL', webhookEnv) : undefined;

  const testId = randomBytes(6).toString('hex');
  const labels = { alertname: TEST_ALERT, severity, device: 'test-alerts', test_id: testId };
  const annotations = {
    summary: `Test alert (${severity}) from npm run test-alerts`,
    description: `A test of the alerting pipeline, id ${testId}; no action needed. It resolves on its own.`,
  };
  const alert = (endsAt: Date) => ({
    labels,
    annotations,
    startsAt: new Date().toISOString(),
    endsAt: endsAt.toISOString(),
  });
  const post = (url: string, endsAt: Date) =>
    request(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert(endsAt)]),
    });

  const before = await notificationCounters(alertmanagers);
  const accepted: string[] = [];
  for (const url of alertmanagers) {
    try {
      const res = await post(url, new Date(Date.now() + 5 * 60_000));
      if (res.ok) accepted.push(url);
      else
        report.fail(
          `alertmanager ${url}`,
          `refused the test alert: ${res.status} ${(await res.text()).trim().slice(0, 200)}`,
        );
    } catch (error) {
      report.fail(`alertmanager ${url}`, reason(error));
    }
  }

  if (accepted.length > 0) {
    const url = accepted[0];
    const component = `alertmanager ${url}`;
    report.ok(
      component,
      `accepted test alert ${TEST_ALERT} (severity ${severity}, test_id ${testId})${accepted.length > 1 ? `, as did ${accepted.length - 1} more peers` : ''}`,
    );
    try {
      // Where Alertmanager routed it: its receivers, from the alert itself.
      const filter = encodeURIComponent(`test_id="${testId}"`);
      let found: ApiAlert | undefined;
      for (let i = 0; i < 50 && !found; i++) {
        [found] = await getJson<ApiAlert[]>(`${url}/api/v2/alerts?filter=${filter}`);
        if (!found) await sleep(200);
      }
      if (!found) {
        report.fail(component, 'the test alert did not show up in its alert list within 10 s');
      } else {
        const status = await getJson<{ config: { original: string } }>(`${url}/api/v2/status`);
        const config = parse(status.config.original) as {
          route?: { group_wait?: string };
          receivers?: ReceiverConfig[];
        };
        const routed = found.receivers.map((r) => r.name);
        const targets = routed.flatMap((name) => integrations(config.receivers?.find((r) => r.name === name)));
        report.ok(
          component,
          `routed to receiver${routed.length === 1 ? '' : 's'} ${routed.map((r) => `'${r}'`).join(', ')}: ${targets.map((t) => t.target).join(', ') || 'no integrations'}`,
        );
        if (found.status.state === 'suppressed') {
          const by = [
            ...found.status.inhibitedBy.map((f) => `inhibited by ${f}`),
            ...found.status.silencedBy.map((s) => `silenced by ${s}`),
          ];
          report.fail(component, `the test alert is muted (${by.join(', ')}): nothing is sent`);
        } else {
          // Alertmanager notifies after the route's group_wait; its counters say whether each integration was reached.
          const wanted = [...new Set(targets.map((t) => t.integration))];
          const groupWait = parseGoDuration(config.route?.group_wait ?? '30s');
          const deadline = Date.now() + groupWait + 15_000;
          let after = await notificationCounters(accepted);
          const delta = (m: 'total' | 'failed', i: string) => (after[m].get(i) ?? 0) - (before[m].get(i) ?? 0);
          while (Date.now() < deadline && !wanted.every((i) => delta('total', i) > 0)) {
            await sleep(500);
            after = await notificationCounters(accepted);
          }
          for (const integration of wanted) {
            if (delta('failed', integration) > 0)
              report.fail(
                component,
                `${integration}: ${delta('failed', integration)} of ${delta('total', integration)} notification attempts failed (see the peers' logs)`,
              );
            else if (delta('total', integration) === 0)
              report.fail(
                component,
                `${integration}: no notification attempt within group_wait (${config.route?.group_wait ?? '30s'}) + 15 s`,
              );
            else
              report.ok(
                component,
                `${integration}: notified (${delta('total', integration)} attempt${delta('total', integration) === 1 ? '' : 's'}, none failed)`,
              );
          }
        }
      }
    } catch (error) {
      report.fail(component, reason(error));
    } finally {
      // Resolved now, so the test alert does not stay in anyone's channel for five minutes.
      await Promise.all(accepted.map((u) => post(u, new Date()).catch(() => undefined)));
    }
  }

  if (webhook) {
    const component = `alert webhook ${origin(webhook)}`;
    const payload = {
      version: '4',
      groupKey: `{}:{test_id="${testId}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'test-alerts',
      groupLabels: { alertname: TEST_ALERT },
      commonLabels: labels,
      commonAnnotations: annotations,
      externalURL: alertmanagers[0],
      alerts: [
        {
          status: 'firing',
          labels,
          annotations,
          startsAt: new Date().toISOString(),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: testId,
        },
      ],
    };
    try {
      const res = await request(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (res.ok) report.ok(component, `accepted a test notification in Alertmanager's webhook format (${res.status})`);
      else report.fail(component, `refused a test notification: ${res.status}`);
    } catch (error) {
      report.fail(component, reason(error));
    }
  }
});

/** Milliseconds of a Go/Prometheus duration (`30s`, `500ms`, `1m30s`). */
function parseGoDuration(text: string): number {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)) total += Number(n) * units[unit];
  return total;
}
