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
      // Each fleet-level alert sits beside its device alerts, so both reach Alertmanager in one evaluation.
      {
        name: 'device-health',
        rules: [...Object.values(deviceAlerts(thresholds)), ...fleetAlerts(thresholds).deviceHealth],
      },
      {
        name: 'model-quality',
        rules: [...Object.values(modelQualityAlerts(thresholds)), ...fleetAlerts(thresholds).modelQuality],
      },
      {
        name: 'hardware',
        rules: [...Object.values(hardwareAlerts(thresholds)), ...fleetAlerts(thresholds).hardware],
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
