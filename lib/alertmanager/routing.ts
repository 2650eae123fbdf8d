import { Duration } from '../core';
import type { Severity } from '../rules';
import type { ConfigContext } from './config-context';
import type { InhibitRuleProps } from './inhibitions';
import { checkLabelNames, type LabelMatcher, labelIs, renderMatcher, renderMatchers } from './matchers';
import type { ReceiverProps } from './receivers';

/** The alert that always fires (alerts/alertmanager.ts): the heartbeat of the whole alerting pipeline. */
export const WATCHDOG_ALERT = 'Watchdog';

/** The timers of a route: how long a new group waits, how often it is updated, how often repeated. */
export interface NotificationTiming {
  /** Wait before the first notification of a new group, so alerts arriving together go out together. */
  readonly groupWait: Duration;
  /** Wait between notifications about new or resolved alerts of a group already notified. */
  readonly groupInterval: Duration;
  /** Wait before a notification is repeated when nothing in its group changed. */
  readonly repeatInterval: Duration;
}

/**
 * The timers Alertmanager itself gives a root route that sets none (DefaultRouteOpts in
 * dispatch/route.go of the pinned 0.35.0), so leaving `timing` out changes nothing Alertmanager does.
 */
export const ALERTMANAGER_BUILTIN_TIMING: NotificationTiming = {
  groupWait: Duration.seconds(30),
  groupInterval: Duration.minutes(5),
  repeatInterval: Duration.hours(4),
};

/** A child route of the root: alerts matching every matcher go to `receiver`. */
export interface RouteProps {
  readonly matchers: readonly LabelMatcher[];
  readonly receiver: string;
  /** @default - the root route's timing */
  readonly timing?: Partial<NotificationTiming>;
}

/** A route for one severity, the usual first split of alerts. */
export function severityRoute(severity: Severity, receiver: string, timing?: Partial<NotificationTiming>): RouteProps {
  return { matchers: [labelIs('severity', severity)], receiver, ...(timing ? { timing } : {}) };
}

/** Where the always-firing WATCHDOG_ALERT goes: a receiver of its own, pinged often. */
export interface DeadMansSwitchProps {
  /** A receiver used by no other route, so its pings and real alerts never mix. */
  readonly receiver: string;
  /**
   * How often the switch is pinged; its repeat interval must be shorter than the silence after
   * which the switch raises the alarm. @default - the root route's timing
   */
  readonly timing?: Partial<NotificationTiming>;
}

/** How alerts reach people: the receivers and the routing tree over them. */
export interface AlertRoutingProps {
  readonly receivers: readonly ReceiverProps[];
  /** Receives every alert no route matches. */
  readonly defaultReceiver: string;
  /** Child routes, tried in order; the first match wins. */
  readonly routes: readonly RouteProps[];
  /** Where the always-firing WATCHDOG_ALERT goes; its route comes before every other. */
  readonly deadMansSwitch: DeadMansSwitchProps;
  /** Labels alerts are grouped by, one notification per distinct set. @default ['alertname'] */
  readonly groupBy?: readonly string[];
  /** The root route's timing. @default ALERTMANAGER_BUILTIN_TIMING */
  readonly timing?: NotificationTiming;
  /** @default - none; no alert mutes another */
  readonly inhibitRules?: readonly InhibitRuleProps[];
  /**
   * How many alerts of a group a notification lists before it says how many more there are (the
   * webhook's `max_alerts`). @default 10
   */
  readonly listedAlerts?: number;
  /**
   * A label whose value the notification title gives for each listed alert, after the alert name
   * (`[FIRING:2] DeviceOffline edge-08 edge-09 (critical)`). @default - none; the title names the group
   * labels and the severity only
   */
  readonly titleLabel?: string;
}

/** The root route with its defaults resolved (AlertmanagerConfig's `groupBy` and `timing`). */
export interface RootRoute {
  readonly groupBy: readonly string[];
  readonly timing: NotificationTiming;
}

