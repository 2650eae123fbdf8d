import {
  ALERTMANAGER_JOB,
  ALERTMANAGER_METRICS,
  AlertRule,
  AlertText,
  Duration,
  label,
  literal,
  PROMETHEUS_METRICS,
  selector,
  seriesText,
  Units,
  value,
  WATCHDOG_ALERT,
} from '../lib';
import { perThresholds, type Thresholds } from './thresholds';

const M = ALERTMANAGER_METRICS;
const self = { job: ALERTMANAGER_JOB };
const PEER = label('instance');
const up = selector(PROMETHEUS_METRICS.up, self);

/** Target labels of three peers as the scrape configuration sets them; the generated tests feed these in. */
const examplePeer = (i: number) => ({ ...self, namespace: 'monitoring', instance: `alertmanager-${i}` });
const samples = (span: Duration, interval: Duration) => Math.ceil(span.milliseconds / interval.milliseconds);

/**
 * The Watchdog and Alertmanager's self-monitoring, for one rule group, for a set of thresholds
 * (THRESHOLDS, or a scaled copy for a compressed end-to-end run).
 */
export const alertmanagerAlerts = perThresholds((thresholds: Thresholds) => {
  const T = thresholds.alertmanager;
  const window = T.window.toPrometheus();
  const failureRatio = T.notificationFailures.in(Units.ratio);
  const members = `max_over_time(${selector(M.clusterMembers, self)}[${window}])`;

  /**
   * Always fires, on purpose. Alertmanager forwards it to the dead man's switch every few minutes
   * (DEAD_MANS_SWITCH_TIMING in lib/alertmanager); the switch raises the alarm when the pings
   * stop, which is the one way to learn that Prometheus, its rules or Alertmanager are down.
   */
  const watchdog = new AlertRule({
    name: WATCHDOG_ALERT,
    severity: 'none',
    expr: 'vector(1)',
    summary: AlertText.of`Alerting pipeline heartbeat`,
    description: AlertText.of`Always firing: the dead man's switch raises the alarm when this stops arriving, because Prometheus, its rules or Alertmanager are down.`,
    tests: (interval) => [
      {
        name: 'fires on every evaluation',
        interval,
        input: [],
        checks: [
          { at: Duration.ZERO, firing: [{ labels: {}, value: 1 }] },
          { at: Duration.hours(1), firing: [{ labels: {}, value: 1 }] },
        ],
      },
    ],
  });

  const alertmanagerConfigReloadFailed = new AlertRule({
    name: 'AlertmanagerConfigReloadFailed',
    severity: 'warning',
    expr: `max_over_time(${selector(M.configLastReloadSuccessful, self)}[${window}]) == 0`,
    for: T.configReloadFailedFor,
    summary: AlertText.of`Alertmanager ${PEER} failed to reload its configuration`,
    description: AlertText.of`Alertmanager ${PEER} could not load its new configuration for ${T.configReloadFailedFor}; it keeps routing with the previous one.`,
    tests: (interval) => {
      const peer = examplePeer(0);
      const series = seriesText(M.configLastReloadSuccessful.name, peer);
      const n = samples(T.configReloadFailedFor.times(2), interval);
      return [
        {
          name: 'a failed reload fires after for',
          interval,
          input: [{ series, values: `0x${n}` }],
          checks: [
            { at: T.configReloadFailedFor.minus(interval), firing: [] },
            { at: T.configReloadFailedFor.plus(interval), firing: [{ labels: peer, value: 0 }] },
          ],
        },
        {
          name: 'a successful reload stays quiet',
          interval,
          input: [{ series, values: `1x${n}` }],
          checks: [{ at: T.configReloadFailedFor.plus(interval), firing: [] }],
        },
      ];
    },
  });

  /**
   * Critical: an integration that fails loses alerts, and this alert reaches people over the
   * critical receiver's other integrations. `reason` (0.26 and later) is summed away.
   */
  const alertmanagerFailedToSendAlerts = new AlertRule({
    name: 'AlertmanagerFailedToSendAlerts',
    severity: 'critical',
    expr:
      `sum without (reason) (rate(${selector(M.notificationsFailedTotal, self)}[${window}])) ` +
      `/ sum without (reason) (rate(${selector(M.notificationsTotal, self)}[${window}])) > ${literal(failureRatio)}`,
    for: T.notificationFailuresFor,
    summary: AlertText.of`Alertmanager ${PEER} fails to send notifications to ${label('integration')}`,
    description: AlertText.of`${value(Units.ratio)} of the notifications from Alertmanager ${PEER} to ${label('integration')} fail (alert above ${T.notificationFailures}): some alerts do not reach that channel.`,
    tests: (interval) => {
      const peer = { ...examplePeer(0), integration: 'slack' };
      const n = samples(T.notificationFailuresFor.times(3), interval);
      const attempts = seriesText(M.notificationsTotal.name, peer);
      const failed = seriesText(M.notificationsFailedTotal.name, { ...peer, reason: 'serverError' });
      // Per sample: 100 attempts and `f` failures, so the failing share is f%.
      const input = (f: number) => [
        { series: attempts, values: `0+100x${n}` },
        { series: failed, values: `0+${f}x${n}` },
      ];
      return [
        {
          name: `10% failing fires after for`,
          interval,
          input: input(10),
          checks: [
            { at: T.notificationFailuresFor, firing: [] },
            { at: T.notificationFailuresFor.plus(interval.times(2)), firing: [{ labels: peer, value: 0.1 }] },
          ],
        },
        {
          name: `half of ${T.notificationFailures} failing stays quiet`,
          interval,
          input: [
            { series: attempts, values: `0+200x${n}` },
            { series: failed, values: `0+1x${n}` },
          ],
          checks: [{ at: T.notificationFailuresFor.plus(interval.times(2)), firing: [] }],
        },
      ];
    },
  });

  /** Peers that see fewer members than there are peers: the cluster is split, and each part notifies on its own. */
  const alertmanagerClusterMembersInconsistent = new AlertRule({
    name: 'AlertmanagerClusterMembersInconsistent',
    severity: 'warning',
    expr: `${members} < on (job, namespace) group_left count by (job, namespace) (${members})`,
    for: T.membersInconsistentFor,
    summary: AlertText.of`Alertmanager ${PEER} does not see every peer`,
    description: AlertText.of`Alertmanager ${PEER} sees ${value(Units.count)} cluster members, fewer than the peers Prometheus scrapes, for ${T.membersInconsistentFor}: the cluster is split and may notify twice.`,
    tests: (interval) => {
      const n = samples(T.membersInconsistentFor.times(2), interval);
      const peers = [0, 1, 2].map(examplePeer);
      const input = (seen: readonly number[]) =>
        peers.map((p, i) => ({ series: seriesText(M.clusterMembers.name, p), values: `${seen[i]}x${n}` }));
      return [
        {
          name: 'a peer that sees only itself fires after for',
          interval,
          input: input([3, 3, 1]),
          checks: [
            { at: T.membersInconsistentFor.minus(interval), firing: [] },
            { at: T.membersInconsistentFor.plus(interval), firing: [{ labels: peers[2], value: 1 }] },
          ],
        },
        {
          name: 'peers that all see each other stay quiet',
          interval,
          input: input([3, 3, 3]),
          checks: [{ at: T.membersInconsistentFor.plus(interval), firing: [] }],
        },
      ];
    },
  });

  /** Half the peers or more unreachable: one more failure and no notification goes out at all. */
  const alertmanagerClusterDown = new AlertRule({
    name: 'AlertmanagerClusterDown',
    severity: 'critical',
    expr:
      `(count by (job, namespace) (avg_over_time(${up}[${window}]) < ${literal(T.peerUpFraction.in(Units.ratio))}) ` +
      `/ count by (job, namespace) (${up})) >= ${literal(T.clusterDown.in(Units.ratio))}`,
    for: T.clusterDownFor,
    summary: AlertText.of`Alertmanager cluster ${label('namespace')}/${label('job')} is down`,
    description: AlertText.of`${value(Units.ratio)} of the Alertmanager peers have been unreachable for ${T.clusterDownFor} (alert at ${T.clusterDown}): notifications may stop.`,
    tests: (interval) => {
      const n = samples(T.clusterDownFor.times(2), interval);
      const peers = [0, 1, 2].map(examplePeer);
      const input = (upValues: readonly number[]) =>
        peers.map((p, i) => ({ series: seriesText(PROMETHEUS_METRICS.up.name, p), values: `${upValues[i]}x${n}` }));
      const cluster = { job: ALERTMANAGER_JOB, namespace: 'monitoring' };
      return [
        {
          name: 'two of three peers down fires after for',
          interval,
          input: input([1, 0, 0]),
          checks: [
            { at: T.clusterDownFor.minus(interval), firing: [] },
            { at: T.clusterDownFor.plus(interval), firing: [{ labels: cluster, value: 2 / 3 }] },
          ],
        },
        {
          name: 'one of three peers down stays quiet',
          interval,
          input: input([1, 1, 0]),
          checks: [{ at: T.clusterDownFor.plus(interval), firing: [] }],
        },
      ];
    },
  });

  return {
    watchdog,
    alertmanagerConfigReloadFailed,
    alertmanagerFailedToSendAlerts,
    alertmanagerClusterMembersInconsistent,
    alertmanagerClusterDown,
  } as const;
});

const DEFAULTS = alertmanagerAlerts();
export const {
  watchdog,
  alertmanagerConfigReloadFailed,
  alertmanagerFailedToSendAlerts,
  alertmanagerClusterMembersInconsistent,
  alertmanagerClusterDown,
} = DEFAULTS;

/** The Watchdog and Alertmanager's self-monitoring, with THRESHOLDS. */
export const ALERTMANAGER_ALERTS = Object.values(DEFAULTS);
