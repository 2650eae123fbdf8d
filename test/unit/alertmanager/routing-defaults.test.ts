import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import * as alerts from '../../../alerts';
import { config } from '../../../config';
import * as lib from '../../../lib';
import { type AlertRoutingProps, Duration, labelIs, MonitoringStack } from '../../../lib';
import { AlertmanagerConfig } from '../../../lib/alertmanager/alertmanager-config';
import { ALERTMANAGER_BUILTIN_TIMING } from '../../../lib/alertmanager/routing';

/** A routing that leaves every optional field to the library. */
const minimal: AlertRoutingProps = {
  receivers: [
    { name: 'team', webhook: [{ url: { secretName: 'am-receivers', key: 'team-url' } }] },
    { name: 'switch', webhook: [{ url: { secretName: 'am-receivers', key: 'switch-url' } }] },
  ],
  defaultReceiver: 'team',
  routes: [],
  deadMansSwitch: { receiver: 'switch' },
};
const render = (routing: AlertRoutingProps, extra = {}) => new AlertmanagerConfig({ routing, ...extra });

describe("the library's defaults hold no product content", () => {
  test("a routing that sets nothing optional gets Alertmanager's own timers, grouping by alert name, no inhibition", () => {
    expect(parse(render(minimal).text)).toEqual({
      route: {
        receiver: 'team',
        group_by: ['alertname'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '4h',
        routes: [{ receiver: 'switch', matchers: ['alertname="Watchdog"'] }],
      },
      receivers: [
        {
          name: 'team',
          webhook_configs: [
            { send_resolved: true, url_file: '/etc/alertmanager/secrets/am-receivers/team-url', max_alerts: 10 },
          ],
        },
        {
          name: 'switch',
          webhook_configs: [
            { send_resolved: true, url_file: '/etc/alertmanager/secrets/am-receivers/switch-url', max_alerts: 10 },
          ],
        },
      ],
      inhibit_rules: [],
    });
    expect(render(minimal)).toMatchObject({ groupBy: ['alertname'], timing: ALERTMANAGER_BUILTIN_TIMING });
  });

  test('the product routing sets every value the library would otherwise default', () => {
    const routing = alerts.defaultRouting();
    expect(routing).toMatchObject({
      groupBy: alerts.DEFAULT_GROUP_BY,
      timing: alerts.DEFAULT_TIMING,
      inhibitRules: alerts.DEFAULT_INHIBIT_RULES,
      deadMansSwitch: { timing: alerts.DEAD_MANS_SWITCH_TIMING },
    });
  });

  test("config.ts gives the stack the product's routing", () => {
    const stack = new MonitoringStack(Testing.app(), 'stack', config);
    expect(stack.alertmanager.config.text).toBe(render(alerts.defaultRouting()).text);
  });

  test('a stack without a routing is a type error (tsc, which npm test runs first, judges this one)', () => {
    const { alertmanager: _, ...withoutAlertmanager } = config;
    // @ts-expect-error 'alertmanager' with its 'routing' is required
    const build = () => new MonitoringStack(Testing.app(), 'stack', withoutAlertmanager);
    // @ts-expect-error 'routing' is required
    const buildEmpty = () => new MonitoringStack(Testing.app(), 'stack', { ...config, alertmanager: {} });
    expect([typeof build, typeof buildEmpty]).toEqual(['function', 'function']);
  });

  test('lib/ exports none of the product routing: it lives in alerts/routing.ts only', () => {
    for (const name of Object.keys(alerts).filter((k) => /ROUTING|RECEIVER|TIMING|INHIBIT/i.test(k))) {
      expect([name, name in lib]).toEqual([name, false]);
    }
  });
});

describe('more bad input, one sentence each', () => {
  test('fails when the secrets root is not absolute', () => {
    expect(() => render(minimal, { secretsRoot: 'secrets' })).toThrow(
      "alertmanager 'alertmanager': 'secretsRoot' must be an absolute path, got 'secrets'",
    );
  });

  test('fails when a receiver name is not one Alertmanager accepts', () => {
    const routing = { ...minimal, receivers: [...minimal.receivers, { name: '-pager', webhook: [] }] };
    expect(() => render(routing)).toThrow(
      `alertmanager 'alertmanager': receiver '-pager': 'name' must be letters, digits, "-", "_" and ".", starting with a letter or digit`,
    );
  });

  test('fails when groupBy is empty', () => {
    expect(() => render({ ...minimal, groupBy: [] })).toThrow(
      "alertmanager 'alertmanager': route: 'groupBy' must name at least one label (an empty list puts every alert into one notification)",
    );
  });

  test('fails when a matcher value holds a control character, or its operator is unknown', () => {
    const route = (value: string, op: '=' | '!=' = '=') => ({
      ...minimal,
      routes: [{ matchers: [{ label: 'team', op, value }], receiver: 'team' }],
    });
    expect(() => render(route('audio\n'))).toThrow(
      `alertmanager 'alertmanager': route to 'team': 'matchers' value of 'team' must be a string without control characters, got "audio\\n"`,
    );
    expect(() => render(route('audio', '=~' as '='))).toThrow(
      "alertmanager 'alertmanager': route to 'team': 'matchers' operator must be '=' or '!=', got '=~'",
    );
  });

  test("fails when an inhibition's 'equal' lists a label twice", () => {
    const rule = { source: [labelIs('severity', 'critical')], target: [labelIs('severity', 'warning')] };
    expect(() => render({ ...minimal, inhibitRules: [{ ...rule, equal: ['alertname', 'alertname'] }] })).toThrow(
      "alertmanager 'alertmanager': inhibit rule 1: 'equal' lists a label twice: alertname, alertname",
    );
  });

  test("fails when the dead man's switch would repeat no sooner than the retention cuts it", () => {
    const slow = { ...minimal, deadMansSwitch: { receiver: 'switch', timing: { repeatInterval: Duration.days(6) } } };
    expect(() => render(slow)).toThrow(
      "alertmanager 'alertmanager': 'deadMansSwitch': 'repeatInterval' (6d) must be shorter than the retention (5d), which would cut it",
    );
  });
});

describe("the product's routing, with a site's own receivers", () => {
  const site = alerts.defaultRouting({
    onCallEmail: 'oncall@acme.org',
    emailFrom: 'alertmanager@acme.org',
    smarthost: { host: 'smtp.acme.org', port: 587 },
    criticalChannel: '#audio-critical',
    warningChannel: '#audio-warnings',
  });

  test('the README example replaces every placeholder address and channel', () => {
    const text = render(site).text;
    expect(text).not.toMatch(/\.example\b|#liquid-audio-nets-/);
    const rendered = parse(text);
    const receiver = (name: string) => rendered.receivers.find((r: { name: string }) => r.name === name);
    expect(receiver('critical').slack_configs[0].channel).toBe('#audio-critical');
    expect(receiver('critical').email_configs[0]).toMatchObject({
      to: 'oncall@acme.org',
      from: 'alertmanager@acme.org',
      smarthost: 'smtp.acme.org:587',
    });
    expect(receiver('warning').slack_configs[0].channel).toBe('#audio-warnings');
  });

  test('a channel without its "#" fails in one sentence naming the receiver', () => {
    expect(() => render(alerts.defaultRouting({ warningChannel: 'audio-warnings' }))).toThrow(
      "alertmanager 'alertmanager': receiver 'warning': 'channel' must start with '#', got 'audio-warnings'",
    );
  });
});
