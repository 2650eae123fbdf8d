import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  DEFAULT_RECEIVER_SECRETS,
  DEFAULT_RECEIVERS,
  DEVICE_ALERTS,
  defaultRouting,
  FLEET_ALERTS,
  MODEL_QUALITY_ALERTS,
  NODE_HEALTH_ALERTS,
  trainingLossPlateau,
  validationAccuracyDiverging,
  watchdog,
} from '../../../alerts';
import { type AlertRoutingProps, Duration, labelIs, type SecretKeyRef, severityRoute } from '../../../lib';
import {
  ALERTMANAGER_FILE_FIELDS,
  AlertmanagerConfig,
  type AlertmanagerFileField,
  versionAtLeast,
} from '../../../lib/alertmanager/alertmanager-config';
import { IMAGES } from '../../../lib/k8s/images';
import { programVersion } from '../../support/alertmanager';
import { SEED_SEVERITIES } from '../../support/manifests';
import { run } from '../../support/programs';

const config = (routing: AlertRoutingProps = defaultRouting(), extra = {}) =>
  new AlertmanagerConfig({ routing, ...extra });
const rendered = (routing?: AlertRoutingProps) => parse(config(routing).text);

/** The default routing with one receiver changed (or added when `name` is new). */
function withReceiver(receiver: AlertRoutingProps['receivers'][number]): AlertRoutingProps {
  const routing = defaultRouting();
  const others = routing.receivers.filter((r) => r.name !== receiver.name);
  return { ...routing, receivers: [...others, receiver] };
}
const slackRef: SecretKeyRef = { secretName: 'alertmanager-receivers', key: 'slack-webhook-url' };

/** Writes a configuration, exactly as rendered, for amtool; returns its folder. */
function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertmanager-config-'));
  writeFileSync(join(dir, 'alertmanager.yml'), text);
  return dir;
}

