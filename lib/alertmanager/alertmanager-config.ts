import { Duration, labelNameProblem, toYaml } from '../core';
import { checkSecretRef, type SecretKeyRef, secretFilePath } from '../k8s';
import type { Severity } from '../rules';

/**
 * Alertmanager's configuration (`alertmanager.yml`) as typed values: receivers, the routing tree
 * and inhibition rules. Every credential is a SecretKeyRef that the configuration names by file
 * (`api_url_file`, `auth_password_file`, `url_file`), so no secret value is ever rendered.
 *
 * Field names follow Alertmanager's configuration reference (docs/configuration.md of
 * prometheus/alertmanager): `route` (`receiver`, `group_by`, `matchers`, `group_wait`,
 * `group_interval`, `repeat_interval`, `routes`), `receivers` (`slack_configs`, `email_configs`,
 * `webhook_configs`) and `inhibit_rules` (`source_matchers`, `target_matchers`, `equal`).
 */

/** The alert that always fires (alerts/alertmanager.ts): the heartbeat of the whole alerting pipeline. */
export const WATCHDOG_ALERT = 'Watchdog';

/** Where the Alertmanager container finds the receivers' Secrets, one folder per Secret. */
export const ALERTMANAGER_SECRETS_ROOT = '/etc/alertmanager/secrets';

/** The `*_file` fields this library writes, as `<integration>_configs.<field>`. */
export type AlertmanagerFileField =
  | 'slack_configs.api_url_file'
  | 'email_configs.auth_password_file'
  | 'webhook_configs.url_file';

/**
 * The first Alertmanager release that reads each `*_file` field: an older Alertmanager rejects the
 * whole configuration. A test checks the pinned image (lib/images.ts) against this table, and
 * Debian's 0.25 amtool against its 0.25 boundary.
 */
export const ALERTMANAGER_FILE_FIELDS: Readonly<Record<AlertmanagerFileField, string>> = {
  /** prometheus/alertmanager#2534, released in 0.22.0. */
  'slack_configs.api_url_file': '0.22.0',
  /** prometheus/alertmanager#3038, released in 0.25.0. */
  'email_configs.auth_password_file': '0.25.0',
  /** prometheus/alertmanager#3223, released in 0.26.0. */
  'webhook_configs.url_file': '0.26.0',
};

/** True when `version` (`v0.35.1` or `0.35.1`) is `minimum` or later. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => {
    const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
    if (!match) throw new Error(`version '${v}' must look like 1.2.3 or v1.2.3`);
    return match.slice(1).map(Number);
  };
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** One label matcher of a route or an inhibition rule: the label equals, or differs from, a value. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** `label="value"`. */
export function labelIs(label: string, value: string): LabelMatcher {
  return { label, op: '=', value };
}

/** `label!="value"`. */
export function labelIsNot(label: string, value: string): LabelMatcher {
  return { label, op: '!=', value };
}

/** A matcher as Alertmanager reads it; the value double-quoted, valid for both its classic and UTF-8 parsers. */
export function renderMatcher(m: LabelMatcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}

/** The timers of a route: how long a new group waits, how often it is updated, how often repeated. */
export interface NotificationTiming {
  /** Wait before the first notification of a new group, so alerts arriving together go out together. */
  readonly groupWait: Duration;
  /** Wait between notifications about new or resolved alerts of a group already notified. */
  readonly groupInterval: Duration;
  /** Wait before a notification is repeated when nothing in its group changed. */
  readonly repeatInterval: Duration;
}

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

export interface SlackReceiverConfig {
  /** The channel, `#` and its name. */
  readonly channel: string;
  /**
   * The incoming-webhook URL, read from a Secret (the URL is the credential). A Slack app's
   * incoming webhook posts only to the channel it was created for, so each channel has its own.
   */
  readonly apiUrl: SecretKeyRef;
  /** @default true - the channel sees when a problem is over */
  readonly sendResolved?: boolean;
}

/** An SMTP server: a host name or IPv4 address and a port. */
export interface SmtpServer {
  readonly host: string;
  /** Usually 587 (submission with STARTTLS). */
  readonly port: number;
}

