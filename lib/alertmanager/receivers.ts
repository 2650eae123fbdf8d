import { labelNameProblem } from '../core';
import type { SecretKeyRef } from '../k8s';
import type { ConfigContext } from './config-context';

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

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** Slack channel names: lower-case letters, digits, `-`, `_` and `.`, at most 80 characters. */
const SLACK_CHANNEL = /^#[a-z0-9][a-z0-9._-]{0,79}$/;

/**
 * The notification texts: the first `listed` firing alerts of the group, each with its summary,
 * description and runbook link, then how many more fire, so a group of 10,000 alerts is one short
 * message. Alertmanager sorts a group's alerts by job, instance and labels; its templates have no
 * arithmetic, so "how many more" is the length of the slice past the first `listed`.
 */
export function notificationText(listed: number, format: 'slack' | 'text' | 'html'): string {
  const item = {
    slack:
      '*{{ $a.Annotations.summary }}*\n{{ $a.Annotations.description }}\n' +
      '{{ if $a.Annotations.runbook_url }}<{{ $a.Annotations.runbook_url }}|Runbook>\n{{ end }}',
    text: '{{ $a.Annotations.summary }}\n{{ $a.Annotations.description }}\n{{ if $a.Annotations.runbook_url }}Runbook: {{ $a.Annotations.runbook_url }}\n{{ end }}\n',
    html:
      '<p><b>{{ $a.Annotations.summary }}</b><br>{{ $a.Annotations.description }}' +
      '{{ if $a.Annotations.runbook_url }}<br><a href="{{ $a.Annotations.runbook_url }}">Runbook</a>{{ end }}</p>',
  }[format];
  const line = (text: string) => (format === 'html' ? `<p>${text}</p>` : `${text}\n`);
  const list = (which: 'Firing' | 'Resolved', what: string, each: string) =>
    `{{ range $i, $a := .Alerts.${which} }}{{ if lt $i ${listed} }}${each}{{ end }}{{ end }}` +
    `{{ if gt (len .Alerts.${which}) ${listed} }}${line(`and {{ len (slice .Alerts.${which} ${listed}) }} more ${what}`)}{{ end }}`;
  const resolvedItem =
    format === 'html' ? '<p>Resolved: {{ $a.Annotations.summary }}</p>' : 'Resolved: {{ $a.Annotations.summary }}\n';
  return `${list('Firing', 'firing', item)}${list('Resolved', 'resolved', resolvedItem)}`;
}

/**
 * The Slack title and mail subject: Alertmanager's own `[FIRING:3] <group label values>`, then the
 * `titleLabel` value of each of the first `listed` alerts (the devices of a grouped alert), then
 * the severity when all alerts share it: `[FIRING:2] DeviceOffline edge-08 edge-09 (critical)`.
 */
export function notificationTitle(listed: number, titleLabel?: string): string {
  const names =
    titleLabel === undefined
      ? ''
      : `{{ range $i, $a := .Alerts }}{{ if lt $i ${listed} }}{{ with index $a.Labels ${JSON.stringify(titleLabel)} }} {{ . }}{{ end }}{{ end }}{{ end }}`;
  return (
    '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
    `{{ .GroupLabels.SortedPairs.Values | join " " }}${names}{{ with .CommonLabels.severity }} ({{ . }}){{ end }}`
  );
}

/** How the notification texts of a routing read: how many alerts they list, and the label they name them by. */
export interface NotificationShape {
  readonly listed: number;
  /** @default - no label named in the title */
  readonly titleLabel?: string;
}

/** How many alerts a notification lists before it counts the rest, by default. */
export const DEFAULT_LISTED_ALERTS = 10;

/** `receivers`: each checked, names unique; returns the names too, for the routes to refer to. */
export function renderReceivers(
  ctx: ConfigContext,
  receivers: readonly ReceiverProps[],
  shape: NotificationShape = { listed: DEFAULT_LISTED_ALERTS },
): { readonly names: readonly string[]; readonly rendered: object[] } {
  const { listed } = shape;
  if (!Number.isInteger(listed) || listed < 1) {
    ctx.fail(`'listedAlerts' must be a whole number of at least 1, got ${listed}`);
  }
  if (shape.titleLabel !== undefined) {
    const problem = labelNameProblem(shape.titleLabel);
    if (problem) ctx.fail(`'titleLabel' '${shape.titleLabel}' ${problem}`);
  }
  const names: string[] = [];
  const rendered = receivers.map((receiver) => {
    const where = `receiver '${receiver.name}'`;
    if (typeof receiver.name !== 'string' || !RECEIVER_NAME.test(receiver.name)) {
      ctx.fail(`${where}: 'name' must be letters, digits, "-", "_" and ".", starting with a letter or digit`);
    }
    if (names.includes(receiver.name)) ctx.fail(`${where} is defined twice; receiver names must be unique`);
    names.push(receiver.name);
    return renderReceiver(ctx, where, receiver, shape);
  });
  return { names, rendered };
}

