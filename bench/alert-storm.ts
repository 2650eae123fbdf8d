import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import {
  DEFAULT_INHIBIT_RULES,
  DEFAULT_RECEIVER_SECRETS,
  DEFAULT_RECEIVERS,
  DEFAULT_TIMING,
  defaultRouting,
  scaleDurations,
  THRESHOLDS,
} from '../alerts';
import { stackConfig } from '../config';
import { type AlertRoutingProps, DEVICE_TARGETS, Duration, MonitoringStack, type SecretKeyRef } from '../lib';
import { ALERTMANAGER_SECRETS_ROOT } from '../lib/alertmanager/alertmanager-config';
import { secretFilePath } from '../lib/k8s/secret-ref';
import { startAlertmanagerCluster } from '../test/support/alertmanager';
import { HttpSink, LOOPBACK, SmtpSink, sleep } from '../test/support/loopback';
import { byKind, chartById, type Manifest } from '../test/support/manifests';
import { stopProcess } from '../test/support/processes';
import { ruleGroups } from './alert-quality-scenarios';

/**
 * The storm scenarios of `npm run alert-quality`: the pinned Alertmanager cluster (every peer of
 * the rendered StatefulSet, its flags and the rendered alertmanager.yml) receives the alerts of a
 * fault on a fleet of 10,000 devices exactly as the Prometheus HA pair posts them (both replicas
 * to every peer, in batches of 256, resent every resend delay with the same validity), and the
 * notifications its receivers' integrations deliver to loopback sinks are counted. Which alerts
 * fire together follows from the rules: a fleet alert sits in its device alert's group with the
 * same `for`, so both fire in the same evaluation (the generated promtool tests check that each
 * fires at `for` + one evaluation). Every duration runs on a clock compressed by `factor`.
 */

export const STORM_DEVICES = 10_000;
/** Prometheus' default `--rules.alert.resend-delay`: a firing alert is re-sent this often, valid 4 times as long. */
const RESEND_DELAY = Duration.minutes(1);
/** Prometheus' notifier sends at most this many alerts per request (DefaultMaxBatchSize in notifier/manager.go). */
const BATCH = 256;
/** The goals count notifications in the first 10 minutes of a fault. */
export const STORM_WINDOW = Duration.minutes(10);

/** One alert as Prometheus posts it to `/api/v2/alerts`. */
interface PostedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export type StormVariant = 'before' | 'after';

export interface StormScenario {
  readonly name: string;
  /** The device alert and how many devices it fires on. */
  readonly alert: string;
  readonly devices: number;
  /** Fleet alerts that fire with it ('after' only: the rules before had none). */
  readonly fleet: readonly string[];
  /** A device every notification must name (a single-device fault). @default - none checked */
  readonly names?: string;
}

export const STORM_SCENARIOS: readonly StormScenario[] = [
  {
    name: 'regional network cut: 3,000 of 10,000 devices offline',
    alert: 'DeviceOffline',
    devices: 3000,
    fleet: ['FleetDeviceOffline'],
  },
  {
    name: 'bad model rollout: accuracy below the floor on all 10,000',
    alert: 'LowModelAccuracy',
    devices: STORM_DEVICES,
    fleet: ['FleetLowModelAccuracy'],
  },
  {
    name: 'Prometheus sees no device: all 10,000 offline',
    alert: 'DeviceOffline',
    devices: STORM_DEVICES,
    fleet: ['FleetDeviceOffline', 'PrometheusSeesNoDevice'],
  },
  {
    name: 'local fault: 400 of 10,000 offline (4%, under the fleet share)',
    alert: 'DeviceOffline',
    devices: 400,
    fleet: [],
  },
  { name: 'single device offline', alert: 'DeviceOffline', devices: 1, fleet: [], names: deviceName(4241) },
];

function deviceName(d: number): string {
  return `edge-${String(d + 1).padStart(5, '0')}`;
}

/** What a storm run counted. */
export interface StormResult {
  readonly scenario: StormScenario;
  readonly variant: StormVariant;
  /** Notifications per `receiver/integration` within the window, every integration of the routing listed. */
  readonly counts: Readonly<Record<string, number>>;
  /** Whether every notification named `scenario.names`. @default - not checked */
  readonly namedDevice?: boolean;
  /** "and N more" in the Slack texts, the largest N (the notification listed the first alerts and counted the rest). */
  readonly more?: number;
  /** Batches of 256 alerts a peer failed to take (dropped, as Prometheus drops them, and re-sent). */
  readonly dropped?: number;
  /** The Slack titles, in the order received: which alerts were notified. */
  readonly titles: readonly string[];
}