export interface EmailReceiverConfig {
  /** The recipients, each `local@domain`. */
  readonly to: readonly string[];
  /** The sender, `local@domain`. */
  readonly from: string;
  readonly smarthost: SmtpServer;
  /** The SMTP user. @default - no SMTP authentication (then no `authPassword` either) */
  readonly authUsername?: string;
  /** The SMTP password, read from a Secret. @default - no SMTP authentication (then no `authUsername` either) */
  readonly authPassword?: SecretKeyRef;
  /** @default true - STARTTLS is required, so credentials and alerts never cross the network in clear */
  readonly requireTls?: boolean;
  /** @default false - a second mail per alert doubles the inbox; the Slack channels show the resolution */
  readonly sendResolved?: boolean;
}

export interface WebhookReceiverConfig {
  /** The URL to POST notifications to, read from a Secret (paging services put their key in it). */
  readonly url: SecretKeyRef;
  /** @default true - the paging service closes its incident when the alert resolves */
  readonly sendResolved?: boolean;
}

/** A named set of integrations that a route delivers to. */
export interface ReceiverProps {
  /** The name routes refer to. */
  readonly name: string;
  /** @default - none */
  readonly slack?: readonly SlackReceiverConfig[];
  /** @default - none */
  readonly email?: readonly EmailReceiverConfig[];
  /** @default - none */
  readonly webhook?: readonly WebhookReceiverConfig[];
}

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

/** While an alert matching `source` fires, alerts matching `target` with the same `equal` labels are muted. */
export interface InhibitRuleProps {
  readonly source: readonly LabelMatcher[];
  readonly target: readonly LabelMatcher[];
  /** Labels source and target must share (the same device, the same alert name). */
  readonly equal: readonly string[];
}

/** The inhibitions of the stack, each with its reason. */
export const DEFAULT_INHIBIT_RULES: readonly InhibitRuleProps[] = [
  /**
   * A device that is offline reports nothing or stale values: its latency, accuracy and throughput
   * alerts are consequences, and only DeviceOffline says what to do.
   */
  {
    source: [labelIs('alertname', 'DeviceOffline')],
    target: [labelIsNot('alertname', 'DeviceOffline')],
    equal: ['device'],
  },
  /** An alert defined at two severities pages once, at the higher one. */
  {
    source: [labelIs('severity', 'critical')],
    target: [labelIs('severity', 'warning')],
    equal: ['alertname', 'device'],
  },
];

/** Where the Watchdog goes: a receiver of its own, pinged often. */
export interface DeadMansSwitchProps {
  /** A receiver used by no other route, so its pings and real alerts never mix. */
  readonly receiver: string;
  /** @default DEAD_MANS_SWITCH_TIMING */
  readonly timing?: Partial<NotificationTiming>;
}

/**
 * The Watchdog is re-sent every 5 minutes (Alertmanager checks the repeat once per 1-minute group
 * interval, so a ping leaves every 5-6 minutes). Set the dead man's switch to raise the alarm after
 * 15 minutes without a ping: three missed pings, so one slow delivery does not page anyone.
 */
export const DEAD_MANS_SWITCH_TIMING: Partial<NotificationTiming> = {
  groupInterval: Duration.minutes(1),
  repeatInterval: Duration.minutes(5),
};

/** How alerts reach people: the receivers and the routing tree over them. */
export interface AlertRoutingProps {
  readonly receivers: readonly ReceiverProps[];
  /** Receives every alert no route matches. */
  readonly defaultReceiver: string;
  /** Child routes, tried in order; the first match wins. */
  readonly routes: readonly RouteProps[];
  /** Where the always-firing Watchdog goes; its route comes before every other. */
  readonly deadMansSwitch: DeadMansSwitchProps;
  /** Labels alerts are grouped by: one notification per alert name and device. @default ['alertname', 'device'] */
  readonly groupBy?: readonly string[];
  /** The root route's timing. @default DEFAULT_TIMING */
  readonly timing?: NotificationTiming;
  /** @default DEFAULT_INHIBIT_RULES */
  readonly inhibitRules?: readonly InhibitRuleProps[];
}

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

