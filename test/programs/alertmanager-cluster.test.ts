import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import {
  DEFAULT_RECEIVER_SECRETS,
  DEFAULT_TIMING,
  defaultRouting,
  deviceOffline,
  EXAMPLE_DEVICE,
  highMemoryUsage,
  lowThroughput,
  watchdog,
} from '../../alerts';
import { ALERTMANAGER_METRICS, type AlertRule, Duration, type SecretKeyRef } from '../../lib';
import { Alertmanager } from '../../lib/alertmanager/alertmanager';
import { secretFilePath } from '../../lib/k8s/secret-ref';
import { type AlertmanagerPeer, startAlertmanagerCluster, TEST_PEER_TIMEOUT } from '../support/alertmanager';
import { HttpSink, LOOPBACK, SmtpSink, sleep, waitUntil } from '../support/loopback';
import { byKind, type Manifest } from '../support/manifests';
import { run } from '../support/programs';

/**
 * Three real Alertmanager peers (the pinned version) gossiping on 127.0.0.1, running the configuration
 * taken from the rendered ConfigMap, deliver to an HTTP sink (Slack, paging webhook, dead man's
 * switch) and an SMTP sink served by this test. Alerts are posted to every peer, as Prometheus
 * does; each must be notified exactly once, also after a peer is killed.
 */
const BIN = 'alertmanager';
/** How long a peer waits per position before notifying (15s by default); short, so the test stays short. */
const PEER_TIMEOUT = TEST_PEER_TIMEOUT;
/** After the expected notifications arrived, how long a duplicate would still have to arrive: every peer's turn, and a margin. */
const QUIET = PEER_TIMEOUT.times(3).plus(Duration.seconds(2));
const PATHS = {
  slackCritical: '/slack/critical',
  slackWarnings: '/slack/warnings',
  pager: '/pager',
  deadMansSwitch: '/dead-mans-switch',
} as const;

type Peer = AlertmanagerPeer;

const api = (peer: Peer, path: string) => `http://${LOOPBACK}:${peer.web}${path}`;

/** The alert as Prometheus posts it: the rule's labels and rendered annotations, on a device's target labels. */
function firing(rule: AlertRule, target: Readonly<Record<string, string>>, value: number) {
  const labels = { alertname: rule.name, ...target, ...rule.ruleLabels };
  return {
    labels,
    annotations: { summary: rule.summary.render(labels, value), description: rule.description.render(labels, value) },
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    generatorURL: 'http://127.0.0.1:9090/graph',
  };
}