/** The routing before fleet-aware alerting: one notification per alert name and device, no fleet inhibition. */
export function routingFor(variant: StormVariant, timing: typeof DEFAULT_TIMING): AlertRoutingProps {
  const routing = defaultRouting({ timing, smarthost: { host: LOOPBACK, port: 25 }, requireTls: false });
  if (variant === 'after') return routing;
  return {
    ...routing,
    groupBy: ['alertname', DEVICE_TARGETS.deviceLabel],
    inhibitRules: DEFAULT_INHIBIT_RULES.slice(0, 2),
    listedAlerts: undefined,
    titleLabel: undefined,
  };
}

/**
 * The alerts of a scenario, labelled and annotated as the rules of the shipped stack render them,
 * in the order Prometheus sends them: its group's rules in order, each rule's alerts as it is evaluated.
 */
function alertsOf(scenario: StormScenario, variant: StormVariant, cluster: string): PostedAlert[] {
  const groups = ruleGroups(THRESHOLDS);
  const firing = [scenario.alert, ...(variant === 'after' ? scenario.fleet : [])];
  const group = groups.find((g) => g.rules.some((r) => r.name === scenario.alert))!;
  const out: PostedAlert[] = [];
  for (const rule of group.rules.filter((r) => firing.includes(r.name))) {
    const annotations = (labels: Record<string, string>, v: number) => ({
      ...group.annotationsOf(rule),
      summary: rule.summary.render(labels, v),
      description: rule.description.render(labels, v),
    });
    if (rule.name !== scenario.alert) {
      // A fleet alert: no device labels; its value is the affected share of the fleet.
      const labels = { ...rule.ruleLabels, alertname: rule.name, cluster };
      const share = rule.name === 'PrometheusSeesNoDevice' ? 0 : scenario.devices / STORM_DEVICES;
      out.push({ labels, annotations: annotations(labels, share) });
      continue;
    }
    for (let d = 0; d < scenario.devices; d++) {
      const n = scenario.names ? 4241 : d;
      const labels = {
        job: DEVICE_TARGETS.job,
        instance: `10.${Math.floor(n / 250)}.${n % 250}.1:8080`,
        [DEVICE_TARGETS.deviceLabel]: deviceName(n),
        ...(variant === 'before' ? { severity: rule.severity } : rule.ruleLabels),
        alertname: rule.name,
        cluster,
      };
      out.push({ labels, annotations: annotations(labels, rule.name === 'DeviceOffline' ? 0 : 0.85) });
    }
  }
  return out;
}

/**
 * Posts `alerts` as one Prometheus replica does to one Alertmanager: batches of 256, in order. A
 * batch that fails (a peer too loaded to answer) is dropped, as Prometheus' notifier drops it; the
 * next resend posts it again. Returns the batches dropped.
 */
async function post(url: string, alerts: readonly PostedAlert[], startsAt: string, endsAt: string): Promise<number> {
  let dropped = 0;
  for (let i = 0; i < alerts.length; i += BATCH) {
    const body = alerts
      .slice(i, i + BATCH)
      .map((a) => ({ ...a, startsAt, endsAt, generatorURL: 'http://prometheus/graph' }));
    try {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) dropped++;
    } catch {
      dropped++;
    }
  }
  return dropped;
}

/** The rendered Alertmanager (alertmanager.yml, StatefulSet args and replicas) for a routing. */
function renderAlertmanager(routing: AlertRoutingProps): {
  yml: string;
  args: string[];
  replicas: number;
  cluster: string;
} {
  const base = stackConfig();
  const app = Testing.app();
  const stack = new MonitoringStack(app, 'stack', { ...base, alertmanager: { ...base.alertmanager, routing } });
  const manifests = Testing.synth(chartById(app.charts, 'alertmanager')) as Manifest[];
  const config = byKind(manifests, 'ConfigMap').find((m) => m.metadata.name === `${stack.alertmanager.name}-config`);
  const set = byKind(manifests, 'StatefulSet')[0] as unknown as {
    spec: { replicas?: number; template: { spec: { containers: Array<{ args?: string[] }> } } };
  };
  return {
    yml: (config as unknown as { data: Record<string, string> }).data['alertmanager.yml'],
    args: set.spec.template.spec.containers[0].args ?? [],
    replicas: set.spec.replicas ?? 1,
    // Prometheus' `cluster` external label, which every alert it posts carries.
    cluster: base.instance ?? 'liquid-audio-nets',
  };
}

const PATHS = { slackCritical: '/slack/critical', slackWarnings: '/slack/warnings', pager: '/pager', dms: '/dms' };