function renderReceiver(ctx: ConfigContext, where: string, receiver: ReceiverProps, shape: NotificationShape): object {
  const { listed } = shape;
  const slack = (receiver.slack ?? []).map((s) => renderSlack(ctx, where, s, shape));
  const email = (receiver.email ?? []).map((e) => renderEmail(ctx, where, e, shape));
  const webhook = (receiver.webhook ?? []).map((w) => ({
    send_resolved: w.sendResolved ?? true,
    url_file: ctx.secretFile(where, 'url', w.url, 'webhook_configs.url_file'),
    // The payload carries the first `listed` alerts and `truncatedAlerts`, the count of the rest.
    max_alerts: listed,
  }));
  if (slack.length + email.length + webhook.length === 0) {
    ctx.fail(`${where}: needs at least one integration ('slack', 'email' or 'webhook'), got none`);
  }
  return {
    name: receiver.name,
    ...(slack.length ? { slack_configs: slack } : {}),
    ...(email.length ? { email_configs: email } : {}),
    ...(webhook.length ? { webhook_configs: webhook } : {}),
  };
}

function renderSlack(ctx: ConfigContext, where: string, s: SlackReceiverConfig, shape: NotificationShape): object {
  if (typeof s.channel !== 'string' || !s.channel.startsWith('#')) {
    ctx.fail(`${where}: 'channel' must start with '#', got '${s.channel}'`);
  }
  if (!SLACK_CHANNEL.test(s.channel)) {
    ctx.fail(
      `${where}: 'channel' must be '#' and a Slack channel name (lower-case letters, digits, "-", "_" and ".", at most 80), got '${s.channel}'`,
    );
  }
  return {
    send_resolved: s.sendResolved ?? true,
    api_url_file: ctx.secretFile(where, 'apiUrl', s.apiUrl, 'slack_configs.api_url_file'),
    channel: s.channel,
    title: notificationTitle(shape.listed, shape.titleLabel),
    text: notificationText(shape.listed, 'slack'),
  };
}

function renderEmail(ctx: ConfigContext, where: string, e: EmailReceiverConfig, shape: NotificationShape): object {
  checkAddresses(ctx, where, e);
  const { host, port } = e.smarthost;
  if (typeof host !== 'string' || !HOST.test(host)) {
    ctx.fail(`${where}: 'smarthost.host' must be a host name or IPv4 address, got '${host}'`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    ctx.fail(`${where}: 'smarthost.port' must be a whole number from 1 to 65535, got ${port}`);
  }
  if ((e.authUsername === undefined) !== (e.authPassword === undefined)) {
    ctx.fail(
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
          auth_password_file: ctx.secretFile(where, 'authPassword', e.authPassword, 'email_configs.auth_password_file'),
        }
      : {}),
    require_tls: e.requireTls ?? true,
    headers: { Subject: notificationTitle(shape.listed, shape.titleLabel) },
    html: notificationText(shape.listed, 'html'),
    text: notificationText(shape.listed, 'text'),
  };
}

/** Fails unless there is a recipient and every recipient and the sender is `local@domain`. */
function checkAddresses(ctx: ConfigContext, where: string, e: EmailReceiverConfig): void {
  if (!Array.isArray(e.to) || e.to.length === 0) ctx.fail(`${where}: 'to' must list at least one email address`);
  const addresses: ReadonlyArray<readonly [string, string]> = [
    ...e.to.map((a) => ['to', a] as const),
    ['from', e.from],
  ];
  for (const [field, address] of addresses) {
    if (typeof address !== 'string' || !EMAIL.test(address)) {
      ctx.fail(
        `${where}: '${field}' must be an email address such as 'oncall@example.org' (local part, "@", domain with a dot), got '${address}'`,
      );
    }
  }
}
