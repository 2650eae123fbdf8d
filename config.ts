import { ALERTMANAGER_ALERTS, DEVICE_ALERTS, HARDWARE_ALERTS, HARDWARE_RECORDS, MODEL_QUALITY_ALERTS, PROMETHEUS_ALERTS } from './alerts';
import { DASHBOARDS } from './dashboards';
import { Duration, StackConfig } from './lib';

/** The stack this repository deploys. Thresholds live in alerts/thresholds.ts. */
export const config: StackConfig = {
  instance: 'liquid-audio-nets',
  namespace: 'monitoring',
  evaluationInterval: Duration.seconds(30),
  runbookBaseUrl: 'https://github.com/liquid-audio-nets/monitoring/blob/main/docs/runbooks.md',
  dashboards: DASHBOARDS,
  alertGroups: [
    { name: 'device-health', rules: DEVICE_ALERTS },
    { name: 'model-quality', rules: MODEL_QUALITY_ALERTS },
    { name: 'hardware', rules: HARDWARE_ALERTS, records: HARDWARE_RECORDS },
    { name: 'prometheus', rules: PROMETHEUS_ALERTS },
    { name: 'alertmanager', rules: ALERTMANAGER_ALERTS },
  ],
};
