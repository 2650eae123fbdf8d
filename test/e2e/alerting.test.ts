/**
 * End to end: the rendered stack running on loopback (the pinned Prometheus HA pair, three gossiping
 * Alertmanager peers, node_exporter), a simulated fleet of liquid-audio-nets devices each playing a
 * scenario, and sinks recording every notification. For every seed alert: the right device raises
 * exactly its alert, with its severity, delivered once to the right receiver's integrations,
 * resolved when the scenario ends; nominal devices raise nothing; an offline device's warnings are
 * inhibited. Time is compressed by FACTOR through the thresholds and the route timing (options),
 * never by editing the rendered rules.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { DEFAULT_RECEIVERS, NODE_HEALTH_ALERTS, scaleDurations, THRESHOLDS } from '../../alerts';
import { stackConfig } from '../../config';
import {
  type AlertRule,
  Celsius,
  Duration,
  Hertz,
  Megabytes,
  Milliseconds,
  Milliwatts,
  MonitoringStack,
  Percent,
  type Quantity,
  SERVICE_METRICS,
  type Severity,
  StagedApp,
  Units,
} from '../../lib';
import { TEST_PEER_TIMEOUT } from '../support/alertmanager';
import { nominalReadings } from '../support/device-simulator';
import { DIST_DIR, distFiles } from '../support/dist';
import { type DeviceSpec, type FaultRecord, type FaultWindow, SCENARIOS } from '../support/fleet';
import { waitFor } from '../support/http';
import { type LocalStack, NOMINAL_SENSORS, startLocalStack } from '../support/local-stack';
import { sleep } from '../support/loopback';
import { SEED_SEVERITIES } from '../support/manifests';
import { describeNotification, type Notification, readNotifications } from '../support/notifications';
import { stillRunning } from '../support/processes';
import { getJson } from '../support/prometheus-local';

/**
 * Two minutes of production time are one second here: a 5m `for` is 2.5s, the 6h accuracy baseline
 * 3m ending 30s ago, Alertmanager's 30s group_wait 0.25s and 5m group_interval 2.5s. Scrapes and
 * rule evaluations run every second, still finer than the shortest `for` (DeviceOffline's, 1s).
 */
const FACTOR = 1 / 120;
const seconds = (from: number, until: number): FaultWindow => ({
  from: Duration.seconds(from),
  until: Duration.seconds(until),
});

/** How late a notification may be after the earliest it can be (`for` after the fault): scrape, evaluation, group_wait, delivery. */
const NOTIFY_SLACK = Duration.seconds(20);

interface Case {
  readonly alert: string;
  readonly device: string;
  readonly spec: Omit<DeviceSpec, 'name'>;
  /** From the fault's start until the rule's expression holds (a leak takes time to cross the threshold). @default Duration.ZERO */
  readonly onset?: Duration;
}

const accuracy = SERVICE_METRICS.modelAccuracy;
/** A device whose model scores `value`: 97% is a good release; 91% a marginal one, just above the 90% floor. */
const scoring = (value: Quantity<'fraction'>) => nominalReadings().set(accuracy, value.in(accuracy.unit));
const LEAK = Megabytes.of(0.5);

/**
 * One device per seed alert, each its own target; faults overlap in time on different devices, one
 * device (10% of the ten) per alert at a time, under the fleet share of the fleet-level alerts.
 */
