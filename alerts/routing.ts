import {
  type AlertRoutingProps,
  DEVICE_TARGETS,
  Duration,
  type InhibitRuleProps,
  labelIs,
  labelIsNot,
  type NotificationTiming,
  type SecretKeyRef,
  type SmtpServer,
  severityRoute,
} from '../lib';
import { SCOPE_LABEL, SIGNAL_LABEL } from './device';
import { THRESHOLDS } from './thresholds';

/**
 * Who hears about which alert of liquid-audio-nets, how soon and how often: the product's
 * receivers, channels, addresses, inhibitions and timers. lib/alertmanager checks and renders them.
 */

const DEVICE = DEVICE_TARGETS.deviceLabel;
const SCOPE = SCOPE_LABEL;
const SIGNAL = SIGNAL_LABEL;

/** The root route's timers: every route inherits them unless it sets its own. */
export const DEFAULT_TIMING: NotificationTiming = {
  /**
   * One rule evaluation interval (30s): alerts from the same evaluation on both Prometheus servers
   * of the HA pair, and an inhibiting DeviceOffline, arrive before the first notification, so it is
   * complete and the alerts it inhibits stay muted.
   */
  groupWait: Duration.seconds(30),
  /** New or resolved alerts of a group are batched at most every 5 minutes: an outage updates a channel, it does not flood it. */
  groupInterval: Duration.minutes(5),
  /**
   * Twice per 8-hour on-call shift, so whoever takes over sees what still fires; far inside the
   * 120h notification log retention, which would otherwise cap it.
   */
  repeatInterval: Duration.hours(4),
};

/**
 * The Watchdog is re-sent every 5 minutes (Alertmanager checks the repeat once per 1-minute group
 * interval, so a ping leaves every 5-6 minutes). Set the dead man's switch to raise the alarm after
 * 15 minutes without a ping: three missed pings, so one slow delivery does not page anyone.
 */
export const DEAD_MANS_SWITCH_TIMING: Partial<NotificationTiming> = {
  groupInterval: Duration.minutes(1),
  repeatInterval: Duration.minutes(5),
};

/**
 * One notification per alert name, not per device: a fault on 1,000 devices is one notification
 * listing the first THRESHOLDS.fleet.listed devices and how many more (lib/alertmanager's
 * notification texts), and a single device's fault is one notification naming that device.
 */
export const DEFAULT_GROUP_BY: readonly string[] = ['alertname'];

/** The inhibitions of the stack, each with its reason. */
export const DEFAULT_INHIBIT_RULES: readonly InhibitRuleProps[] = [
  /**
   * A device that is offline reports nothing or stale values: its latency, accuracy and throughput
   * alerts are consequences, and only DeviceOffline says what to do.
   */
  {
    source: [labelIs('alertname', 'DeviceOffline')],
    target: [labelIsNot('alertname', 'DeviceOffline')],
    equal: [DEVICE],
  },
  /** An alert defined at two severities pages once, at the higher one. */
  {
    source: [labelIs('severity', 'critical')],
    target: [labelIs('severity', 'warning')],
    equal: ['alertname', DEVICE],
  },
  /**
   * A fleet-level alert (alerts/fleet-wide.ts) is the one page of a fleet-wide fault: it mutes the
   * device alerts of its own signal, which it lists itself.
   */
  {
    source: [labelIs(SCOPE, 'fleet')],
    target: [labelIs(SCOPE, 'device')],
    equal: [SIGNAL],
  },
  /** When Prometheus sees no device, the fleet's DeviceOffline alert is a consequence too. */
  {
    source: [labelIs('alertname', 'PrometheusSeesNoDevice')],
    target: [labelIs(SCOPE, 'fleet'), labelIsNot('alertname', 'PrometheusSeesNoDevice')],
    equal: [SIGNAL],
  },
];

/** The Secrets the default receivers read, by name: create them with these keys before applying. */
export const DEFAULT_RECEIVER_SECRETS = {
  /** The seed's SLACK_WEBHOOK_URL: the incoming webhook of the critical channel. */
  slackCriticalWebhookUrl: { secretName: 'alertmanager-receivers', key: 'slack-webhook-url' },
  /** The incoming webhook of the warnings channel (a Slack app's webhook posts to one channel only). */
  slackWarningsWebhookUrl: { secretName: 'alertmanager-receivers', key: 'slack-warnings-webhook-url' },
  /** The seed's SMTP_PASSWORD. */
  smtpPassword: { secretName: 'alertmanager-receivers', key: 'smtp-password' },
  /** The seed's ALERT_WEBHOOK_URL: the paging service critical alerts are posted to. */
  alertWebhookUrl: { secretName: 'alertmanager-receivers', key: 'alert-webhook-url' },
  /** The dead man's switch's ping URL, in a Secret of its own (another team may own the switch). */
  deadMansSwitchUrl: { secretName: 'alertmanager-dead-mans-switch', key: 'url' },
} as const satisfies Record<string, SecretKeyRef>;

