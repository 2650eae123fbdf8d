import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config } from '../../../config';
import { Duration, type ExtraScrapeJob, MonitoringStack } from '../../../lib';
import { extraScrapeJob } from '../../../lib/prometheus/scrape-jobs';
import { run } from '../../support/programs';

const GATEWAY: ExtraScrapeJob = {
  name: 'edge-gateway',
  targets: ['gateway.edge.svc:9100', '[fd00::1]:9100'],
  limits: { sampleLimit: 5000, labelLimit: 30 },
  interval: Duration.minutes(1),
};
const SPEECH: ExtraScrapeJob = {
  name: 'speech-api',
  pods: { namespaces: ['speech'], labelSelector: 'app.kubernetes.io/name=speech-api', port: 9464 },
  limits: { sampleLimit: 20_000, labelLimit: 30 },
  fallbackScrapeProtocol: 'OpenMetricsText1.0.0',
  metricsPath: '/internal/metrics',
};

const stack = new MonitoringStack(Testing.app(), 'stack', { ...config, extraScrapeJobs: [GATEWAY, SPEECH] });
const scrapeConfigs = parse(stack.prometheus.configText).scrape_configs as any[];
const job = (name: string) => scrapeConfigs.find((j) => j.job_name === name);

describe('extra scrape jobs', () => {
  test('fixed targets render with their limits, interval and the built-in jobs’ fallback protocol', () => {
    expect(job('edge-gateway')).toEqual({
      job_name: 'edge-gateway',
      scrape_interval: '1m',
      metrics_path: '/metrics',
      fallback_scrape_protocol: 'PrometheusText0.0.4',
      sample_limit: 5000,
      label_limit: 30,
      static_configs: [{ targets: ['gateway.edge.svc:9100', '[fd00::1]:9100'] }],
    });
  });

  test('pods render as the components’ jobs do: their namespaces and selector, one target per pod, namespace and pod labels', () => {
    expect(job('speech-api')).toEqual({
      job_name: 'speech-api',
      metrics_path: '/internal/metrics',
      fallback_scrape_protocol: 'OpenMetricsText1.0.0',
      sample_limit: 20_000,
      label_limit: 30,
      kubernetes_sd_configs: [
        {
          role: 'pod',
          namespaces: { names: ['speech'] },
          selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=speech-api' }],
        },
      ],
      relabel_configs: [
        { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '9464', action: 'keep' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
      ],
    });
  });

  test('they come after the stack’s own jobs, which keep their order', () => {
    expect(scrapeConfigs.slice(-2).map((j) => j.job_name)).toEqual(['edge-gateway', 'speech-api']);
  });

  test('promtool check config accepts the rendered prometheus.yml with them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'extra-jobs-'));
    writeFileSync(join(dir, 'prometheus.yml'), stack.prometheus.configText);
    const result = run('promtool', ['check', 'config', 'prometheus.yml'], dir);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: prometheus\.yml is valid prometheus config file syntax/);
    expect(result.status).toBe(0);
  });

  test.each([
    [
      'a sample limit of 0',
      { ...GATEWAY, limits: { sampleLimit: 0, labelLimit: 30 } },
      `scrape job 'edge-gateway': 'limits.sampleLimit' must be a whole number of at least 1, got 0`,
    ],
    [
      'a fractional label limit',
      { ...GATEWAY, limits: { sampleLimit: 10, labelLimit: 2.5 } },
      `scrape job 'edge-gateway': 'limits.labelLimit' must be a whole number of at least 1, got 2.5`,
    ],
    [
      'a bad name',
      { ...GATEWAY, name: 'edge gateway' },
      `scrape job 'edge gateway': 'name' must be letters, digits, "_", ".", ":" and "-"`,
    ],
    [
      'a target without a port',
      { ...GATEWAY, targets: ['gateway.edge.svc'] },
      `scrape job 'edge-gateway': 'targets' entry 'gateway.edge.svc' must be host:port with a port from 1 to 65535`,
    ],
    [
      'a port out of range',
      { ...GATEWAY, targets: ['gateway:70000'] },
      `scrape job 'edge-gateway': 'targets' entry 'gateway:70000' must be host:port with a port from 1 to 65535`,
    ],
    [
      'both targets and pods',
      { ...GATEWAY, pods: SPEECH.pods },
      `scrape job 'edge-gateway': set exactly one of 'targets' and 'pods'`,
    ],
    ['neither', { name: 'x', limits: GATEWAY.limits }, `scrape job 'x': set exactly one of 'targets' and 'pods'`],
    [
      'a zero interval',
      { ...GATEWAY, interval: Duration.ZERO },
      `scrape job 'edge-gateway': 'interval' must be a positive duration, got 0s`,
    ],
    [
      'a path without "/"',
      { ...SPEECH, metricsPath: 'metrics' },
      `scrape job 'speech-api': 'metricsPath' must be a path starting with "/" and without spaces, got 'metrics'`,
    ],
    [
      'a bad namespace',
      { ...SPEECH, pods: { ...SPEECH.pods!, namespaces: ['Speech_NS'] } },
      `scrape job 'speech-api': 'pods.namespaces' entry 'Speech_NS' must be lower-case letters`,
    ],
    [
      'no namespace',
      { ...SPEECH, pods: { ...SPEECH.pods!, namespaces: [] } },
      `scrape job 'speech-api': 'pods.namespaces' must name at least one namespace`,
    ],
    [
      'a bad pod port',
      { ...SPEECH, pods: { ...SPEECH.pods!, port: 0 } },
      `scrape job 'speech-api': 'pods.port' must be a whole number from 1 to 65535, got 0`,
    ],
    [
      'an unknown fallback protocol',
      { ...SPEECH, fallbackScrapeProtocol: 'PrometheusText0.0.5' as never },
      `scrape job 'speech-api': 'fallbackScrapeProtocol' must be one of PrometheusProto, PrometheusText0.0.4`,
    ],
  ] as const)('fails with one sentence on %s', (_case, bad, message) => {
    expect(() => extraScrapeJob(bad as ExtraScrapeJob)).toThrow(message);
  });

  test('a job named like one of the stack’s own fails', () => {
    expect(
      () =>
        new MonitoringStack(Testing.app(), 'stack', { ...config, extraScrapeJobs: [{ ...GATEWAY, name: 'grafana' }] }),
    ).toThrow(/scrape job 'grafana' is defined twice; job names must be unique$/);
  });
});