describe('the default routing (alerts/routing.ts), rendered', () => {
  const yaml = rendered();

  test('routes the Watchdog first, then critical and warning, grouped by alert name', () => {
    expect(yaml.route).toEqual({
      receiver: 'warning',
      group_by: ['alertname'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        {
          receiver: 'dead-mans-switch',
          matchers: ['alertname="Watchdog"'],
          group_interval: '1m',
          repeat_interval: '5m',
        },
        { receiver: 'critical', matchers: ['severity="critical"'] },
        { receiver: 'warning', matchers: ['severity="warning"'], repeat_interval: '1d' },
      ],
    });
  });

  test('critical goes to Slack, the on-call mail and the paging webhook, each secret read from a mounted file', () => {
    const critical = yaml.receivers.find((r: { name: string }) => r.name === 'critical');
    expect(critical).toMatchObject({
      slack_configs: [
        {
          channel: '#liquid-audio-nets-critical',
          api_url_file: '/etc/alertmanager/secrets/alertmanager-receivers/slack-webhook-url',
          send_resolved: true,
        },
      ],
      email_configs: [
        {
          to: 'oncall@liquid-audio-nets.example',
          from: 'alertmanager@liquid-audio-nets.example',
          smarthost: 'smtp.liquid-audio-nets.example:587',
          auth_username: 'alertmanager@liquid-audio-nets.example',
          auth_password_file: '/etc/alertmanager/secrets/alertmanager-receivers/smtp-password',
          require_tls: true,
        },
      ],
      webhook_configs: [
        { url_file: '/etc/alertmanager/secrets/alertmanager-receivers/alert-webhook-url', send_resolved: true },
      ],
    });
  });

  test('warning goes to its own Slack channel; the Watchdog to the dead man switch from its own Secret', () => {
    expect(yaml.receivers).toEqual(
      expect.arrayContaining([
        {
          name: 'warning',
          slack_configs: [
            expect.objectContaining({
              channel: '#liquid-audio-nets-warnings',
              api_url_file: '/etc/alertmanager/secrets/alertmanager-receivers/slack-warnings-webhook-url',
            }),
          ],
        },
        {
          name: 'dead-mans-switch',
          webhook_configs: [
            {
              send_resolved: false,
              url_file: '/etc/alertmanager/secrets/alertmanager-dead-mans-switch/url',
              max_alerts: 10,
            },
          ],
        },
      ]),
    );
  });

  test('notifications list the first 10 alerts of a group and count the rest; the webhook carries the first 10', () => {
    const critical = yaml.receivers.find((r: { name: string }) => r.name === 'critical');
    for (const text of [
      critical.slack_configs[0].text,
      critical.email_configs[0].text,
      critical.email_configs[0].html,
    ]) {
      expect(text).toContain('{{ range $i, $a := .Alerts.Firing }}{{ if lt $i 10 }}');
      expect(text).toContain('{{ if gt (len .Alerts.Firing) 10 }}');
      expect(text).toContain('{{ len (slice .Alerts.Firing 10) }} more firing');
    }
    expect(critical.webhook_configs[0].max_alerts).toBe(10);
    expect(() => config({ ...defaultRouting(), listedAlerts: 0 })).toThrow(
      /'listedAlerts' must be a whole number of at least 1, got 0/,
    );
  });

  test('DeviceOffline mutes the rest of its device; a critical alert mutes the warning of the same name and device; a fleet alert its device alerts', () => {
    expect(yaml.inhibit_rules).toEqual([
      {
        source_matchers: ['alertname="DeviceOffline"'],
        target_matchers: ['alertname!="DeviceOffline"'],
        equal: ['device'],
      },
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'device'],
      },
      { source_matchers: ['scope="fleet"'], target_matchers: ['scope="device"'], equal: ['signal'] },
      {
        source_matchers: ['alertname="PrometheusSeesNoDevice"'],
        target_matchers: ['scope="fleet"', 'alertname!="PrometheusSeesNoDevice"'],
        equal: ['signal'],
      },
    ]);
  });

  test('no credential is written: every secret field is a *_file path under the secrets root', () => {
    const text = config().text;
    expect(text).not.toMatch(/^\s*(api_url|url|auth_password|auth_secret|slack_api_url):/m);
    const files = [...text.matchAll(/_file: (.*)$/gm)].map((m) => m[1]);
    expect(files).toHaveLength(5);
    for (const file of files) expect(file).toMatch(/^\/etc\/alertmanager\/secrets\/[a-z0-9.-]+\/[-._a-zA-Z0-9]+$/);
    expect(config().secretRefs).toEqual(expect.arrayContaining(Object.values(DEFAULT_RECEIVER_SECRETS)));
  });

  test('the timing is a typed option: scaled down, it renders scaled down', () => {
    const fast = defaultRouting({
      timing: {
        groupWait: Duration.seconds(1),
        groupInterval: Duration.seconds(10),
        repeatInterval: Duration.hours(1),
      },
    });
    expect(rendered(fast).route).toMatchObject({ group_wait: '1s', group_interval: '10s', repeat_interval: '1h' });
  });
});