const CASES: readonly Case[] = [
  {
    alert: 'HighInferenceLatency',
    device: 'edge-03',
    spec: { scenario: SCENARIOS.slowInference(seconds(3, 25), Milliseconds.of(40)) },
  },
  {
    alert: 'HighPowerConsumption',
    device: 'edge-04',
    spec: { scenario: SCENARIOS.powerSpike(seconds(3, 30), Milliwatts.of(4.5)) },
  },
  {
    alert: 'HighMemoryUsage',
    device: 'edge-05',
    spec: { scenario: SCENARIOS.memoryGrowth(seconds(3, 35), LEAK) },
    // From the nominal 6.2 MB to the 10 MB threshold at 0.5 MB/s.
    onset: Duration.millis(
      ((THRESHOLDS.memoryUsage.warning.in(Units.megabytes) - nominalReadings().get(SERVICE_METRICS.memoryUsage)!) /
        LEAK.amount) *
        1000,
    ),
  },
  // A drop below the floor on a marginal model (92.5% to 88%) is not also a drift of more than 5 points, nor
  // (validation scoring 92.5% too) a divergence from validation. Back at 92.5% it is past the 92% resolve
  // level; a model back at 91% would stay inside the band, firing.
  {
    alert: 'LowModelAccuracy',
    device: 'edge-06',
    spec: {
      scenario: SCENARIOS.accuracyDrop(seconds(3, 30), Percent.of(88)),
      nominal: scoring(Percent.of(92.5)).set(SERVICE_METRICS.validationAccuracy, 0.925),
    },
  },
  {
    alert: 'LowThroughput',
    device: 'edge-07',
    spec: { scenario: SCENARIOS.throughputBelowRealTime(seconds(3, 25), Hertz.of(12_000)) },
  },
  { alert: 'DeviceOffline', device: 'edge-08', spec: { scenario: SCENARIOS.deviceDown(seconds(3, 30)) } },
  // After edge-08 is back and notified resolved: notifications are grouped by alert name, and 2 of 10
  // devices offline at once would be a fleet-wide fault (FleetDeviceOffline) instead of two device faults.
  { alert: 'DeviceOffline', device: 'edge-09', spec: { scenario: SCENARIOS.deviceGone(seconds(40, 58)) } },
  // The baseline of ModelAccuracyDegrading ends 1h (here 30s) ago: the drop comes after that much history.
  {
    alert: 'ModelAccuracyDegrading',
    device: 'edge-10',
    spec: { scenario: SCENARIOS.accuracyDegrading(seconds(35, 60), Percent.of(91)), nominal: scoring(Percent.of(97)) },
    // The 5s window's mean drops 6 points once 5/6 of it holds the drop: 4 of its samples at least.
    onset: Duration.seconds(4),
  },
];
const NOMINAL_DEVICES = ['edge-01', 'edge-02'];
/** While edge-08's inference service is down, its node_exporter reports it hot: DeviceTooHot fires and must stay muted. */
const INHIBITED = { alert: 'DeviceTooHot', device: 'edge-08', hot: seconds(4, 24), temperature: Celsius.of(85) };

/** Where each severity must be delivered: receiver/integration, firing and resolved (email does not send resolved). */
const DELIVERY: Record<'critical' | 'warning', Record<string, number>> = {
  critical: {
    [`${DEFAULT_RECEIVERS.critical}/slack firing`]: 1,
    [`${DEFAULT_RECEIVERS.critical}/email firing`]: 1,
    [`${DEFAULT_RECEIVERS.critical}/webhook firing`]: 1,
    [`${DEFAULT_RECEIVERS.critical}/slack resolved`]: 1,
    [`${DEFAULT_RECEIVERS.critical}/webhook resolved`]: 1,
  },
  warning: {
    [`${DEFAULT_RECEIVERS.warning}/slack firing`]: 1,
    [`${DEFAULT_RECEIVERS.warning}/slack resolved`]: 1,
  },
};
/** The seed alerts and their severities: the rules must agree. */
const SEED_SEVERITY: Record<string, Severity> = SEED_SEVERITIES;
/**
 * The node-health alerts judge the machine this test runs on, through its real node_exporter (the
 * hardware device's): its clock (often not NTP-synchronised in CI), disks and memory, which the
 * test does not control. They are left out of the "nothing else" checks; their rules have promtool tests.
 */
const NODE_HEALTH = new Set(NODE_HEALTH_ALERTS.map((r) => r.name));

const suiteStart = Date.now();
let local: LocalStack | undefined;
let faults: FaultRecord[] = [];
let notifications: Notification[] = [];
/** alertname and alertstate of every ALERTS series Prometheus held during the run, by device. */
let alertsByDevice = new Map<string, Set<string>>();
/** Evaluations at which PrometheusSeesNoDevice fired after the clock started (its series, if any). */
let blindWhileRunning: unknown[] = [];
/** What Alertmanager said about the inhibited alert whenever it held it. */
const inhibitedStates: Array<{ state: string; inhibitedBy: string[] }> = [];
const timings: Record<string, number> = {};

jest.setTimeout(300_000);

function rule(name: string): AlertRule {
  const found = local!.stack.ruleGroups.flatMap((g) => g.rules).find((r) => r.name === name);
  if (!found) throw new Error(`no alert rule '${name}' in the stack`);
  return found;
}

const key = (n: Notification) => `${n.receiver}/${n.integration} ${n.status}`;
function counts(list: readonly Notification[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const n of list) result[key(n)] = (result[key(n)] ?? 0) + 1;
  return result;
}
const of = (alert: string, device: string) => notifications.filter((n) => n.alertname === alert && n.device === device);