/** `route`: the root, then the dead man's switch, then the child routes in order, every receiver known. */
export function renderRouteTree(
  ctx: ConfigContext,
  routing: AlertRoutingProps,
  root: RootRoute,
  receivers: readonly string[],
): object {
  checkReceiver(ctx, receivers, "'defaultReceiver'", routing.defaultReceiver);
  checkLabelNames(ctx, 'route', 'groupBy', root.groupBy);
  if (root.groupBy.length === 0) {
    ctx.fail(`route: 'groupBy' must name at least one label (an empty list puts every alert into one notification)`);
  }
  checkTiming(ctx, 'route', root.timing);
  const deadMansSwitch = renderDeadMansSwitch(ctx, routing, root, receivers);
  const routes = routing.routes.map((r) => renderChildRoute(ctx, r, root, receivers));
  return {
    receiver: routing.defaultReceiver,
    group_by: [...root.groupBy],
    ...renderTiming(root.timing),
    routes: [deadMansSwitch, ...routes],
  };
}

/** The Watchdog's route, checked to own its receiver: real alerts through it would reset the switch. */
function renderDeadMansSwitch(
  ctx: ConfigContext,
  routing: AlertRoutingProps,
  root: RootRoute,
  receivers: readonly string[],
): object {
  const dms = routing.deadMansSwitch;
  checkReceiver(ctx, receivers, "'deadMansSwitch.receiver'", dms.receiver);
  const timing = dms.timing ?? {};
  checkTiming(ctx, "'deadMansSwitch'", { ...root.timing, ...timing });
  if ([routing.defaultReceiver, ...routing.routes.map((r) => r.receiver)].includes(dms.receiver)) {
    ctx.fail(
      `'deadMansSwitch.receiver' '${dms.receiver}' is also used by another route; the dead man's switch needs a receiver of its own, or real alerts would reset it`,
    );
  }
  return {
    receiver: dms.receiver,
    matchers: [renderMatcher(labelIs('alertname', WATCHDOG_ALERT))],
    ...renderTiming(timing),
  };
}

function renderChildRoute(ctx: ConfigContext, r: RouteProps, root: RootRoute, receivers: readonly string[]): object {
  const where = `route to '${r.receiver}'`;
  checkReceiver(ctx, receivers, `${where}: 'receiver'`, r.receiver);
  const matchers = renderMatchers(ctx, where, 'matchers', r.matchers);
  checkTiming(ctx, where, { ...root.timing, ...r.timing });
  return { receiver: r.receiver, matchers, ...renderTiming(r.timing ?? {}) };
}

function checkReceiver(ctx: ConfigContext, receivers: readonly string[], field: string, name: string): void {
  if (!receivers.includes(name)) {
    ctx.fail(`${field} names '${name}', which is not a receiver (receivers: ${receivers.join(', ')})`);
  }
}

/** Fails on timers Alertmanager would reject, or that it would silently stretch or cut. */
function checkTiming(ctx: ConfigContext, where: string, timing: NotificationTiming): void {
  for (const key of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
    const d = timing[key];
    if (!d.isValid()) ctx.fail(`${where}: '${key}' ${d.describeInvalid()}`);
    if (key !== 'groupWait' && d.isZero()) {
      ctx.fail(`${where}: '${key}' must be longer than 0s (Alertmanager rejects 0), got 0s`);
    }
  }
  if (timing.repeatInterval.compareTo(timing.groupInterval) < 0) {
    ctx.fail(
      `${where}: 'repeatInterval' (${timing.repeatInterval}) must be at least 'groupInterval' (${timing.groupInterval}); Alertmanager checks for a repeat once per group interval`,
    );
  }
  if (timing.repeatInterval.compareTo(ctx.retention) >= 0) {
    ctx.fail(
      `${where}: 'repeatInterval' (${timing.repeatInterval}) must be shorter than the retention (${ctx.retention}), which would cut it`,
    );
  }
}

/** The timers a route sets itself; the others it inherits from its parent. */
function renderTiming(t: Partial<NotificationTiming>): object {
  return {
    ...(t.groupWait ? { group_wait: t.groupWait.toPrometheus() } : {}),
    ...(t.groupInterval ? { group_interval: t.groupInterval.toPrometheus() } : {}),
    ...(t.repeatInterval ? { repeat_interval: t.repeatInterval.toPrometheus() } : {}),
  };
}