describe('the default routing, judged by the real amtool (the pinned version)', () => {
  const text = config().text;
  const dir = writeConfig(text);

  test('amtool check-config accepts it exactly as rendered, url_file included', () => {
    expect(text).toContain('url_file:');
    const result = run('amtool', ['check-config', 'alertmanager.yml'], dir);
    expect(result.stdout).toContain('SUCCESS');
    expect(result.stdout).toContain('3 receivers');
    expect(result.stdout).toContain('4 inhibit rules');
    expect(result.status).toBe(0);
  });

  const routeOf = (labels: Record<string, string>) => {
    const args = [
      'config',
      'routes',
      'test',
      '--config.file=alertmanager.yml',
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ];
    const result = run('amtool', args, dir);
    expect(result.status).toBe(0);
    return result.stdout.trim();
  };

  test('every seed alert reaches the receiver of its severity', () => {
    const seed = [...DEVICE_ALERTS, ...MODEL_QUALITY_ALERTS].filter((r) => r.name in SEED_SEVERITIES);
    expect(Object.fromEntries(seed.map((r) => [r.name, r.severity]))).toEqual(SEED_SEVERITIES);
    const routes = Object.fromEntries(
      seed.map((r) => [r.name, routeOf({ alertname: r.name, ...r.ruleLabels, device: 'edge-01' })]),
    );
    expect(routes).toEqual({
      DeviceOffline: DEFAULT_RECEIVERS.critical,
      LowThroughput: DEFAULT_RECEIVERS.critical,
      LowModelAccuracy: DEFAULT_RECEIVERS.critical,
      HighInferenceLatency: DEFAULT_RECEIVERS.warning,
      HighPowerConsumption: DEFAULT_RECEIVERS.warning,
      HighMemoryUsage: DEFAULT_RECEIVERS.warning,
      ModelAccuracyDegrading: DEFAULT_RECEIVERS.warning,
    });
  });

  test('every alert added beside the seed (fleet, node health, training) reaches the receiver of its severity', () => {
    const added = [...FLEET_ALERTS, ...NODE_HEALTH_ALERTS, trainingLossPlateau, validationAccuracyDiverging];
    for (const r of added) {
      const receiver = r.severity === 'critical' ? DEFAULT_RECEIVERS.critical : DEFAULT_RECEIVERS.warning;
      expect([r.name, routeOf({ alertname: r.name, ...r.ruleLabels, device: 'edge-01' })]).toEqual([r.name, receiver]);
    }
  });

  test('the Watchdog reaches the dead man switch; an info alert the warnings channel', () => {
    expect(routeOf({ alertname: watchdog.name, ...watchdog.ruleLabels })).toBe(DEFAULT_RECEIVERS.deadMansSwitch);
    expect(routeOf({ alertname: 'BatteryLow', severity: 'info', device: 'edge-01' })).toBe(DEFAULT_RECEIVERS.warning);
  });

  test('amtool routes test can fail: swapped receivers are caught', () => {
    const swapped = defaultRouting();
    const broken = { ...swapped, routes: [severityRoute('critical', 'warning'), severityRoute('warning', 'critical')] };
    const brokenDir = writeConfig(config(broken).text);
    const result = run(
      'amtool',
      ['config', 'routes', 'test', '--config.file=alertmanager.yml', 'alertname=DeviceOffline', 'severity=critical'],
      brokenDir,
    );
    expect(result.stdout.trim()).toBe('warning');
  });
});

describe('the *_file fields and the pinned Alertmanager', () => {
  test('the pinned image reads every *_file field the configuration uses', () => {
    const used = config().fileFields;
    expect([...used].sort()).toEqual(Object.keys(ALERTMANAGER_FILE_FIELDS).sort());
    for (const field of used) {
      expect([
        field,
        IMAGES.alertmanager.tag,
        versionAtLeast(IMAGES.alertmanager.tag, ALERTMANAGER_FILE_FIELDS[field]),
      ]).toEqual([field, IMAGES.alertmanager.tag, true]);
    }
  });

  test('the table agrees with the pinned amtool: it accepts exactly the fields the table dates at or before its version', () => {
    const version = programVersion('amtool');
    const snippets: Record<AlertmanagerFileField, string> = {
      'slack_configs.api_url_file': 'slack_configs: [{ channel: "#a", api_url_file: /tmp/x }]',
      'email_configs.auth_password_file':
        'email_configs: [{ to: a@b.org, from: a@b.org, smarthost: "127.0.0.1:25", auth_username: a, auth_password_file: /tmp/x }]',
      'webhook_configs.url_file': 'webhook_configs: [{ url_file: /tmp/x }]',
    };
    for (const field of Object.keys(snippets) as AlertmanagerFileField[]) {
      const dir = mkdtempSync(join(tmpdir(), 'alertmanager-field-'));
      writeFileSync(join(dir, 'am.yml'), `route: { receiver: r }\nreceivers:\n  - name: r\n    ${snippets[field]}\n`);
      const accepted = run('amtool', ['check-config', 'am.yml'], dir).status === 0;
      expect([field, version, accepted]).toEqual([
        field,
        version,
        versionAtLeast(version, ALERTMANAGER_FILE_FIELDS[field]),
      ]);
    }
  });

  test('versionAtLeast compares numerically, with or without the v', () => {
    expect(versionAtLeast('v0.35.1', '0.26.0')).toBe(true);
    expect(versionAtLeast('0.25.0', '0.26.0')).toBe(false);
    expect(versionAtLeast('0.26.0', '0.26.0')).toBe(true);
    expect(versionAtLeast('v0.100.0', '0.26.0')).toBe(true);
    expect(versionAtLeast('1.0.0', '0.99.9')).toBe(true);
  });
});