export interface DefaultRoutingOptions {
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

/** The receiver names of the default routing. */
export const DEFAULT_RECEIVERS = {
  critical: 'critical',
  warning: 'warning',
  deadMansSwitch: 'dead-mans-switch',
} as const;

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
        slack: [{ channel: '#liquid-audio-nets-critical', apiUrl: secrets.slackCriticalWebhookUrl }],
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
      { name: R.warning, slack: [{ channel: '#liquid-audio-nets-warnings', apiUrl: secrets.slackWarningsWebhookUrl }] },
      { name: R.deadMansSwitch, webhook: [{ url: secrets.deadMansSwitchUrl, sendResolved: false }] },
    ],
    /** Anything neither critical nor warning (info, a mislabelled team alert) still reaches a human, in the low-urgency channel. */
    defaultReceiver: R.warning,
    deadMansSwitch: { receiver: R.deadMansSwitch },
    routes: [
      severityRoute('critical', R.critical),
      /** Warnings are read in working hours: a daily reminder keeps a forgotten one visible without flooding the channel. */
      severityRoute('warning', R.warning, { repeatInterval: Duration.days(1) }),
    ],
    ...(options.timing ? { timing: options.timing } : {}),
  };
}

export interface AlertmanagerConfigProps {
  /** The Alertmanager configured, as error messages name it. @default 'alertmanager' */
  readonly alertmanager?: string;
  readonly routing: AlertRoutingProps;
  /** Folder the receivers' Secrets are mounted under, one folder per Secret. @default ALERTMANAGER_SECRETS_ROOT */
  readonly secretsRoot?: string;
  /**
   * How long Alertmanager keeps the notification log (`--data.retention`); a repeat interval
   * longer than it would be cut to it. @default Duration.hours(120)
   */
  readonly retention?: Duration;
}

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** Slack channel names: lower-case letters, digits, `-`, `_` and `.`, at most 80 characters. */
const SLACK_CHANNEL = /^#[a-z0-9][a-z0-9._-]{0,79}$/;

/** Slack message text: each alert's summary, description and runbook link (the annotations every rule of the stack has). */
const SLACK_TEXT =
  '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n' +
  '{{ if .Annotations.runbook_url }}<{{ .Annotations.runbook_url }}|Runbook>\n{{ end }}{{ end }}';

/**
 * A checked Alertmanager configuration. Every receiver, route and inhibition is validated when it
 * is made; `text` is the `alertmanager.yml` Alertmanager reads.
 */
export class AlertmanagerConfig {
  public readonly alertmanager: string;
  public readonly secretsRoot: string;
  public readonly retention: Duration;
  public readonly groupBy: readonly string[];
  public readonly timing: NotificationTiming;
  public readonly inhibitRules: readonly InhibitRuleProps[];
  public readonly routing: AlertRoutingProps;
  /** Every Secret the configuration reads, in order of appearance (duplicates kept). */
  public readonly secretRefs: readonly SecretKeyRef[];
  /** The `*_file` fields the configuration uses. */
  public readonly fileFields: readonly AlertmanagerFileField[];
  /** The configuration as a YAML-ready object. */
  public readonly object: Readonly<Record<string, unknown>>;
  /** `alertmanager.yml`. */
  public readonly text: string;

