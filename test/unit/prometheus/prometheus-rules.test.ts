import { Testing } from 'cdk8s';
import { AlertRule, AlertText, Duration } from '../../../lib';
import { PrometheusRules, renderRuleFile } from '../../../lib/prometheus/prometheus-rules';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { byKind, type Manifest } from '../../support/manifests';

const rule = (name: string, description = 'low') =>
  new AlertRule({
    name,
    expr: 'model_accuracy < 0.9',
    for: Duration.minutes(5),
    severity: 'critical',
    summary: AlertText.template('low'),
    description: AlertText.template(description),
  });
const group = (name: string, rules: AlertRule[]) =>
  new RuleGroup({ name, interval: Duration.seconds(30), rules, runbookBaseUrl: 'https://example.org/runbooks.md' });

describe('PrometheusRules', () => {
  test('renders one ConfigMap key per rule group', () => {
    const chart = Testing.chart();
    const groups = [group('device-health', [rule('A')]), group('model-quality', [rule('B')])];
    const rules = new PrometheusRules(chart, 'Rules', { groups, labels: { 'app.kubernetes.io/name': 'prometheus' } });
    const [configMap] = byKind(Testing.synth(chart) as Manifest[], 'ConfigMap');
    expect(configMap).toMatchObject({
      metadata: { name: 'prometheus-rules', labels: { 'app.kubernetes.io/name': 'prometheus' } },
      data: {
        'device-health.rules.yaml': renderRuleFile(groups[0]),
        'model-quality.rules.yaml': renderRuleFile(groups[1]),
      },
    });
    expect(rules.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the hash changes when a rule changes', () => {
    const hashOf = (description: string) =>
      new PrometheusRules(Testing.chart(), 'Rules', { groups: [group('g', [rule('A', description)])] }).hash;
    expect(hashOf('low')).toBe(hashOf('low'));
    expect(hashOf('low')).not.toBe(hashOf('lower'));
  });

  test('fails when an alert name is used in two groups', () => {
    expect(
      () =>
        new PrometheusRules(Testing.chart(), 'Rules', {
          groups: [group('a', [rule('Same')]), group('b', [rule('Same')])],
        }),
    ).toThrow("alert 'Same': defined in rule groups 'a' and 'b'; alert names must be unique across the stack");
  });

  test('fails when a group name is used twice', () => {
    expect(
      () =>
        new PrometheusRules(Testing.chart(), 'Rules', { groups: [group('a', [rule('A')]), group('a', [rule('B')])] }),
    ).toThrow(/rule group 'a' is defined twice/);
  });

  test('fails on a ConfigMap name Kubernetes would reject', () => {
    expect(() => new PrometheusRules(Testing.chart(), 'Rules', { groups: [], name: 'Prometheus_Rules' })).toThrow(
      /^PrometheusRules 'Prometheus_Rules': 'name' must be lower-case letters, digits, "-" and "."/,
    );
  });

  test('fails when one group would not fit through kubectl apply', () => {
    const many = Array.from({ length: 400 }, (_, i) => rule(`Alert${i}`, 'x'.repeat(600)));
    expect(() => new PrometheusRules(Testing.chart(), 'Rules', { groups: [group('big', many)] })).toThrow(
      /^rule group 'big': its rule file is \d+ bytes, over the 258048 bytes one ConfigMap can pass through 'kubectl apply'; split it into smaller groups$/,
    );
  });

  test('many groups fill as many ConfigMaps as they need, each small enough for kubectl apply', () => {
    const groups = Array.from({ length: 12 }, (_, g) =>
      group(
        `g${g}`,
        Array.from({ length: 40 }, (_, i) => rule(`Alert${g}x${i}`, 'x'.repeat(600))),
      ),
    );
    const chart = Testing.chart();
    const rules = new PrometheusRules(chart, 'Rules', { groups });
    expect(rules.configMapNames.length).toBeGreaterThan(1);
    expect(rules.configMapNames.slice(0, 2)).toEqual(['prometheus-rules', 'prometheus-rules-2']);
    const maps = byKind(Testing.synth(chart) as Manifest[], 'ConfigMap') as any[];
    expect(maps.map((m) => m.metadata.name)).toEqual(rules.configMapNames);
    expect(maps.flatMap((m) => Object.keys(m.data)).sort()).toEqual(groups.map((g) => g.fileName).sort());
    for (const m of maps) expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThan(262_144);
  });
});
