import { Testing } from 'cdk8s';
import { config } from '../../../config';
import { MonitoringStack, type StackConfig } from '../../../lib';
import { byKind, chartById, type Manifest } from '../../support/manifests';

function policies(overrides: Partial<StackConfig> = {}): Record<string, any> {
  const app = Testing.app();
  new MonitoringStack(app, 'stack', { ...config, ...overrides });
  const all = byKind(Testing.synth(chartById(app.charts, 'network-policies')) as Manifest[], 'NetworkPolicy');
  return Object.fromEntries(all.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
}

const pods = (name: string, namespace = 'liquid-audio-nets-monitoring') => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'liquid-audio-nets', 'app.kubernetes.io/name': name } },
});
const tcp = (port: number) => ({ port, protocol: 'TCP' });

describe('StackNetworkPolicies', () => {
  const p = policies();

  test('ingress is denied by default in both namespaces; egress stays open', () => {
    for (const ns of ['liquid-audio-nets-monitoring', 'liquid-audio-nets-monitoring-hardware']) {
      expect(p[`${ns}/default-deny-ingress`].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    }
    expect(Object.values(p).some((x) => x.spec.policyTypes.includes('Egress'))).toBe(false);
  });

  test('Prometheus 9090 from Grafana and from its own peers', () => {
    expect(p['liquid-audio-nets-monitoring/prometheus-ingress'].spec.ingress).toEqual([
      { from: [pods('grafana'), pods('prometheus')], ports: [tcp(9090)] },
    ]);
  });

  test('Alertmanager 9093 from Prometheus and Grafana, 9094 TCP and UDP only between its peers', () => {
    expect(p['liquid-audio-nets-monitoring/alertmanager-ingress'].spec.ingress).toEqual([
      { from: [pods('prometheus'), pods('grafana')], ports: [tcp(9093)] },
      { from: [pods('alertmanager')], ports: [tcp(9094), { port: 9094, protocol: 'UDP' }] },
    ]);
  });

  test('Grafana 3000 from Prometheus and from a configurable ingress source', () => {
    const ingress = (x: Record<string, any>) => x['liquid-audio-nets-monitoring/grafana-ingress'].spec.ingress;
    expect(ingress(p)).toEqual([
      { from: [pods('prometheus')], ports: [tcp(3000)] },
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress-nginx'] }],
            },
          },
        ],
        ports: [tcp(3000)],
      },
    ]);
    expect(
      ingress(policies({ networkPolicies: { grafanaIngressNamespaces: ['traefik'] } }))[1].from[0].namespaceSelector
        .matchExpressions[0].values,
    ).toEqual(['traefik']);
    expect(ingress(policies({ networkPolicies: { grafanaIngressNamespaces: [] } }))).toHaveLength(1);
  });

  test('the collector: OTLP from client namespaces (every namespace unless limited), metrics ports from Prometheus', () => {
    const ingress = (x: Record<string, any>) => x['liquid-audio-nets-monitoring/otel-collector-ingress'].spec.ingress;
    expect(ingress(p)).toEqual([
      { from: [{ namespaceSelector: {} }], ports: [tcp(4317), tcp(4318)] },
      { from: [pods('prometheus')], ports: [tcp(8889), tcp(8888)] },
    ]);
    expect(ingress(policies({ deviceNamespaces: ['audio'] }))[0].from).toEqual([
      {
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['audio'] }],
        },
      },
    ]);
  });

  test('the exporter 19100 from Prometheus only', () => {
    expect(p['liquid-audio-nets-monitoring-hardware/node-exporter-ingress'].spec.ingress).toEqual([
      { from: [pods('prometheus')], ports: [tcp(19100)] },
    ]);
  });

  test('every port Prometheus scrapes admits Prometheus', () => {
    const app = Testing.app();
    const stack = new MonitoringStack(app, 'stack', config);
    const jobs = (require('yaml').parse(stack.prometheus.configText).scrape_configs as any[]).filter(
      (j) => j.kubernetes_sd_configs?.[0].selectors && j.kubernetes_sd_configs[0].namespaces,
    );
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const ns = job.kubernetes_sd_configs[0].namespaces.names[0];
      const name = job.kubernetes_sd_configs[0].selectors[0].label.split('=')[1];
      const port = Number(job.relabel_configs[0].regex);
      const admitted = Object.values(p).some(
        (pol: any) =>
          pol.metadata.namespace === ns &&
          pol.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === name &&
          (pol.spec.ingress ?? []).some(
            (r: any) =>
              r.ports.some((x: any) => x.port === port) &&
              r.from.some((f: any) => f.podSelector?.matchLabels['app.kubernetes.io/name'] === 'prometheus'),
          ),
      );
      expect([job.job_name, admitted]).toEqual([job.job_name, true]);
    }
  });

  test('Jaeger admits spans from the collector, queries from Grafana, scrapes from Prometheus; the Pushgateway admits pushes', () => {
    const r = policies();
    expect(r['liquid-audio-nets-monitoring/jaeger-ingress'].spec.ingress).toEqual([
      { from: [pods('opentelemetry-collector')], ports: [tcp(4317)] },
      { from: [pods('grafana')], ports: [tcp(16686)] },
      { from: [pods('prometheus')], ports: [tcp(8888)] },
    ]);
    expect(r['liquid-audio-nets-monitoring/pushgateway-ingress'].spec.ingress).toEqual([
      { from: [{ namespaceSelector: {} }, pods('prometheus')], ports: [tcp(9091)] },
    ]);
    const limited = policies({ networkPolicies: { pushClientNamespaces: ['ci'] } });
    expect(limited['liquid-audio-nets-monitoring/pushgateway-ingress'].spec.ingress[0].from[0]).toEqual({
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ci'] }] },
    });
    const external = policies({ otelCollector: { tracesEndpoint: 'tempo.tracing.svc:4317' } });
    expect(external['liquid-audio-nets-monitoring/jaeger-ingress']).toBeUndefined();
  });

  test('restrictEgress: default deny egress, then DNS and what each component needs', () => {
    const r = policies({ networkPolicies: { restrictEgress: true } });
    expect(r['liquid-audio-nets-monitoring/default-deny-all'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(r['liquid-audio-nets-monitoring/grafana-egress'].spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['kube-system'] }],
            },
          },
        ],
        ports: [{ port: 53, protocol: 'UDP' }, tcp(53)],
      },
      { to: [pods('prometheus')], ports: [tcp(9090)] },
      { to: [pods('alertmanager')], ports: [tcp(9093)] },
      { to: [pods('jaeger')], ports: [tcp(16686)] },
    ]);
    expect(r['liquid-audio-nets-monitoring/otel-collector-egress'].spec.egress[1]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [tcp(4317), tcp(4318), tcp(443)],
    });
    expect(r['liquid-audio-nets-monitoring/alertmanager-egress'].spec.egress[2]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
      ports: [tcp(443), tcp(587), tcp(465), tcp(25)],
    });
    expect(r['liquid-audio-nets-monitoring/prometheus-egress'].spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
    ]);
  });
});
