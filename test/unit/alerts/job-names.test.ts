import { App } from 'cdk8s';
import { parse } from 'yaml';
import { alertmanagerAlerts, HARDWARE_RECORDS, hardwareAlerts, prometheusAlerts } from '../../../alerts';
import { config } from '../../../config';
import { ALERTMANAGER_JOB, HARDWARE_EXPORTER_JOB, MonitoringStack, PROMETHEUS_JOB } from '../../../lib';

/** The jobs the alerts select are the component folders' own names, and the stack scrapes each of them. */
describe('job names, declared once by their component', () => {
  const stack = new MonitoringStack(new App(), 'stack', config);
  const jobs = (parse(stack.prometheus.configText).scrape_configs as Array<{ job_name: string }>).map(
    (j) => j.job_name,
  );

  test.each([
    ['prometheus', PROMETHEUS_JOB, Object.values(prometheusAlerts()).map((r) => r.expr)],
    ['alertmanager', ALERTMANAGER_JOB, Object.values(alertmanagerAlerts()).map((r) => r.expr)],
    ['hardware', HARDWARE_EXPORTER_JOB, HARDWARE_RECORDS.map((r) => r.expr)],
  ])('the %s rules select job %j, which the stack scrapes', (_group, job, exprs) => {
    expect(jobs).toContain(job);
    expect(exprs.filter((e) => e.includes(`job="${job}"`)).length).toBeGreaterThan(0);
  });

  test('the hardware alerts read what the hardware records write, not the exporter job', () => {
    for (const rule of Object.values(hardwareAlerts())) expect(rule.expr).not.toContain('job=');
  });
});
