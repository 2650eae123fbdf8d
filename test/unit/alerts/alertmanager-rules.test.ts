import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALERTMANAGER_ALERTS, THRESHOLDS } from '../../../alerts';
import { ALERTMANAGER_METRICS, Duration, PROMETHEUS_METRICS, Units } from '../../../lib';
import { analysePromQL } from '../../../lib/core/promql';
import { renderRuleFile } from '../../../lib/prometheus/prometheus-rules';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { run } from '../../support/programs';
import { testFileName, writeRuleFiles } from '../../support/rule-files';

const group = new RuleGroup({
  name: 'alertmanager',
  interval: Duration.seconds(30),
  rules: ALERTMANAGER_ALERTS,
  runbookBaseUrl: 'https://github.com/liquid-audio-nets/monitoring/blob/main/docs/runbooks.md',
});

describe('the Watchdog and the Alertmanager self-monitoring rules, judged by the real promtool', () => {
  const dir = writeRuleFiles([group]);

  test('they are the Watchdog (severity none, vector(1)) and four self-monitoring alerts', () => {
    expect(ALERTMANAGER_ALERTS.map((r) => [r.name, r.severity])).toEqual([
      ['Watchdog', 'none'],
      ['AlertmanagerConfigReloadFailed', 'warning'],
      ['AlertmanagerFailedToSendAlerts', 'critical'],
      ['AlertmanagerClusterMembersInconsistent', 'warning'],
      ['AlertmanagerClusterDown', 'critical'],
    ]);
    expect(ALERTMANAGER_ALERTS[0].expr).toBe('vector(1)');
  });

  test('they query only Alertmanager metrics of the catalogue and up', () => {
    const allowed = new Set([...Object.values(ALERTMANAGER_METRICS).map((m) => m.name), PROMETHEUS_METRICS.up.name]);
    const used = new Set(ALERTMANAGER_ALERTS.flatMap((r) => analysePromQL(r.expr).metricNames));
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
    expect([...used].sort()).toEqual([...allowed].sort());
  });

  test('promtool check rules accepts them', () => {
    const result = run('promtool', ['check', 'rules', group.fileName], dir);
    expect(result.stdout).toContain(`SUCCESS: ${ALERTMANAGER_ALERTS.length} rules found`);
    expect(result.status).toBe(0);
  });

  test('promtool test rules passes their generated tests, one firing and one quiet case for each', () => {
    const cases = ALERTMANAGER_ALERTS.map((r) => [r.name, r.testCases(group.interval).length]);
    expect(cases).toEqual([
      ['Watchdog', 1],
      ['AlertmanagerConfigReloadFailed', 2],
      ['AlertmanagerFailedToSendAlerts', 2],
      ['AlertmanagerClusterMembersInconsistent', 2],
      ['AlertmanagerClusterDown', 2],
    ]);
    const result = run('promtool', ['test', 'rules', testFileName(group)], dir);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('the tests fail when the rule file drifts from its thresholds', () => {
    const ratio = THRESHOLDS.alertmanager.notificationFailures.in(Units.ratio);
    const drifted = renderRuleFile(group)
      .replace(`> ${ratio}`, '> 0.2')
      .replace('>= 0.5', '>= 0.7')
      .replace('expr: vector(1)', 'expr: vector(1) < 0');
    expect(drifted).not.toBe(renderRuleFile(group));
    writeFileSync(join(dir, group.fileName), drifted);
    const result = run('promtool', ['test', 'rules', testFileName(group)], dir);
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toMatch(/AlertmanagerFailedToSendAlerts: 10% failing fires after for/);
    expect(output).toMatch(/AlertmanagerClusterDown: two of three peers down fires after for/);
    expect(output).toMatch(/Watchdog: fires on every evaluation/);
    writeFileSync(join(dir, group.fileName), renderRuleFile(group));
    expect(readFileSync(join(dir, group.fileName), 'utf8')).toBe(renderRuleFile(group));
  });
});
