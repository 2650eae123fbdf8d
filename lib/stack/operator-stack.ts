import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_EVALUATION_INTERVAL, type MetricCatalogue } from '../core';
import { allowIngress, defaultDeny, PART_OF, type PodGroup, pinnedImages, recommendedLabels } from '../k8s';
import { KUBE_PROMETHEUS_STACK_PROMETHEUS_PODS, OperatorResources } from '../operator';
import { OTEL_PORTS, OtelCollector } from '../otel';
import type { RuleGroup } from '../rules';
import {
  catalogueWithRecords,
  DEFAULT_NAMESPACE,
  MonitoringStack,
  renderNamespaceChart,
  renderRuleGroups,
  type StackConfig,
  stackInstance,
} from './monitoring-stack';

/**
 * The stack riding on a Prometheus Operator (kube-prometheus-stack): no Prometheus, Alertmanager,
 * Grafana or node_exporter of its own, but what the cluster's consume (OperatorResources), and
 * optionally the OpenTelemetry collector. The same typed config as the standalone stack: the
 * rules, routing, dashboards and scrape relabelling are the standalone stack's, unchanged.
 */
export class OperatorStack extends Construct {
  public readonly instance: string;
  public readonly namespace: string;
  public readonly ruleGroups: readonly RuleGroup[];
  public readonly catalogue: MetricCatalogue;
  public readonly resources: OperatorResources;
  /** @default - none, when `operator.otelCollector` is false */
  public readonly otelCollector: OtelCollector | undefined;

  public constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    const options = config.operator ?? {};
    this.instance = stackInstance(id, config);
    const exposure = config.grafana?.ingress ? 'ingress' : config.grafana?.route ? 'route' : undefined;
    if (exposure) {
      throw new Error(
        `stack '${id}': 'grafana.${exposure}' is set in operator mode, which runs no Grafana of its own; expose kube-prometheus-stack's Grafana through its chart`,
      );
    }
    this.namespace = config.namespace ?? DEFAULT_NAMESPACE;
    const owned = config.namespaceOwned ?? true;
    this.ruleGroups = renderRuleGroups(config, config.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL);
    this.catalogue = catalogueWithRecords(this.ruleGroups);

    const namespaceChart = renderNamespaceChart(this, this.instance, this.namespace, owned);
    const chart = (chartId: string) => {
      const c = new Chart(this, chartId, { namespace: this.namespace });
      if (namespaceChart) c.addDependency(namespaceChart);
      return c;
    };
    this.otelCollector =
      options.otelCollector === false
        ? undefined
        : new OtelCollector(chart('otel-collector'), 'OtelCollector', {
            ...config.otelCollector,
            image: config.otelCollector?.image ?? pinnedImages(`stack '${id}'`, config.images).otelCollector,
            instance: this.instance,
          });
    const collector = this.otelCollector;
    this.resources = new OperatorResources(chart('operator-resources'), 'Resources', {
      ...options,
      instance: this.instance,
      ruleGroups: this.ruleGroups,
      routing: config.alertmanager.routing,
      dashboards: config.dashboards ?? [],
      catalogue: this.catalogue,
      deviceNamespaces: config.deviceNamespaces,
      otelCollectorPods: collector ? { namespace: collector.namespace, selector: collector.selector } : undefined,
    });
    if (collector) {
      this.renderCollectorPolicies(chart('network-policies'), config, owned, {
        namespace: collector.namespace,
        selector: collector.selector,
      });
    }
  }

  /**
   * The collector's ingress: OTLP from the devices' namespaces, its metrics ports from the operator's
   * Prometheus; the namespace denies the rest when the stack owns it.
   */
  private renderCollectorPolicies(chart: Chart, config: StackConfig, owned: boolean, collector: PodGroup): void {
    const prometheus = config.operator?.prometheusPods ?? KUBE_PROMETHEUS_STACK_PROMETHEUS_PODS;
    const otlpClients = config.networkPolicies?.otlpClientNamespaces ?? config.deviceNamespaces;
    if (owned) defaultDeny(chart, 'DefaultDeny', this.namespace, ['Ingress']);
    allowIngress(chart, 'OtelCollector', {
      name: 'otel-collector-ingress',
      pods: collector,
      rules: [
        {
          peers: [otlpClients ? { kind: 'namespaces', names: otlpClients } : { kind: 'any-namespace' }],
          ports: [{ port: OTEL_PORTS.grpc }, { port: OTEL_PORTS.http }],
        },
        {
          peers: [{ kind: 'pods', pods: prometheus }],
          ports: [{ port: OTEL_PORTS.prometheus }, { port: OTEL_PORTS.telemetry }],
        },
      ],
    });
    for (const policy of chart.node.findAll()) {
      if (!(policy instanceof ApiObject)) continue;
      // `name` is the application whose pods the policy selects, as on the standalone stack's policies.
      const selected = policy.toJson().spec?.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      const labels = recommendedLabels({
        name: selected ?? PART_OF,
        component: 'network-policy',
        instance: this.instance,
      });
      for (const [k, v] of Object.entries(labels)) policy.metadata.addLabel(k, v);
    }
  }
}

/** The stack a config describes: an OperatorStack when `operator` is set, else the standalone MonitoringStack. */
export function renderStack(scope: Construct, id: string, config: StackConfig): Construct {
  if (config.operator) return new OperatorStack(scope, id, config);
  return new MonitoringStack(scope, id, config);
}
