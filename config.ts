import { join } from 'node:path';
import {
  alertmanagerAlerts,
  dashboardRecords,
  defaultRouting,
  deviceAlerts,
  fleetAlerts,
  HARDWARE_RECORDS,
  hardwareAlerts,
  modelQualityAlerts,
  nodeHealthAlerts,
  prometheusAlerts,
  THRESHOLDS,
  type Thresholds,
  telemetryAlerts,
} from './alerts';
import { buildDashboards } from './dashboards';
import {
  Duration,
  Gibibytes,
  KUBE_PROMETHEUS_STACK_NODE_EXPORTER,
  loadDashboardJson,
  loadRuleFiles,
  type StackConfig,
  type StackOverrides,
  withOverrides,
} from './lib';

/** Where the team's own files live: rule files in Prometheus' format, exported Grafana dashboards. */
const RULE_FILES = join('alerts', 'rules');
const DASHBOARD_FILES = join('dashboards', 'json');

/**
 * The stack this repository deploys, for a set of thresholds. The thresholds live in
 * alerts/thresholds.ts; a compressed end-to-end run passes a copy with every duration scaled down.
 */
export function stackConfig(thresholds: Thresholds = THRESHOLDS): StackConfig {
  const evaluationInterval = Duration.seconds(30);
  return {
    instance: 'liquid-audio-nets',
    evaluationInterval,
    alertmanager: { routing: defaultRouting() },
    runbookBaseUrl: 'https://github.com/liquid-audio-nets/monitoring/blob/main/docs/runbooks.md',
    // Read relative to the folder the synth runs in (the repository's root).
    dashboards: [...buildDashboards(thresholds), ...loadDashboardJson(DASHBOARD_FILES)],
    alertGroups: [
      // Each fleet-level alert sits in its device alerts' group, before them: Prometheus evaluates a group's rules
      // in order and sends each rule's alerts as it goes, so the inhibiting alert reaches Alertmanager first.
      {
        name: 'device-health',
        rules: [...fleetAlerts(thresholds).deviceHealth, ...Object.values(deviceAlerts(thresholds))],
      },
      {
        name: 'model-quality',
        rules: [...fleetAlerts(thresholds).modelQuality, ...Object.values(modelQualityAlerts(thresholds))],
      },
      {
        name: 'hardware',
        rules: [...fleetAlerts(thresholds).hardware, ...Object.values(hardwareAlerts(thresholds))],
        records: HARDWARE_RECORDS,
      },
      { name: 'node-health', rules: Object.values(nodeHealthAlerts(thresholds)) },
      { name: 'prometheus', rules: Object.values(prometheusAlerts(thresholds)) },
      { name: 'alertmanager', rules: Object.values(alertmanagerAlerts(thresholds)) },
      { name: 'telemetry', rules: Object.values(telemetryAlerts(thresholds)) },
      // Aggregates the dashboards read, so they stay fast at fleet scale.
      { name: 'fleet', rules: [], records: dashboardRecords(thresholds) },
    ],
    ruleGroups: loadRuleFiles(RULE_FILES, { evaluationInterval }).groups,
  };
}

/** The stack as `npm run synth` renders it into dist/standalone/: its own servers, in a namespace of its own. */
export const config: StackConfig = stackConfig();

/**
 * The examples `npm run synth` renders, one folder of dist/ each; apply one of them
 * (`kubectl apply --server-side -f dist/<example>/`).
 */
export const examples: Readonly<Record<string, StackConfig>> = {
  /** The whole stack, servers included, on a cluster that runs no other monitoring. */
  standalone: config,
  /**
   * The whole stack beside a kube-prometheus-stack release in 'monitoring': its node-exporter is
   * scraped as the hardware exporter, so no second exporter runs on every node.
   */
  'beside-kube-prometheus-stack': { ...config, hardwareExporter: { existing: KUBE_PROMETHEUS_STACK_NODE_EXPORTER } },
  /**
   * No servers: the rules, scrape configs, routing and dashboards for kube-prometheus-stack's
   * Prometheus Operator, Alertmanager and Grafana, plus the OpenTelemetry collector.
   */
  operator: { ...config, operator: {} },
};

/**
 * Each environment as typed overrides of the base config (`config`): what differs is all that is
 * written here, and `npm run synth` renders each into dist/<environment>/. To add one, add an entry;
 * its folder name must be a DNS label and differ from every example's.
 */
export const environmentOverrides: Readonly<Record<string, StackOverrides>> = {
  /**
   * One server of each, small volumes: a week of history is enough to try a change before
   * production. Grafana behind the cluster's Gateway (Gateway API); replace the placeholders.
   */
  staging: {
    prometheus: { replicas: 1, retention: Duration.days(7), storage: Gibibytes.of(10) },
    alertmanager: { replicas: 1 },
    grafana: {
      route: {
        host: 'grafana.staging.liquid-audio-nets.example',
        gateway: { name: 'edge-gateway', namespace: 'gateway-system' },
      },
    },
  },
  /**
   * The HA pair and three Alertmanager peers, pinned here rather than taken from the library's
   * defaults, a month of history on larger volumes, and Grafana behind the cluster's ingress
   * controller with a certificate from cert-manager (replace the placeholder host with yours).
   */
  production: {
    prometheus: { replicas: 2, retention: Duration.days(30), storage: Gibibytes.of(100) },
    alertmanager: { replicas: 3 },
    grafana: {
      ingress: {
        host: 'grafana.liquid-audio-nets.example',
        tlsSecretName: 'grafana-tls',
        certManagerIssuer: { kind: 'ClusterIssuer', name: 'letsencrypt' },
      },
    },
  },
};

/** The environments `npm run synth` renders, one folder of dist/ each, beside the examples. */
export const environments: Readonly<Record<string, StackConfig>> = Object.fromEntries(
  Object.entries(environmentOverrides).map(([name, overrides]) => [name, withOverrides(config, overrides)]),
);