describe('a cluster of three real Alertmanagers with the generated configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertmanager-cluster-'));
  const password = randomBytes(12).toString('hex');
  const peers: Peer[] = [];
  let http: HttpSink;
  let smtp: SmtpSink;
  let configText = '';

  /** Posts alerts to every live peer, as Prometheus does; a dead peer refuses the connection. */
  async function postToAll(alerts: object[]): Promise<number[]> {
    const statuses = await Promise.all(
      peers.map((peer) =>
        fetch(api(peer, '/api/v2/alerts'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alerts),
        }).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    return statuses;
  }

  /** Notifications received so far mentioning `alertname`, per destination. */
  function delivered(alertname: string) {
    const at = (path: string) => http.to(path).filter((r) => r.body.includes(alertname)).length;
    return {
      slackCritical: at(PATHS.slackCritical),
      slackWarnings: at(PATHS.slackWarnings),
      pager: at(PATHS.pager),
      deadMansSwitch: at(PATHS.deadMansSwitch),
      email: smtp.mails.filter((m) => m.data.includes(alertname)).length,
    };
  }

  const once = { slackCritical: 1, slackWarnings: 0, pager: 1, deadMansSwitch: 0, email: 1 };
  const never = { slackCritical: 0, slackWarnings: 0, pager: 0, deadMansSwitch: 0, email: 0 };

  /** Waits (bounded) until `alertname` has reached every destination of `expected`, then for a duplicate's chance; returns the counts. */
  async function settleDeliveries(alertname: string, expected: ReturnType<typeof delivered>) {
    const complete = () =>
      Object.entries(expected).every(([k, n]) => delivered(alertname)[k as keyof typeof expected] >= n);
    await waitUntil(complete, 20_000);
    await sleep(QUIET.milliseconds);
    return delivered(alertname);
  }

  async function metrics(peer: Peer): Promise<string> {
    return (await fetch(api(peer, '/metrics'))).text();
  }

  beforeAll(async () => {
    // The real program or a failure that says how to install it; never a skip.
    run(BIN, ['--version'], dir);
    http = await HttpSink.start();
    smtp = await SmtpSink.start();

    // The secrets, as the mounted Secrets would hold them, under a secrets root of the test's own.
    const secretsRoot = join(dir, 'secrets');
    const values = new Map<SecretKeyRef, string>([
      [DEFAULT_RECEIVER_SECRETS.slackCriticalWebhookUrl, http.url(PATHS.slackCritical)],
      [DEFAULT_RECEIVER_SECRETS.slackWarningsWebhookUrl, http.url(PATHS.slackWarnings)],
      [DEFAULT_RECEIVER_SECRETS.alertWebhookUrl, http.url(PATHS.pager)],
      [DEFAULT_RECEIVER_SECRETS.deadMansSwitchUrl, http.url(PATHS.deadMansSwitch)],
      [DEFAULT_RECEIVER_SECRETS.smtpPassword, password],
    ]);
    for (const [ref, value] of values) {
      const file = secretFilePath(secretsRoot, ref);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, value);
    }

    // The stack's routing with the first notification after 1s instead of 30s, and mail to the SMTP sink.
    const routing = defaultRouting({
      timing: { ...DEFAULT_TIMING, groupWait: Duration.seconds(1) },
      smarthost: { host: LOOPBACK, port: smtp.port },
      requireTls: false,
    });
    const chart = new Chart(Testing.app(), 'alertmanager', { namespace: 'monitoring' });
    const am = new Alertmanager(chart, 'Alertmanager', { routing, secretsRoot });
    const [configMap] = byKind(Testing.synth(chart) as Manifest[], 'ConfigMap') as Array<
      Manifest & { data: Record<string, string> }
    >;
    configText = configMap.data['alertmanager.yml'];
    expect(configText).toBe(am.configText);
    expect(am.config.secretRefs.every((ref) => values.has(ref))).toBe(true);
    const configFile = join(dir, 'alertmanager.yml');
    writeFileSync(configFile, configText);

    // Bounded: every peer ready, in a settled cluster of three.
    peers.push(...(await startAlertmanagerCluster({ configFile, dir })));
  }, 45_000);

  afterAll(async () => {
    for (const peer of peers) {
      if (peer.process.exitCode === null && peer.process.signalCode === null)
        process.kill(peer.process.pid!, 'SIGKILL');
    }
    await Promise.all([http?.close(), smtp?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('each peer sees all three members and exposes every metric the self-monitoring alerts query', async () => {
    for (const peer of peers) {
      const text = await metrics(peer);
      expect([peer.index, /^alertmanager_cluster_members 3$/m.test(text)]).toEqual([peer.index, true]);
      const missing = Object.values(ALERTMANAGER_METRICS).filter((m) => !text.includes(`# TYPE ${m.name} ${m.type}`));
      expect(missing.map((m) => m.name)).toEqual([]);
    }
  });

  test('an alert posted to all three peers is notified exactly once on each integration; inhibited ones never', async () => {
    const device = EXAMPLE_DEVICE;
    const teamAlert = (severity: 'critical' | 'warning') => ({
      labels: { alertname: 'FrameDrops', severity, device: 'edge-03', job: device.job },
      annotations: { summary: `Frame drops on edge-03 (${severity})`, description: 'Frames dropped.' },
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    const alerts = [
      firing(deviceOffline, device, 0),
      // Muted by DeviceOffline on the same device.
      firing(highMemoryUsage, device, 12),
      // The warning is muted by the critical alert of the same name and device.
      teamAlert('critical'),
      teamAlert('warning'),
      firing(watchdog, {}, 1),
    ];
    expect(await postToAll(alerts)).toEqual([200, 200, 200]);

    expect(await settleDeliveries('DeviceOffline', once)).toEqual(once);
    expect(delivered('FrameDrops')).toEqual(once);
    expect(delivered('HighMemoryUsage')).toEqual(never);
    expect(http.to(PATHS.slackWarnings)).toEqual([]);
    expect(delivered('Watchdog')).toEqual({ ...never, deadMansSwitch: 1 });

    // The notifications carry what the rule says, and the credentials come from the secret files.
    const slack = JSON.parse(http.to(PATHS.slackCritical).find((r) => r.body.includes('DeviceOffline'))!.body);
    expect(slack.channel).toBe('#liquid-audio-nets-critical');
    expect(JSON.stringify(slack.attachments)).toContain(`Device ${device.device} is offline`);
    const pager = JSON.parse(http.to(PATHS.pager).find((r) => r.body.includes('DeviceOffline'))!.body);
    expect(pager).toMatchObject({
      receiver: 'critical',
      status: 'firing',
      // Grouped by alert name: one notification lists every device of a fault (alerts/routing.ts).
      groupLabels: { alertname: 'DeviceOffline' },
    });
    const mail = smtp.mails.find((m) => m.data.includes('DeviceOffline'))!;
    expect(mail).toMatchObject({
      to: ['oncall@liquid-audio-nets.example'],
      from: 'alertmanager@liquid-audio-nets.example',
    });
    expect(mail.auth).toEqual(['', 'alertmanager@liquid-audio-nets.example', password]);
  });

  test('with the first peer killed, a new alert is still notified exactly once', async () => {
    // Kill the peer at position 0, the one that notifies first; the others take over after their wait.
    const positions = await Promise.all(
      peers.map(async (p) => Number(/^alertmanager_peer_position (\d+)$/m.exec(await metrics(p))?.[1])),
    );
    expect([...positions].sort()).toEqual([0, 1, 2]);
    const first = peers[positions.indexOf(0)];
    process.kill(first.process.pid!, 'SIGKILL');
    expect(await waitUntil(() => first.process.exitCode !== null || first.process.signalCode !== null, 5000)).toBe(
      true,
    );

    const statuses = await postToAll([firing(lowThroughput, { ...EXAMPLE_DEVICE, device: 'edge-02' }, 12_000)]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses[first.index]).toBe(0);

    expect(await settleDeliveries('LowThroughput', once)).toEqual(once);
    expect(delivered('DeviceOffline')).toEqual(once);
  });
});
