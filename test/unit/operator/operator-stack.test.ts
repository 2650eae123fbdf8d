import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config } from '../../../config';
import { KUBE_PROMETHEUS_STACK_NODE_EXPORTER, MonitoringStack, OperatorStack, renderStack } from '../../../lib';

type Manifest = any;

function objects(operator: NonNullable<(typeof config)['operator']> = {}, extra = {}): Manifest[] {
  const app = Testing.app();
  new OperatorStack(app, 'stack', { ...config, ...extra, operator });
  return app.charts.flatMap((c) => Testing.synth(c) as Manifest[]);
}

const ofKind = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);
const named = (docs: Manifest[], name: string) => docs.find((d) => d.metadata.name === name);

describe('OperatorStack', () => {
  const docs = objects();

  test('renders no servers of its own: no Prometheus, Alertmanager, Grafana or node_exporter workload', () => {
    const workloads = docs.filter((d) => ['StatefulSet', 'DaemonSet', 'Deployment'].includes(d.kind));
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}`)).toEqual(['Deployment/otel-collector']);
  });

  test('one PrometheusRule per rule group, holding exactly the rule file the standalone Prometheus reads', () => {
    const stack = new MonitoringStack(new App(), 'standalone', config);
    const rules = ofKind(docs, 'PrometheusRule');
    expect(rules).toHaveLength(stack.ruleGroups.length);
    for (const group of stack.ruleGroups) {
      const rule = named(rules, `liquid-audio-nets-${group.name}`);
      expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
      expect(rule.spec).toEqual(parse(stack.rules.files[group.fileName]));
    }
  });

  test('the devices PodMonitor: the opt-in label, the standalone relabelling, job, limits and fallback protocol', () => {
    const devices = named(ofKind(docs, 'PodMonitor'), 'liquid-audio-nets-devices');
    expect(devices.spec.selector).toEqual({ matchLabels: { 'liquid-audio-nets.dev/scrape': 'true' } });
    expect(devices.spec.namespaceSelector).toEqual({ any: true });
    expect(devices.spec).toMatchObject({
      sampleLimit: 1000,
      labelLimit: 20,
      fallbackScrapeProtocol: 'PrometheusText0.0.4',
    });
    const relabelings = devices.spec.podMetricsEndpoints[0].relabelings;
    expect(relabelings).toContainEqual({
      sourceLabels: ['__meta_kubernetes_pod_node_name'],
      targetLabel: 'device',
    });
    expect(relabelings.at(-1)).toEqual({ targetLabel: 'job', replacement: 'liquid-audio-nets' });
  });

  test("the hardware exporter is kube-prometheus-stack's node-exporter, scraped as the job the hardware rules select", () => {
    const hardware = named(ofKind(docs, 'PodMonitor'), 'liquid-audio-nets-hardware-exporter');
    expect(hardware.spec.namespaceSelector).toEqual({ matchNames: ['monitoring'] });
    expect(hardware.spec.selector.matchLabels).toEqual(KUBE_PROMETHEUS_STACK_NODE_EXPORTER.selector);
    expect(hardware.spec.podMetricsEndpoints[0].relabelings[0]).toEqual({
      sourceLabels: ['__meta_kubernetes_pod_container_port_number'],
      regex: '9100',
      action: 'keep',
    });
    expect(hardware.spec.podMetricsEndpoints[0].relabelings.at(-1)).toEqual({
      targetLabel: 'job',
      replacement: 'hardware-exporter',
    });
  });

  test('the AlertmanagerConfig: the same receivers and routes, every credential a Secret reference', () => {
    const [amc] = ofKind(docs, 'AlertmanagerConfig');
    const standalone = parse(new MonitoringStack(new App(), 's', config).alertmanager.config.text);
    expect(amc.spec.receivers.map((r: Manifest) => r.name)).toEqual(standalone.receivers.map((r: Manifest) => r.name));
    expect(amc.spec.route.routes).toHaveLength(standalone.route.routes.length);
    expect(amc.spec.route.groupBy).toEqual(standalone.route.group_by);
    expect(amc.spec.inhibitRules).toHaveLength(standalone.inhibit_rules.length);
    const critical = named(
      amc.spec.receivers.map((r: Manifest) => ({ ...r, metadata: { name: r.name } })),
      'critical',
    );
    expect(critical.slackConfigs[0].apiURL).toEqual({ name: 'alertmanager-receivers', key: 'slack-webhook-url' });
    expect(critical.emailConfigs[0].authPassword).toEqual({ name: 'alertmanager-receivers', key: 'smtp-password' });
    expect(critical.webhookConfigs[0].urlSecret).toEqual({ name: 'alertmanager-receivers', key: 'alert-webhook-url' });
    expect(JSON.stringify(amc)).not.toMatch(/_file|\/secret-ref/);
  });

  test('the dashboards: one ConfigMap each, labelled for the sidecar, querying the datasource by the configured uid', () => {
    const dashboards = docs.filter((d) => d.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.length).toBe((config.dashboards ?? []).length);
    const custom = objects({ dashboardLabels: { team_dashboard: 'yes' }, datasourceUids: { prometheus: 'prom-main' } });
    const maps = custom.filter((d) => d.metadata.labels?.team_dashboard === 'yes');
    expect(maps).toHaveLength(dashboards.length);
    const text = Object.values(maps[0].data)[0] as string;
    expect(text).toContain('"uid": "prom-main"');
    expect(text).not.toMatch(/"type": "prometheus",\s*"uid": "prometheus"/);
  });

  test('selector labels are configurable', () => {
    const custom = objects({ selectorLabels: { release: 'monitoring' } });
    for (const d of custom.filter((x) => ['PrometheusRule', 'PodMonitor', 'AlertmanagerConfig'].includes(x.kind))) {
      expect(d.metadata.labels.release).toBe('monitoring');
    }
  });

  test('without the collector: no Deployment, no collector PodMonitor, no policy', () => {
    const bare = objects({ otelCollector: false });
    expect(bare.filter((d) => ['Deployment', 'NetworkPolicy'].includes(d.kind))).toEqual([]);
    expect(ofKind(bare, 'PodMonitor').map((p) => p.metadata.name)).toEqual([
      'liquid-audio-nets-devices',
      'liquid-audio-nets-hardware-exporter',
    ]);
  });

  test('renderStack picks the mode; MonitoringStack refuses an operator config in one sentence', () => {
    expect(renderStack(new App(), 'a', { ...config, operator: {} })).toBeInstanceOf(OperatorStack);
    expect(renderStack(new App(), 'b', config)).toBeInstanceOf(MonitoringStack);
    expect(() => new MonitoringStack(new App(), 'c', { ...config, operator: {} })).toThrow(
      "stack 'c': 'operator' is set, which renders no servers; build it with renderStack() or OperatorStack",
    );
  });
});

describe('standalone beside another stack', () => {
  const synth = (extra: object) => {
    const app = Testing.app();
    const stack = new MonitoringStack(app, 'stack', { ...config, ...extra });
    return { stack, docs: app.charts.flatMap((c) => Testing.synth(c) as Manifest[]) };
  };

  test("an existing node-exporter: no DaemonSet, no hardware namespace, Prometheus scrapes the cluster's", () => {
    const { stack, docs } = synth({ hardwareExporter: { existing: KUBE_PROMETHEUS_STACK_NODE_EXPORTER } });
    expect(stack.hardwareExporter).toBeUndefined();
    expect(ofKind(docs, 'DaemonSet')).toEqual([]);
    expect(ofKind(docs, 'Namespace').map((n) => n.metadata.name)).toEqual(['liquid-audio-nets-monitoring']);
    const job = parse(stack.prometheus.configText).scrape_configs.find(
      (j: Manifest) => j.job_name === 'hardware-exporter',
    );
    expect(job.kubernetes_sd_configs[0]).toEqual({
      role: 'pod',
      namespaces: { names: ['monitoring'] },
      selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=prometheus-node-exporter' }],
    });
  });

  test('a namespace the stack does not own: no Namespace object, no default deny, its own pods still isolated', () => {
    const { docs } = synth({ namespaceOwned: false });
    expect(ofKind(docs, 'Namespace')).toEqual([]);
    const policies = ofKind(docs, 'NetworkPolicy').map((p) => p.metadata.name);
    expect(policies).not.toEqual(expect.arrayContaining(['default-deny-ingress']));
    expect(policies).toEqual(
      expect.arrayContaining(['prometheus-ingress', 'grafana-ingress', 'node-exporter-ingress']),
    );
  });
});
