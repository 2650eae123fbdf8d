import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { AlertRoutingProps } from '../alertmanager';
import { DEVICE_TARGETS, type MetricCatalogue } from '../core';
import { HARDWARE_EXPORTER_JOB, KUBE_PROMETHEUS_STACK_NODE_EXPORTER } from '../hardware';
import { PART_OF, recommendedLabels } from '../k8s';
import { OTEL_PORTS } from '../otel';
import {
  componentRelabelling,
  DEVICE_RELABELLING,
  DEVICE_SCRAPE_LABEL,
  hardwareExporterRelabelling,
  SCRAPE_LIMITS,
  type ScrapeLimits,
} from '../prometheus';
import type { RuleGroup } from '../rules';
import { operatorAlertmanagerConfig } from './operator-alertmanager-config';
import { operatorDashboards } from './operator-dashboards';
import {
  GRAFANA_SIDECAR_DASHBOARD_LABELS,
  KUBE_PROMETHEUS_STACK_SELECTOR_LABELS,
  type OperatorOptions,
} from './operator-options';
import { OperatorRules } from './operator-rules';
import { stackPodMonitor } from './pod-monitors';

export interface OperatorResourcesProps extends OperatorOptions {
  /** The stack instance, as `app.kubernetes.io/instance` and the prefix of every name. */
  readonly instance: string;
  readonly ruleGroups: readonly RuleGroup[];
  readonly routing: AlertRoutingProps;
  readonly dashboards: readonly Dashboard[];
  readonly catalogue: MetricCatalogue;
  /** Namespaces of the devices. @default - every namespace */
  readonly deviceNamespaces?: readonly string[];
  /** The stack's collector pods, when it runs one. @default - none */
  readonly otelCollectorPods?: { readonly namespace: string; readonly selector: Readonly<Record<string, string>> };
}

/**
 * What a Prometheus Operator and kube-prometheus-stack consume, in the chart's namespace: the rule
 * groups as PrometheusRules, the devices, the node-exporter and the collector as PodMonitors, the
 * routing as an AlertmanagerConfig, the dashboards as sidecar ConfigMaps. The servers are the
 * cluster's; the rules, relabelling, limits and routing are the standalone stack's.
 */
export class OperatorResources extends Construct {
  public readonly prometheusRules: readonly ApiObject[];
  public readonly podMonitors: readonly ApiObject[];
  public readonly alertmanagerConfig: ApiObject;
  public readonly dashboards: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: OperatorResourcesProps) {
    super(scope, id);
    const selectorLabels = props.selectorLabels ?? KUBE_PROMETHEUS_STACK_SELECTOR_LABELS;
    const labels = (component: string) => ({
      ...recommendedLabels({ name: PART_OF, component, instance: props.instance }),
      ...selectorLabels,
    });
    this.prometheusRules = new OperatorRules(this, 'Rules', {
      groups: props.ruleGroups,
      namePrefix: props.instance,
      labels: labels('alert-rules'),
    }).objects;
    this.podMonitors = this.renderPodMonitors(props, labels('scrape-config'));
    this.alertmanagerConfig = operatorAlertmanagerConfig(this, 'AlertmanagerConfig', {
      name: props.instance,
      labels: labels('alert-routing'),
      routing: props.routing,
    });
    this.dashboards = operatorDashboards(this, {
      namePrefix: props.instance,
      labels: {
        ...recommendedLabels({ name: PART_OF, component: 'dashboards', instance: props.instance }),
        ...(props.dashboardLabels ?? GRAFANA_SIDECAR_DASHBOARD_LABELS),
      },
      dashboards: props.dashboards,
      datasourceUids: {
        prometheus: props.datasourceUids?.prometheus ?? 'prometheus',
        alertmanager: props.datasourceUids?.alertmanager ?? 'alertmanager',
      },
      catalogue: props.catalogue,
    });
  }

  private renderPodMonitors(props: OperatorResourcesProps, labels: Record<string, string>): ApiObject[] {
    const nodeExporter = props.nodeExporter ?? KUBE_PROMETHEUS_STACK_NODE_EXPORTER;
    const monitors = [
      stackPodMonitor(this, 'Devices', {
        name: `${props.instance}-devices`,
        labels,
        job: DEVICE_TARGETS.job,
        namespaces: props.deviceNamespaces,
        selector: { [DEVICE_SCRAPE_LABEL]: 'true' },
        relabel: DEVICE_RELABELLING,
        limits: SCRAPE_LIMITS.devices,
      }),
      stackPodMonitor(this, 'HardwareExporter', {
        name: `${props.instance}-hardware-exporter`,
        labels,
        job: HARDWARE_EXPORTER_JOB,
        namespaces: [nodeExporter.namespace],
        selector: nodeExporter.selector,
        relabel: hardwareExporterRelabelling(nodeExporter.port),
        limits: SCRAPE_LIMITS.hardwareExporter,
      }),
    ];
    const pods = props.otelCollectorPods;
    if (pods) {
      const collector = (job: string, port: number, limits: ScrapeLimits, honorLabels: boolean) =>
        stackPodMonitor(this, job, {
          name: `${props.instance}-${job}`,
          labels,
          job,
          selector: pods.selector,
          namespaces: [pods.namespace],
          relabel: componentRelabelling(port),
          limits,
          honorLabels,
        });
      monitors.push(
        collector('otel-collector', OTEL_PORTS.prometheus, SCRAPE_LIMITS.otelExported, true),
        collector('otel-collector-telemetry', OTEL_PORTS.telemetry, SCRAPE_LIMITS.otelTelemetry, false),
      );
    }
    return monitors;
  }
}
