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
  readonly device?: string;
  readonly severity?: string;
  /** Wall-clock time the sink received it. */
  readonly at: number;
}

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'none'];

/**
 * Alertmanager's default Slack title and mail subject: `[FIRING:1] <group label values> (<other common label values>)`,
 * the group labels sorted by name (`alertname`, `device`), the others too; the severity is one of them.
 */
function parseSubject(subject: string): Pick<Notification, 'status' | 'alertname' | 'device' | 'severity'> {
  const match = /^\[(FIRING|RESOLVED)(?::\d+)?\] (\S+)(?: ([^\s(]+))?(?: \((.*)\))?$/.exec(subject.trim());
  if (!match) throw new Error(`not an Alertmanager subject: '${subject}'`);
  const [, status, alertname, device, rest] = match;
  const severity = (rest ?? '').split(' ').find((v) => (SEVERITIES as readonly string[]).includes(v));
  return {
    status: status === 'FIRING' ? 'firing' : 'resolved',
    alertname,
    ...(device ? { device } : {}),
    ...(severity ? { severity } : {}),
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
    // Alertmanager's webhook payload (version 4): the receiver, the status, the group's labels.
    const labels = { ...body.groupLabels, ...body.commonLabels };
    return {
      integration: 'webhook',
      receiver: body.receiver,
      status: body.status,
      alertname: labels.alertname,
      ...(labels.device ? { device: labels.device } : {}),
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