/** The receiver names of the default routing. */
export const DEFAULT_RECEIVERS = {
  critical: 'critical',
  warning: 'warning',
  deadMansSwitch: 'dead-mans-switch',
} as const;

export interface DefaultRoutingOptions {
  /** The Slack channel of critical alerts (its webhook in `secrets.slackCriticalWebhookUrl`). @default '#liquid-audio-nets-critical' */
  readonly criticalChannel?: string;
  /** The Slack channel of warnings (its webhook in `secrets.slackWarningsWebhookUrl`). @default '#liquid-audio-nets-warnings' */
  readonly warningChannel?: string;
  /** Where critical alerts are mailed. @default 'oncall@liquid-audio-nets.example' */
  readonly onCallEmail?: string;
  /** The sender of the mails. @default 'alertmanager@liquid-audio-nets.example' */
  readonly emailFrom?: string;
  /** @default { host: 'smtp.liquid-audio-nets.example', port: 587 } */
  readonly smarthost?: SmtpServer;
  /** @default - the `emailFrom` address */
  readonly smtpUsername?: string;
  /** @default true - STARTTLS required */
  readonly requireTls?: boolean;
  /** The root route's timing. @default DEFAULT_TIMING */
  readonly timing?: NotificationTiming;
  /** @default DEFAULT_RECEIVER_SECRETS */
  readonly secrets?: typeof DEFAULT_RECEIVER_SECRETS;
}

/**
 * The stack's routing: critical alerts to the critical Slack channel, the on-call mail and the
 * paging webhook; warnings (and anything else) to the warnings channel; the Watchdog to the dead
 * man's switch.
 */
export function defaultRouting(options: DefaultRoutingOptions = {}): AlertRoutingProps {
  const secrets = options.secrets ?? DEFAULT_RECEIVER_SECRETS;
  const from = options.emailFrom ?? 'alertmanager@liquid-audio-nets.example';
  const R = DEFAULT_RECEIVERS;
  return {
    receivers: [
      {
        name: R.critical,
        slack: [
          {
            channel: options.criticalChannel ?? '#liquid-audio-nets-critical',
            apiUrl: secrets.slackCriticalWebhookUrl,
          },
        ],
        email: [
          {
            to: [options.onCallEmail ?? 'oncall@liquid-audio-nets.example'],
            from,
            smarthost: options.smarthost ?? { host: 'smtp.liquid-audio-nets.example', port: 587 },
            authUsername: options.smtpUsername ?? from,
            authPassword: secrets.smtpPassword,
            requireTls: options.requireTls ?? true,
          },
        ],
        webhook: [{ url: secrets.alertWebhookUrl }],
      },
      {
        name: R.warning,
        slack: [
          { channel: options.warningChannel ?? '#liquid-audio-nets-warnings', apiUrl: secrets.slackWarningsWebhookUrl },
        ],
      },
      { name: R.deadMansSwitch, webhook: [{ url: secrets.deadMansSwitchUrl, sendResolved: false }] },
    ],
    /** Anything neither critical nor warning (info, a mislabelled team alert) still reaches a human, in the low-urgency channel. */
    defaultReceiver: R.warning,
    deadMansSwitch: { receiver: R.deadMansSwitch, timing: DEAD_MANS_SWITCH_TIMING },
    routes: [
      severityRoute('critical', R.critical),
      /** Warnings are read in working hours: a daily reminder keeps a forgotten one visible without flooding the channel. */
      severityRoute('warning', R.warning, { repeatInterval: Duration.days(1) }),
    ],
    groupBy: DEFAULT_GROUP_BY,
    timing: options.timing ?? DEFAULT_TIMING,
    inhibitRules: DEFAULT_INHIBIT_RULES,
    listedAlerts: THRESHOLDS.fleet.listed.amount,
    titleLabel: DEVICE,
  };
}