describe('bad routing stops the synth with one sentence', () => {
  test('fails when a route names a receiver that does not exist', () => {
    const routing = { ...defaultRouting(), routes: [severityRoute('critical', 'pager')] };
    expect(() => config(routing)).toThrow(
      "alertmanager 'alertmanager': route to 'pager': 'receiver' names 'pager', which is not a receiver (receivers: critical, warning, dead-mans-switch)",
    );
  });

  test('fails when the default receiver does not exist', () => {
    expect(() => config({ ...defaultRouting(), defaultReceiver: 'nobody' })).toThrow(
      /'defaultReceiver' names 'nobody', which is not a receiver/,
    );
  });

  test('fails when a receiver has no integration', () => {
    expect(() => config(withReceiver({ name: 'critical' }))).toThrow(
      "alertmanager 'alertmanager': receiver 'critical': needs at least one integration ('slack', 'email' or 'webhook'), got none",
    );
  });

  test('fails when a Slack channel has no #', () => {
    expect(() => config(withReceiver({ name: 'x', slack: [{ channel: 'alerts', apiUrl: slackRef }] }))).toThrow(
      "alertmanager 'alertmanager': receiver 'x': 'channel' must start with '#', got 'alerts'",
    );
  });

  test('fails when a Slack channel is not a channel name', () => {
    expect(() => config(withReceiver({ name: 'x', slack: [{ channel: '#Alerts Team', apiUrl: slackRef }] }))).toThrow(
      /receiver 'x': 'channel' must be '#' and a Slack channel name .*, got '#Alerts Team'/,
    );
  });

  test('fails when a secret is given as a literal value', () => {
    const literal = 'https://hooks.slack.com/services/T000/B000/XXXX' as unknown as SecretKeyRef;
    expect(() => config(withReceiver({ name: 'x', slack: [{ channel: '#alerts', apiUrl: literal }] }))).toThrow(
      "alertmanager 'alertmanager': receiver 'x': 'apiUrl' must be a reference to a Secret ({ secretName, key }), not a literal value",
    );
    expect(() =>
      config(withReceiver({ name: 'x', webhook: [{ url: 'http://pager' as unknown as SecretKeyRef }] })),
    ).toThrow(/receiver 'x': 'url' must be a reference to a Secret/);
  });

  test('fails when a secret reference names a Secret Kubernetes would reject', () => {
    expect(() =>
      config(withReceiver({ name: 'x', webhook: [{ url: { secretName: 'Receivers', key: 'url' } }] })),
    ).toThrow(/receiver 'x': 'url.secretName' 'Receivers' must be lower-case letters/);
  });

  const email = {
    to: ['oncall@example.org'],
    from: 'am@example.org',
    smarthost: { host: 'smtp.example.org', port: 587 },
  };

  test('fails when an email address does not parse', () => {
    expect(() => config(withReceiver({ name: 'x', email: [{ ...email, to: ['oncall'] }] }))).toThrow(
      "alertmanager 'alertmanager': receiver 'x': 'to' must be an email address such as 'oncall@example.org' (local part, \"@\", domain with a dot), got 'oncall'",
    );
    expect(() => config(withReceiver({ name: 'x', email: [{ ...email, from: 'alertmanager@@example.org' }] }))).toThrow(
      /receiver 'x': 'from' must be an email address .*, got 'alertmanager@@example.org'/,
    );
  });

  test('fails when an email has no recipient, a bad smarthost, or a password without a user', () => {
    expect(() => config(withReceiver({ name: 'x', email: [{ ...email, to: [] }] }))).toThrow(
      /receiver 'x': 'to' must list at least one email address/,
    );
    expect(() =>
      config(withReceiver({ name: 'x', email: [{ ...email, smarthost: { host: 'smtp.example.org', port: 0 } }] })),
    ).toThrow(/receiver 'x': 'smarthost.port' must be a whole number from 1 to 65535, got 0/);
    expect(() =>
      config(withReceiver({ name: 'x', email: [{ ...email, smarthost: { host: 'smtp example', port: 25 } }] })),
    ).toThrow(/'smarthost.host' must be a host name/);
    expect(() => config(withReceiver({ name: 'x', email: [{ ...email, authPassword: slackRef }] }))).toThrow(
      /receiver 'x': 'authUsername' and 'authPassword' must be given together .*, got only 'authPassword'/,
    );
  });

  test('fails when a receiver is defined twice', () => {
    const routing = defaultRouting();
    expect(() => config({ ...routing, receivers: [...routing.receivers, routing.receivers[0]] })).toThrow(
      /receiver 'critical' is defined twice/,
    );
  });

  test('fails when the dead man switch shares its receiver with real alerts', () => {
    expect(() => config({ ...defaultRouting(), deadMansSwitch: { receiver: 'critical' } })).toThrow(
      /'deadMansSwitch.receiver' 'critical' is also used by another route; the dead man's switch needs a receiver of its own/,
    );
  });

  test('fails when a repeat interval is shorter than the group interval, or not shorter than the retention', () => {
    const routing = {
      ...defaultRouting(),
      routes: [severityRoute('critical', 'critical', { repeatInterval: Duration.minutes(1) })],
    };
    expect(() => config(routing)).toThrow(
      "alertmanager 'alertmanager': route to 'critical': 'repeatInterval' (1m) must be at least 'groupInterval' (5m); Alertmanager checks for a repeat once per group interval",
    );
    expect(() => config(defaultRouting(), { retention: Duration.hours(12) })).toThrow(
      /route to 'warning': 'repeatInterval' \(1d\) must be shorter than the retention \(12h\)/,
    );
    const zero = defaultRouting({
      timing: { groupWait: Duration.seconds(30), groupInterval: Duration.ZERO, repeatInterval: Duration.hours(4) },
    });
    expect(() => config(zero)).toThrow(/route: 'groupInterval' must be longer than 0s/);
  });

  test('fails on a label name Alertmanager would reject, in a route, group_by or inhibition', () => {
    expect(() =>
      config({ ...defaultRouting(), routes: [{ matchers: [labelIs('team-name', 'audio')], receiver: 'critical' }] }),
    ).toThrow(/route to 'critical': 'matchers' label 'team-name' must match/);
    expect(() => config({ ...defaultRouting(), groupBy: ['alertname', 'device.id'] })).toThrow(
      /route: 'groupBy' label 'device.id' must match/,
    );
    expect(() =>
      config({
        ...defaultRouting(),
        inhibitRules: [
          { source: [labelIs('severity', 'critical')], target: [labelIs('severity', 'warning')], equal: [] },
        ],
      }),
    ).toThrow(/inhibit rule 1: 'equal' must name at least one label/);
  });

  test('fails when a route has no matchers', () => {
    expect(() => config({ ...defaultRouting(), routes: [{ matchers: [], receiver: 'critical' }] })).toThrow(
      /route to 'critical': 'matchers' must not be empty/,
    );
  });

  test('names the Alertmanager it configures', () => {
    expect(() => new AlertmanagerConfig({ alertmanager: 'am-edge', routing: withReceiver({ name: 'x' }) })).toThrow(
      /^alertmanager 'am-edge': receiver 'x'/,
    );
  });
});
