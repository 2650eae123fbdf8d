import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { perThresholds } from '../alerts/thresholds';
import { hardwareDashboard } from './hardware';
import { modelQualityDashboard } from './model-quality';
import type { Thresholds } from './panels';
import { performanceDashboard } from './performance';
import { systemOverviewDashboard } from './system-overview';

export * from './hardware';
export * from './model-quality';
export * from './panels';
export * from './performance';
export * from './system-overview';

/** Every dashboard of the stack, drawing the threshold lines of `thresholds`, in menu order. */
export const buildDashboards = perThresholds((thresholds: Thresholds): readonly Dashboard[] =>
  [
    systemOverviewDashboard(thresholds),
    performanceDashboard(thresholds),
    modelQualityDashboard(thresholds),
    hardwareDashboard(thresholds),
  ].map(deepFreeze),
);

/** The stack's dashboards with the alerts' thresholds: what the Grafana construct provisions. */
export const DASHBOARDS: readonly Dashboard[] = buildDashboards();

/** Dashboards are values: frozen once built, so no consumer can change what another renders. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
