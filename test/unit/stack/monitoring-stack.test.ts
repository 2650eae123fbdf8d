import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config } from '../../../config';
import { MonitoringStack } from '../../../lib';
import { byKind, chartById, type Manifest, SEED_SEVERITIES } from '../../support/manifests';

const synthStack = (overrides = {}) => {
  const app = Testing.app();
  const stack = new MonitoringStack(app, 'stack', { ...config, ...overrides });
  return { app, stack };
};

describe('MonitoringStack', () => {
  test('renders the namespace first, restricted, with the recommended labels', () => {
    const { app } = synthStack();
    expect(app.charts.map((c) => c.node.id)).toEqual([
      'namespace',
      'alertmanager',
      'prometheus',
      'grafana',
      'otel-collector',
      'hardware-exporter',
      'network-policies',
      'jaeger',
      'pushgateway',
    ]);
    const [ns] = byKind(Testing.synth(chartById(app.charts, 'namespace')) as Manifest[], 'Namespace');
    expect(ns.metadata).toMatchObject({
      name: 'liquid-audio-nets-monitoring',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'app.kubernetes.io/part-of': 'liquid-audio-nets-monitoring',
        'app.kubernetes.io/managed-by': 'cdk8s',
        'app.kubernetes.io/instance': 'liquid-audio-nets',
      },
    });
  });

  test('puts the rule files in the stack namespace', () => {
    const { app } = synthStack({ namespace: 'observability' });
    const configMap = byKind(Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[], 'ConfigMap').find(
      (m) => m.metadata.name === 'prometheus-rules',
    )!;
    expect(configMap.metadata).toMatchObject({ name: 'prometheus-rules', namespace: 'observability' });
    expect(Object.keys(configMap.data as object)).toEqual([
      'alertmanager.rules.yaml',
      'device-health.rules.yaml',
      'edge-cpu.rules.yaml',
      'fleet.rules.yaml',
      'hardware.rules.yaml',
      'model-quality.rules.yaml',
      'node-health.rules.yaml',
      'prometheus.rules.yaml',
      'telemetry.rules.yaml',
    ]);
  });

  test('fails on a namespace name Kubernetes would reject', () => {
    expect(() => synthStack({ namespace: 'Monitoring' })).toThrow(
      /^namespace 'Monitoring': 'name' must be lower-case letters/,
    );
  });

  test('every seed alert is rendered once with its severity', () => {
    const { stack } = synthStack();
    const severities = Object.fromEntries(stack.ruleGroups.flatMap((g) => g.rules.map((r) => [r.name, r.severity])));
    expect(severities).toMatchObject(SEED_SEVERITIES);
  });

  test('every scrape job of the stack parses a reply without a Content-Type as the classic text format', () => {
    const { stack } = synthStack();
    const jobs = parse(stack.prometheus.configText).scrape_configs as Array<Record<string, unknown>>;
    expect(jobs.map((j) => j.job_name)).toEqual([
      'prometheus',
      'liquid-audio-nets',
      'hardware-exporter',
      'alertmanager',
      'grafana',
      'otel-collector',
      'otel-collector-telemetry',
      'pushgateway',
      'jaeger',
    ]);
    for (const job of jobs)
      expect([job.job_name, job.fallback_scrape_protocol]).toEqual([job.job_name, 'PrometheusText0.0.4']);
  });

  test('an App with the stack synthesizes without errors', () => {
    const app = new App({ outdir: require('node:os').tmpdir() });
    new MonitoringStack(app, 'stack', config);
    expect(app.synthYaml()).toContain('kind: ConfigMap');
  });
});
