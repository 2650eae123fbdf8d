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
} from './alerts';
import { buildDashboards } from './dashboards';
import { Duration, type StackConfig } from './lib';

/**
 * The stack this repository deploys, for a set of thresholds. The thresholds live in
 * alerts/thresholds.ts; a compressed end-to-end run passes a copy with every duration scaled down.
 */
export function stackConfig(thresholds: Thresholds = THRESHOLDS): StackConfig {
  return {
    instance: 'liquid-audio-nets',
    namespace: 'monitoring',
    evaluationInterval: Duration.seconds(30),
    alertmanager: { routing: defaultRouting() },
    runbookBaseUrl: 'https://github.com/liquid-audio-nets/monitoring/blob/main/docs/runbooks.md',
    dashboards: buildDashboards(thresholds),
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
      // Aggregates the dashboards read, so they stay fast at fleet scale.
      { name: 'fleet', rules: [], records: dashboardRecords(thresholds) },
    ],
  };
}

/** The stack as `npm run synth` renders it. */
export const config: StackConfig = stackConfig();
