import type { ExistingNodeExporter } from '../hardware';

/**
 * How the stack rides on a Prometheus Operator, as kube-prometheus-stack installs it: which labels
 * its Prometheus, Alertmanager and Grafana select the stack's objects by, and what the cluster
 * already runs. The defaults are the kube-prometheus-stack chart's (its values.yaml and templates),
 * for a release named 'kube-prometheus-stack' in the 'monitoring' namespace.
 */
export interface OperatorOptions {
  /**
   * Labels on the PrometheusRules and PodMonitors. The chart's Prometheus selects rules and monitors
   * by `release: <Helm release name>` (`ruleSelectorNilUsesHelmValues` and its siblings default to true).
   * @default { release: 'kube-prometheus-stack' }
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /**
   * Labels that make Grafana's dashboard sidecar load a ConfigMap (the chart's
   * `grafana.sidecar.dashboards.label` and `labelValue`; it searches every namespace).
   * @default { grafana_dashboard: '1' }
   */
  readonly dashboardLabels?: Readonly<Record<string, string>>;
  /**
   * The uids of the Grafana datasources the dashboards query. The chart's sidecar provisions
   * Prometheus as `prometheus` and Alertmanager as `alertmanager`.
   * @default { prometheus: 'prometheus', alertmanager: 'alertmanager' }
   */
  readonly datasourceUids?: { readonly prometheus?: string; readonly alertmanager?: string };
  /** The node-exporter the cluster runs, scraped as the hardware exporter. @default KUBE_PROMETHEUS_STACK_NODE_EXPORTER */
  readonly nodeExporter?: ExistingNodeExporter;
  /** Run the stack's OpenTelemetry collector too, scraped through a PodMonitor. @default true */
  readonly otelCollector?: boolean;
  /**
   * The operator's Prometheus pods, which the collector's NetworkPolicy admits to its metrics ports
   * (the operator labels them `app.kubernetes.io/name: prometheus`).
   * @default { namespace: 'monitoring', selector: { 'app.kubernetes.io/name': 'prometheus' } }
   */
  readonly prometheusPods?: { readonly namespace: string; readonly selector: Readonly<Record<string, string>> };
}

/** The operator's Prometheus pods in kube-prometheus-stack's usual namespace. */
export const KUBE_PROMETHEUS_STACK_PROMETHEUS_PODS = {
  namespace: 'monitoring',
  selector: { 'app.kubernetes.io/name': 'prometheus' },
} as const;

/** The kube-prometheus-stack defaults of OperatorOptions. */
export const KUBE_PROMETHEUS_STACK_SELECTOR_LABELS: Readonly<Record<string, string>> = {
  release: 'kube-prometheus-stack',
};
export const GRAFANA_SIDECAR_DASHBOARD_LABELS: Readonly<Record<string, string>> = { grafana_dashboard: '1' };
