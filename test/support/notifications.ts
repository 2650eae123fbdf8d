import type { AlertRoutingProps, Severity } from '../../lib';
import type { HttpSink, SmtpSink } from './loopback';

/**
 * The notifications Alertmanager delivered to the test's sinks, read back as records: which
 * integration of which receiver got which alert of which device, firing or resolved, and when.
 */
export interface Notification {
  readonly integration: 'slack' | 'email' | 'webhook';
  /** The receiver whose integration it reached, found from the routing's receivers by destination. */
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alertname: string;
  /** The device, when the notification names exactly one. */
  readonly device?: string;
  /** Every device the notification names (the title lists the first ten of its alerts). */
  readonly devices: readonly string[];
  readonly severity?: string;
  /** Wall-clock time the sink received it. */
  readonly at: number;
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'none'];

/**
 * The Slack title and mail subject the routing renders (lib/alertmanager notificationTitle):
 * `[FIRING:2] <alertname> <device> <device> (<severity>)`, the devices of the first alerts listed.
 */
function parseSubject(subject: string): Pick<Notification, 'status' | 'alertname' | 'device' | 'devices' | 'severity'> {
  const match = /^\[(FIRING|RESOLVED)(?::\d+)?\] (\S+)((?: [^\s(]+)*)(?: \((\S+)\))?$/.exec(subject.trim());
  if (!match) throw new Error(`not an Alertmanager subject: '${subject}'`);
  const [, status, alertname, names, severity] = match;
  const devices = names.trim() === '' ? [] : names.trim().split(' ');
  return {
    status: status === 'FIRING' ? 'firing' : 'resolved',
    alertname,
    devices,
    ...(devices.length === 1 ? { device: devices[0] } : {}),
    ...(severity && (SEVERITIES as readonly string[]).includes(severity) ? { severity } : {}),
  };
}

/** Every notification received so far, in the order received. */
export function readNotifications(http: HttpSink, smtp: SmtpSink, routing: AlertRoutingProps): Notification[] {
  const receiverOf = (what: string, found: string | undefined) => {
    if (!found) throw new Error(`a notification reached ${what}, which no receiver of the routing names`);
    return found;
  };
  const fromHttp = http.requests.map((request): Notification => {
    const body = JSON.parse(request.body);
    if (typeof body.channel === 'string') {
      const title: string = body.attachments?.[0]?.title ?? '';
      const receiver = receiverOf(
        `Slack channel ${body.channel}`,
        routing.receivers.find((r) => r.slack?.some((s) => s.channel === body.channel))?.name,
      );
      return { integration: 'slack', receiver, ...parseSubject(title), at: request.at };
    }
    // Alertmanager's webhook payload (version 4): the receiver, the status, the group's labels, the first alerts.
    const labels = { ...body.groupLabels, ...body.commonLabels };
    const devices = (body.alerts as Array<{ labels: Record<string, string> }>).flatMap((a) =>
      a.labels.device ? [a.labels.device] : [],
    );
    return {
      integration: 'webhook',
      receiver: body.receiver,
      status: body.status,
      alertname: labels.alertname,
      devices,
      ...(devices.length === 1 ? { device: devices[0] } : {}),
      ...(labels.severity ? { severity: labels.severity } : {}),
      at: request.at,
    };
  });
  const fromSmtp = smtp.mails.map((mail): Notification => {
    const subject = /^Subject: (.*)$/m.exec(mail.data)?.[1] ?? '';
    const receiver = receiverOf(
      `mail to ${mail.to.join(', ')}`,
      routing.receivers.find((r) => r.email?.some((e) => e.to.some((to) => mail.to.includes(to))))?.name,
    );
    return { integration: 'email', receiver, ...parseSubject(subject), at: mail.at };
  });
  return [...fromHttp, ...fromSmtp].sort((a, b) => a.at - b.at);
}

/** `critical/slack firing DeviceOffline edge-08 (critical)`: one line per notification, for messages. */
export function describeNotification(n: Notification): string {
  return `${n.receiver}/${n.integration} ${n.status} ${n.alertname}${n.device ? ` ${n.device}` : ''}${n.severity ? ` (${n.severity})` : ''}`;
}