  public constructor(props: AlertmanagerConfigProps) {
    this.alertmanager = props.alertmanager ?? 'alertmanager';
    const owner = `alertmanager '${this.alertmanager}'`;
    const fail = (message: string): never => {
      throw new Error(`${owner}: ${message}`);
    };
    this.secretsRoot = props.secretsRoot ?? ALERTMANAGER_SECRETS_ROOT;
    if (!this.secretsRoot.startsWith('/')) fail(`'secretsRoot' must be an absolute path, got '${this.secretsRoot}'`);
    this.retention = props.retention ?? Duration.hours(120);
    const routing = props.routing;
    this.routing = routing;
    this.groupBy = routing.groupBy ?? ['alertname', 'device'];
    this.timing = routing.timing ?? DEFAULT_TIMING;
    this.inhibitRules = routing.inhibitRules ?? DEFAULT_INHIBIT_RULES;

    const secretRefs: SecretKeyRef[] = [];
    const fileFields = new Set<AlertmanagerFileField>();
    const receiverNames: string[] = [];
    const receivers = routing.receivers.map((receiver) => {
      const where = `receiver '${receiver.name}'`;
      if (typeof receiver.name !== 'string' || !RECEIVER_NAME.test(receiver.name)) {
        fail(`${where}: 'name' must be letters, digits, "-", "_" and ".", starting with a letter or digit`);
      }
      if (receiverNames.includes(receiver.name)) fail(`${where} is defined twice; receiver names must be unique`);
      receiverNames.push(receiver.name);
      const secret = (field: string, ref: SecretKeyRef, fileField: AlertmanagerFileField): string => {
        checkSecretRef(`${owner}: ${where}`, field, ref);
        secretRefs.push(ref);
        fileFields.add(fileField);
        return secretFilePath(this.secretsRoot, ref);
      };
      const slack = (receiver.slack ?? []).map((s) => {
        if (typeof s.channel !== 'string' || !s.channel.startsWith('#'))
          fail(`${where}: 'channel' must start with '#', got '${s.channel}'`);
        if (!SLACK_CHANNEL.test(s.channel)) {
          fail(
            `${where}: 'channel' must be '#' and a Slack channel name (lower-case letters, digits, "-", "_" and ".", at most 80), got '${s.channel}'`,
          );
        }
        return {
          send_resolved: s.sendResolved ?? true,
          api_url_file: secret('apiUrl', s.apiUrl, 'slack_configs.api_url_file'),
          channel: s.channel,
          text: SLACK_TEXT,
        };
      });
      const email = (receiver.email ?? []).map((e) => {
        if (!Array.isArray(e.to) || e.to.length === 0) fail(`${where}: 'to' must list at least one email address`);
        const addresses: ReadonlyArray<readonly [string, string]> = [
          ...e.to.map((a) => ['to', a] as const),
          ['from', e.from],
        ];
        for (const [field, address] of addresses) {
          if (typeof address !== 'string' || !EMAIL.test(address)) {
            fail(
              `${where}: '${field}' must be an email address such as 'oncall@example.org' (local part, "@", domain with a dot), got '${address}'`,
            );
          }
        }
        const { host, port } = e.smarthost;
        if (typeof host !== 'string' || !HOST.test(host))
          fail(`${where}: 'smarthost.host' must be a host name or IPv4 address, got '${host}'`);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          fail(`${where}: 'smarthost.port' must be a whole number from 1 to 65535, got ${port}`);
        if ((e.authUsername === undefined) !== (e.authPassword === undefined)) {
          fail(
            `${where}: 'authUsername' and 'authPassword' must be given together (SMTP authentication needs both), got only '${e.authUsername === undefined ? 'authPassword' : 'authUsername'}'`,
          );
        }
        return {
          send_resolved: e.sendResolved ?? false,
          to: e.to.join(', '),
          from: e.from,
          smarthost: `${host}:${port}`,
          ...(e.authUsername !== undefined && e.authPassword !== undefined
            ? {
                auth_username: e.authUsername,
                auth_password_file: secret('authPassword', e.authPassword, 'email_configs.auth_password_file'),
              }
            : {}),
          require_tls: e.requireTls ?? true,
        };
      });
      const webhook = (receiver.webhook ?? []).map((w) => ({
        send_resolved: w.sendResolved ?? true,
        url_file: secret('url', w.url, 'webhook_configs.url_file'),
      }));
      if (slack.length + email.length + webhook.length === 0) {
        fail(`${where}: needs at least one integration ('slack', 'email' or 'webhook'), got none`);
      }
      return {
        name: receiver.name,
        ...(slack.length ? { slack_configs: slack } : {}),
        ...(email.length ? { email_configs: email } : {}),
        ...(webhook.length ? { webhook_configs: webhook } : {}),
      };
    });

    const known = (field: string, name: string): void => {
      if (!receiverNames.includes(name))
        fail(`${field} names '${name}', which is not a receiver (receivers: ${receiverNames.join(', ')})`);
    };
    const checkLabels = (where: string, field: string, labels: readonly string[]): void => {
      for (const l of labels) {
        const problem = labelNameProblem(l);
        if (problem) fail(`${where}: '${field}' label '${l}' ${problem}`);
      }
      if (new Set(labels).size !== labels.length)
        fail(`${where}: '${field}' lists a label twice: ${labels.join(', ')}`);
    };
    const checkMatchers = (where: string, field: string, matchers: readonly LabelMatcher[]): string[] => {
      if (matchers.length === 0) fail(`${where}: '${field}' must not be empty`);
      for (const m of matchers) {
        const problem = labelNameProblem(m.label);
        if (problem) fail(`${where}: '${field}' label '${m.label}' ${problem}`);
        if (m.op !== '=' && m.op !== '!=') fail(`${where}: '${field}' operator must be '=' or '!=', got '${m.op}'`);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
        if (typeof m.value !== 'string' || /[\u0000-\u001f\u007f]/.test(m.value)) {
          fail(
            `${where}: '${field}' value of '${m.label}' must be a string without control characters, got ${JSON.stringify(m.value)}`,
          );
        }
      }
      return matchers.map(renderMatcher);
    };
    const checkTiming = (where: string, timing: NotificationTiming): void => {
      for (const key of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
        const d = timing[key];
        if (!d.isValid()) fail(`${where}: '${key}' ${d.describeInvalid()}`);
        if (key !== 'groupWait' && d.isZero())
          fail(`${where}: '${key}' must be longer than 0s (Alertmanager rejects 0), got 0s`);
      }
      if (timing.repeatInterval.compareTo(timing.groupInterval) < 0) {
        fail(
          `${where}: 'repeatInterval' (${timing.repeatInterval}) must be at least 'groupInterval' (${timing.groupInterval}); Alertmanager checks for a repeat once per group interval`,
        );
      }
      if (timing.repeatInterval.compareTo(this.retention) >= 0) {
        fail(
          `${where}: 'repeatInterval' (${timing.repeatInterval}) must be shorter than the retention (${this.retention}), which would cut it`,
        );
      }
    };
    const timingFields = (t: Partial<NotificationTiming>) => ({
      ...(t.groupWait ? { group_wait: t.groupWait.toPrometheus() } : {}),
      ...(t.groupInterval ? { group_interval: t.groupInterval.toPrometheus() } : {}),
      ...(t.repeatInterval ? { repeat_interval: t.repeatInterval.toPrometheus() } : {}),
    });

    known("'defaultReceiver'", routing.defaultReceiver);
    checkLabels('route', 'groupBy', this.groupBy);
    if (this.groupBy.length === 0)
      fail(`route: 'groupBy' must name at least one label (an empty list puts every alert into one notification)`);
    checkTiming('route', this.timing);

    const dms = routing.deadMansSwitch;
    known("'deadMansSwitch.receiver'", dms.receiver);
    const dmsTiming = dms.timing ?? DEAD_MANS_SWITCH_TIMING;
    checkTiming("'deadMansSwitch'", { ...this.timing, ...dmsTiming });
    const sharing = [routing.defaultReceiver, ...routing.routes.map((r) => r.receiver)].includes(dms.receiver);
    if (sharing) {
      fail(
        `'deadMansSwitch.receiver' '${dms.receiver}' is also used by another route; the dead man's switch needs a receiver of its own, or real alerts would reset it`,
      );
    }
    const routes = [
      {
        receiver: dms.receiver,
        matchers: [renderMatcher(labelIs('alertname', WATCHDOG_ALERT))],
        ...timingFields(dmsTiming),
      },
      ...routing.routes.map((r) => {
        const where = `route to '${r.receiver}'`;
        known(`${where}: 'receiver'`, r.receiver);
        const matchers = checkMatchers(where, 'matchers', r.matchers);
        checkTiming(where, { ...this.timing, ...r.timing });
        return { receiver: r.receiver, matchers, ...timingFields(r.timing ?? {}) };
      }),
    ];

    const inhibitRules = this.inhibitRules.map((rule, i) => {
      const where = `inhibit rule ${i + 1}`;
      const source = checkMatchers(where, 'source', rule.source);
      const target = checkMatchers(where, 'target', rule.target);
      if (rule.equal.length === 0)
        fail(
          `${where}: 'equal' must name at least one label; without one, a single source alert would mute every target alert everywhere`,
        );
      checkLabels(where, 'equal', rule.equal);
      return { source_matchers: source, target_matchers: target, equal: [...rule.equal] };
    });

    this.secretRefs = secretRefs;
    this.fileFields = [...fileFields];
    this.object = {
      route: {
        receiver: routing.defaultReceiver,
        group_by: [...this.groupBy],
        ...timingFields(this.timing),
        routes,
      },
      receivers,
      inhibit_rules: inhibitRules,
    };
    this.text = `# Generated from lib/alertmanager-config.ts: change the typed routing, not this file.\n${toYaml(this.object)}`;
  }
}
