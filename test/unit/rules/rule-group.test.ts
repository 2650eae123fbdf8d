import { AlertRule, AlertText, Duration } from '../../../lib';
import { RuleGroup, type RuleGroupProps } from '../../../lib/rules/rule-group';

const rule = (name: string, forDuration = Duration.minutes(5)) =>
  new AlertRule({
    name,
    expr: 'model_accuracy < 0.9',
    for: forDuration,
    severity: 'critical',
    summary: AlertText.template('low'),
    description: AlertText.template('low'),
  });

const group = (overrides: Partial<RuleGroupProps> = {}) =>
  new RuleGroup({
    name: 'model-quality',
    interval: Duration.seconds(30),
    rules: [rule('LowModelAccuracy')],
    runbookBaseUrl: 'https://example.org/runbooks.md',
    ...overrides,
  });

describe('RuleGroup', () => {
  test('renders the rule file Prometheus reads', () => {
    expect(group().toPrometheus()).toEqual({
      groups: [
        {
          name: 'model-quality',
          interval: '30s',
          rules: [
            {
              alert: 'LowModelAccuracy',
              expr: 'model_accuracy < 0.9',
              for: '5m',
              labels: { severity: 'critical' },
              annotations: {
                summary: 'low',
                description: 'low',
                runbook_url: 'https://example.org/runbooks.md#lowmodelaccuracy',
              },
            },
          ],
        },
      ],
    });
  });

  test('a rule without for renders no for', () => {
    const rendered = group({ rules: [rule('Watchdog', Duration.ZERO)] }).toPrometheus() as {
      groups: Array<{ rules: object[] }>;
    };
    expect(rendered.groups[0].rules[0]).not.toHaveProperty('for');
  });

  test('fails when an alert name is used twice', () => {
    expect(() => group({ rules: [rule('LowModelAccuracy'), rule('LowModelAccuracy')] })).toThrow(
      "rule group 'model-quality': alert 'LowModelAccuracy' is defined twice; alert names must be unique",
    );
  });

  test('fails when a for is shorter than the evaluation interval', () => {
    expect(() => group({ rules: [rule('LowModelAccuracy', Duration.seconds(15))] })).toThrow(
      "alert 'LowModelAccuracy': 'for' must be 0s or at least the evaluation interval (30s), got 15s",
    );
  });

  test('fails on a group name that cannot be a file name in a ConfigMap', () => {
    expect(() => group({ name: 'Model Quality' })).toThrow(
      /^rule group 'Model Quality': 'name' must be lower-case letters/,
    );
  });

  test('fails on a zero interval', () => {
    expect(() => group({ interval: Duration.ZERO })).toThrow(
      /'interval' must be a positive whole number of milliseconds, got 0s/,
    );
  });

  test('fails on a runbook base that is not a URL', () => {
    expect(() => group({ runbookBaseUrl: 'docs/runbooks.md' })).toThrow(
      /'runbookBaseUrl' must be an http\(s\) URL without a fragment, got 'docs\/runbooks.md'/,
    );
  });
});