beforeAll(async () => {
  const devices: DeviceSpec[] = [
    ...NOMINAL_DEVICES.map((name) => ({ name, scenario: SCENARIOS.nominal() })),
    ...CASES.map((c) => ({ name: c.device, ...c.spec })),
  ];
  local = await startLocalStack({ factor: FACTOR, devices, hardwareDevice: INHIBITED.device });
  const stack = local;
  timings.stackUp = Date.now() - suiteStart;

  // Every target of every Prometheus server up before the clock starts.
  for (const p of stack.prometheus) {
    await waitFor(`every target of ${p.url} up`, async () => {
      const { data } = await getJson(p.url, '/api/v1/targets?state=active');
      const up = data.activeTargets.filter((t: any) => t.health === 'up').length;
      return up === data.activeTargets.length && up >= devices.length ? true : undefined;
    });
  }

  // Alertmanager's view of the alert that must stay muted, sampled through the run.
  const peer = stack.alertmanagers[0];
  const watcher = setInterval(() => {
    fetch(`${peer.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${INHIBITED.alert}"`)}`)
      .then(
        (r) =>
          r.json() as Promise<
            Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>
          >,
      )
      .then((alerts) => {
        for (const a of alerts)
          if (a.labels.device === INHIBITED.device)
            inhibitedStates.push({ state: a.status.state, inhibitedBy: a.status.inhibitedBy });
      })
      .catch(() => undefined);
  }, 250);
  try {
    faults = await stack.fleet.run({
      discovery: (present) => stack.discover(present),
      events: [
        {
          at: INHIBITED.hot.from,
          action: () => stack.setSensors({ ...NOMINAL_SENSORS, temperature: INHIBITED.temperature }),
        },
        { at: INHIBITED.hot.until, action: () => stack.setSensors(NOMINAL_SENSORS) },
      ],
    });
    timings.scenarios = Date.now() - stack.fleet.startedAt;

    // Every expected notification, resolutions included (bounded), then long enough for a duplicate
    // from a second peer to arrive: every peer's turn, and a margin.
    const complete = () =>
      CASES.every((c) => {
        const expected = DELIVERY[SEED_SEVERITY[c.alert] as 'critical' | 'warning'];
        const got = counts(of(c.alert, c.device));
        return Object.entries(expected).every(([k, n]) => (got[k] ?? 0) >= n);
      });
    await waitFor(
      'every notification, resolved ones included',
      async () => {
        notifications = readNotifications(stack.http, stack.smtp, stack.stack.alertmanager.config.routing);
        return complete() ? true : undefined;
      },
      60_000,
      250,
    ).catch((error) => {
      // The assertions below say which are missing.
      process.stderr.write(`${(error as Error).message}\n`);
    });
    await sleep(TEST_PEER_TIMEOUT.times(3).plus(Duration.seconds(2)).milliseconds);
    notifications = readNotifications(stack.http, stack.smtp, stack.stack.alertmanager.config.routing);
  } finally {
    clearInterval(watcher);
  }

  // PrometheusSeesNoDevice, from the start of the clock on (at start-up, before the first scrapes, it may fire:
  // its `for` is 1 s on this clock, 2m and four scrapes in production).
  const sinceStart = Math.floor((Date.now() - stack.fleet.startedAt) / 1000);
  const blind = `ALERTS{alertname="PrometheusSeesNoDevice",alertstate="firing"}[${sinceStart}s]`;
  blindWhileRunning = (
    await getJson(stack.prometheus[0].url, `/api/v1/query?query=${encodeURIComponent(`count_over_time(${blind})`)}`)
  ).data.result;

  // Every alert Prometheus held over the run, pending or firing, by device.
  const span = Math.ceil((Date.now() - stack.fleet.startedAt) / 1000) + 30;
  const query = `count by (alertname, device) (count_over_time(ALERTS{device!=""}[${span}s]))`;
  const { data } = await getJson(stack.prometheus[0].url, `/api/v1/query?query=${encodeURIComponent(query)}`);
  alertsByDevice = new Map();
  for (const r of data.result) {
    const set = alertsByDevice.get(r.metric.device) ?? new Set<string>();
    alertsByDevice.set(r.metric.device, set.add(r.metric.alertname));
  }
});

afterAll(async () => {
  try {
    if (local) printReport(local);
  } finally {
    await local?.stop();
  }
  const left = stillRunning();
  if (left.length > 0)
    throw new Error(
      `processes still running after the suite: ${left.map((p) => `${p.spawnfile} (pid ${p.pid})`).join(', ')}`,
    );
  process.stdout.write(`\ne2e alerting suite: ${((Date.now() - suiteStart) / 1000).toFixed(1)} s\n`);
});

function printReport(stack: LocalStack): void {
  const t0 = stack.fleet.startedAt;
  const at = (ms: number | undefined) => (ms === undefined ? '-' : `+${((ms - t0) / 1000).toFixed(1)} s`);
  const rows = CASES.map((c) => {
    const fault = faults.find((f) => f.device === c.device);
    const firing = of(c.alert, c.device).find((n) => n.status === 'firing');
    const resolved = of(c.alert, c.device).find((n) => n.status === 'resolved');
    return [
      c.alert,
      c.device,
      at(fault?.startedAt),
      at(firing?.at),
      firing && fault ? String(firing.at - fault.startedAt) : '-',
      at(fault?.endedAt),
      at(resolved?.at),
    ];
  });
  const header = ['alert', 'device', 'fault at', 'notified at', 'delay (ms)', 'fault ended', 'resolved at'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  process.stdout.write(
    [
      '',
      `time from each fault to its first notification (clock x${1 / FACTOR} compressed; stack up in ${(timings.stackUp / 1000).toFixed(1)} s, scenarios ${((timings.scenarios ?? 0) / 1000).toFixed(1)} s):`,
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      '',
    ].join('\n'),
  );
}

describe('the stack under test is the one that ships', () => {
  test('stackConfig() and stackConfig(scaleDurations(THRESHOLDS, 1)) render byte for byte the committed dist/', () => {
    for (const config of [stackConfig(), stackConfig(scaleDurations(THRESHOLDS, 1))]) {
      const outdir = mkdtempSync(join(tmpdir(), 'e2e-dist-'));
      try {
        // The synth's own App, which names each file by its chart as dist/ has them.
        const app = new StagedApp({ outdir });
        new MonitoringStack(app, 'liquid-audio-nets', config);
        app.synth();
        const rendered = Object.fromEntries(
          readdirSync(outdir)
            .sort()
            .map((f) => [f, readFileSync(join(outdir, f), 'utf8')]),
        );
        const committed = Object.fromEntries(
          distFiles(DIST_DIR).map((f) => [f.split('/').pop()!, readFileSync(f, 'utf8')]),
        );
        expect(Object.keys(rendered)).toEqual(Object.keys(committed));
        for (const file of Object.keys(committed))
          expect([file, rendered[file] === committed[file]]).toEqual([file, true]);
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    }
  });

  test('the compressed run differs from it by the factor only: every seed alert keeps its severity, its `for` is scaled', () => {
    for (const [name, severity] of Object.entries(SEED_SEVERITY)) {
      const shipped = new MonitoringStack(new App(), 'shipped', stackConfig()).ruleGroups
        .flatMap((g) => g.rules)
        .find((r) => r.name === name)!;
      expect([name, rule(name).severity]).toEqual([name, severity]);
      expect([name, rule(name).for.milliseconds]).toEqual([name, Math.round(shipped.for.milliseconds * FACTOR)]);
    }
    expect(local!.stack.alertmanager.config.timing.groupWait.milliseconds).toBe(250);
  });
});

describe.each(CASES.map((c) => [c.alert, c.device, c] as const))('%s on %s', (alert, device, c) => {
  const severity = SEED_SEVERITY[alert] as 'critical' | 'warning';

  test(`is delivered once to each integration of the '${severity}' receiver, with its labels, and resolved once`, () => {
    const list = of(alert, device);
    expect(counts(list)).toEqual(DELIVERY[severity]);
    // The severity label, from the webhook's labels and the Slack title's and mail subject's label values.
    for (const n of list) expect([describeNotification(n), n.severity]).toEqual([describeNotification(n), severity]);
  });

  test('is notified no sooner than its `for` after the fault and within the slack; resolved after the fault ends', () => {
    const fault = faults.find((f) => f.device === device)!;
    const firing = of(alert, device).filter((n) => n.status === 'firing');
    const resolved = of(alert, device).filter((n) => n.status === 'resolved');
    expect(firing.length).toBeGreaterThan(0);
    expect(resolved.length).toBeGreaterThan(0);
    const delay = Math.min(...firing.map((n) => n.at)) - fault.startedAt;
    const earliest = rule(alert).for.plus(c.onset ?? Duration.ZERO).milliseconds;
    expect(delay).toBeGreaterThanOrEqual(earliest);
    expect(delay).toBeLessThanOrEqual(earliest + NOTIFY_SLACK.milliseconds);
    const resolvedAt = Math.min(...resolved.map((n) => n.at));
    expect(resolvedAt).toBeGreaterThan(fault.endedAt);
    const groupInterval = local!.timing.groupInterval.milliseconds;
    // keep_firing_for holds the alert after the fault ends (alerts/thresholds.ts `shaping`).
    const heldUntil = fault.endedAt + rule(alert).keepFiringFor.milliseconds;
    expect(resolvedAt - Math.max(heldUntil, Math.min(...firing.map((n) => n.at)) + groupInterval)).toBeLessThanOrEqual(
      groupInterval + 10_000,
    );
  });

  test('is the only alert its device raised', () => {
    const notified = notifications.filter((n) => n.device === device && !NODE_HEALTH.has(n.alertname));
    expect([...new Set(notified.map((n) => n.alertname))]).toEqual([alert]);
    const raised = [...(alertsByDevice.get(device) ?? [])].filter((a) => !NODE_HEALTH.has(a)).sort();
    expect(raised).toEqual(device === INHIBITED.device ? [alert, INHIBITED.alert].sort() : [alert]);
  });
});

describe('across the fleet', () => {
  test('nominal devices raise nothing: no alert, pending or firing, and no notification', () => {
    for (const device of NOMINAL_DEVICES) {
      expect([device, [...(alertsByDevice.get(device) ?? [])]]).toEqual([device, []]);
      expect([device, notifications.filter((n) => n.device === device).map(describeNotification)]).toEqual([
        device,
        [],
      ]);
    }
  });

  test('DeviceOffline fires both for a target that is down and for one gone from discovery', () => {
    const targets = faults.filter((f) => f.device === 'edge-08' || f.device === 'edge-09').map((f) => f.scenario);
    expect(targets.sort()).toEqual(['device down (target down)', 'device gone (from discovery)']);
    for (const device of ['edge-08', 'edge-09'])
      expect(of('DeviceOffline', device).some((n) => n.status === 'firing')).toBe(true);
  });

  test(`inhibition holds: ${INHIBITED.alert} on the offline ${INHIBITED.device} fires in Prometheus, is muted by DeviceOffline in Alertmanager, and is never notified`, () => {
    expect(alertsByDevice.get(INHIBITED.device)?.has(INHIBITED.alert)).toBe(true);
    const suppressed = inhibitedStates.filter((s) => s.state === 'suppressed' && s.inhibitedBy.length > 0);
    expect(suppressed.length).toBeGreaterThan(0);
    expect(inhibitedStates.filter((s) => s.state === 'active')).toEqual([]);
    expect(notifications.filter((n) => n.alertname === INHIBITED.alert).map(describeNotification)).toEqual([]);
  });

  test("nothing else is notified; the Watchdog reaches only the dead man's switch", () => {
    const expected = new Set(CASES.map((c) => `${c.alert} ${c.device}`));
    const other = notifications.filter(
      (n) =>
        !expected.has(`${n.alertname} ${n.device}`) &&
        n.alertname !== 'Watchdog' &&
        // Checked on its own below: it may fire at start-up only.
        n.alertname !== 'PrometheusSeesNoDevice' &&
        !(NODE_HEALTH.has(n.alertname) && n.device === INHIBITED.device),
    );
    expect(other.map(describeNotification)).toEqual([]);
    const watchdog = notifications.filter((n) => n.alertname === 'Watchdog');
    expect(watchdog.length).toBeGreaterThan(0);
    expect([...new Set(watchdog.map((n) => `${n.receiver}/${n.integration}`))]).toEqual([
      `${DEFAULT_RECEIVERS.deadMansSwitch}/webhook`,
    ]);
  });

  test('PrometheusSeesNoDevice never fires while the devices report, and no fleet-level alert fires for one device at a time', () => {
    expect(blindWhileRunning).toEqual([]);
    expect(notifications.filter((n) => n.alertname.startsWith('Fleet')).map(describeNotification)).toEqual([]);
  });

  test('mail to the on-call address authenticates with the password from the Secret file', () => {
    expect(local!.smtp.mails.length).toBeGreaterThan(0);
    for (const mail of local!.smtp.mails) expect(mail.auth?.[2]).toBe(local!.smtpPassword);
  });
});