/** Runs one scenario against a fresh Alertmanager cluster on a clock compressed by `factor`. */
export async function runStorm(scenario: StormScenario, variant: StormVariant, factor: number): Promise<StormResult> {
  const dir = mkdtempSync(join(tmpdir(), 'alert-storm-'));
  const http = await HttpSink.start();
  const smtp = await SmtpSink.start();
  const stops: Array<() => Promise<unknown>> = [() => http.close(), () => smtp.close()];
  try {
    const timing = scaleDurations(DEFAULT_TIMING, factor);
    const routing = withSmtp(routingFor(variant, timing), smtp.port);
    const rendered = renderAlertmanager(routing);
    const secretsRoot = join(dir, 'secrets');
    const secrets = new Map<SecretKeyRef, string>([
      [DEFAULT_RECEIVER_SECRETS.slackCriticalWebhookUrl, http.url(PATHS.slackCritical)],
      [DEFAULT_RECEIVER_SECRETS.slackWarningsWebhookUrl, http.url(PATHS.slackWarnings)],
      [DEFAULT_RECEIVER_SECRETS.alertWebhookUrl, http.url(PATHS.pager)],
      [DEFAULT_RECEIVER_SECRETS.deadMansSwitchUrl, http.url(PATHS.dms)],
      [DEFAULT_RECEIVER_SECRETS.smtpPassword, 'storm-bench'],
    ]);
    for (const [ref, value] of secrets) {
      const file = secretFilePath(secretsRoot, ref);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, value);
    }
    const configFile = join(dir, 'alertmanager.yml');
    writeFileSync(configFile, rendered.yml.split(ALERTMANAGER_SECRETS_ROOT).join(secretsRoot));
    const peers = await startAlertmanagerCluster({
      configFile,
      dir,
      containerArgs: rendered.args,
      peers: rendered.replicas,
    });
    stops.push(() => Promise.all(peers.map((p) => stopProcess(p.process))));

    const alerts = alertsOf(scenario, variant, rendered.cluster);
    const interval = Duration.millis(Math.round(stackConfig().evaluationInterval!.milliseconds * factor));
    const resend = Duration.millis(Math.round(RESEND_DELAY.milliseconds * factor));
    const validity = (resend.compareTo(interval) > 0 ? resend : interval).times(4);
    const window = STORM_WINDOW.times(factor).milliseconds;
    const startsAt = new Date().toISOString();
    const started = Date.now();
    let dropped = 0;
    // Both servers of the Prometheus HA pair post every alert to every peer, and re-send it every resend delay.
    while (Date.now() - started < window) {
      const endsAt = new Date(Date.now() + validity.milliseconds).toISOString();
      const round = Date.now();
      const lost = await Promise.all([0, 1].flatMap(() => peers.map((p) => post(p.url, alerts, startsAt, endsAt))));
      dropped += lost.reduce((a, b) => a + b, 0);
      await sleep(Math.max(0, resend.milliseconds - (Date.now() - round)));
    }
    const until = started + window;
    return { scenario, variant, dropped, ...count(http, smtp, until, scenario.names) };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The default routing's mail goes to the loopback SMTP sink. */
function withSmtp(routing: AlertRoutingProps, port: number): AlertRoutingProps {
  return {
    ...routing,
    receivers: routing.receivers.map((r) => ({
      ...r,
      ...(r.email ? { email: r.email.map((e) => ({ ...e, smarthost: { host: LOOPBACK, port } })) } : {}),
    })),
  };
}

/** Notifications per receiver integration up to `until`, whether each named `device`, and the largest "and N more". */
function count(
  http: HttpSink,
  smtp: SmtpSink,
  until: number,
  device?: string,
): Pick<StormResult, 'counts' | 'namedDevice' | 'more' | 'titles'> {
  const titles: string[] = [];
  const R = DEFAULT_RECEIVERS;
  const counts: Record<string, number> = {
    [`${R.critical}/slack`]: 0,
    [`${R.critical}/email`]: 0,
    [`${R.critical}/webhook`]: 0,
    [`${R.warning}/slack`]: 0,
  };
  let named = true;
  let more: number | undefined;
  const key: Record<string, string> = {
    [PATHS.slackCritical]: `${R.critical}/slack`,
    [PATHS.slackWarnings]: `${R.warning}/slack`,
    [PATHS.pager]: `${R.critical}/webhook`,
  };
  for (const request of http.requests.filter((r) => r.at <= until && r.path in key)) {
    counts[key[request.path]]++;
    const body = JSON.parse(request.body);
    const text: string =
      request.path === PATHS.pager
        ? JSON.stringify(body.alerts.map((a: { labels: Record<string, string> }) => a.labels))
        : (body.attachments?.[0]?.text ?? '');
    if (device !== undefined && !text.includes(device)) named = false;
    if (request.path !== PATHS.pager) titles.push(String(body.attachments?.[0]?.title ?? ''));
    const m = /and (\d+) more firing/.exec(text);
    if (m) more = Math.max(more ?? 0, Number(m[1]));
  }
  for (const mail of smtp.mails.filter((m) => m.at <= until)) {
    counts[`${R.critical}/email`]++;
    // Quoted-printable soft line breaks could split the name.
    if (device !== undefined && !mail.data.replace(/=\r\n/g, '').includes(device)) named = false;
  }
  return {
    counts,
    titles,
    ...(device !== undefined ? { namedDevice: named } : {}),
    ...(more !== undefined ? { more } : {}),
  };
}
