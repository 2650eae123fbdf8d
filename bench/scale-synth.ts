/**
 * One synth of a grown stack, through the public API: the repository's own configuration with
 * its alert rules and dashboards replaced by exactly `--rules` generated alert rules (in groups of
 * 50) and `--dashboards` generated dashboards of 12 panels. Writes to `--outdir`. Run by
 * bench/scale.ts in a child process per measurement.
 */

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { stackConfig } from '../config';
import { above, dashboardBuilder, timeseriesPanel } from '../dashboards/panels';
import {
  type AlertGroupConfig,
  AlertRule,
  AlertText,
  Duration,
  label,
  type Metric,
  MonitoringStack,
  Quantity,
  SERVICE_METRICS,
  StagedApp,
} from '../lib';

export const RULES_PER_GROUP = 50;
const PANELS_PER_DASHBOARD = 12;
const GAUGES: readonly Metric[] = Object.values(SERVICE_METRICS);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** `count` threshold alerts on the catalogue's metrics, each with its own name and threshold. */
export function generatedRules(count: number): AlertGroupConfig[] {
  const rules = Array.from({ length: count }, (_, i) => {
    const metric = GAUGES[i % GAUGES.length];
    return AlertRule.threshold({
      name: `FleetRule${i}`,
      severity: i % 2 ? 'warning' : 'critical',
      metric,
      op: '>',
      // A fraction cannot pass 100%; every other unit takes any amount.
      threshold: new Quantity(metric.unit.dimension === 'fraction' ? (i % 100) / 100 : 10 + i, metric.unit),
      for: Duration.minutes(5),
      summary: AlertText.of`Fleet rule ${i} on ${label('device')}`,
      description: AlertText.of`Generated rule ${i} for the scale benchmark.`,
    });
  });
  const groups: AlertGroupConfig[] = [];
  for (let g = 0; g * RULES_PER_GROUP < rules.length; g++)
    groups.push({ name: `fleet-${g}`, rules: rules.slice(g * RULES_PER_GROUP, (g + 1) * RULES_PER_GROUP) });
  return groups;
}

/** `count` dashboards of 12 time series panels each, with threshold lines. */
export function generatedDashboards(count: number): Dashboard[] {
  return Array.from({ length: count }, (_, d) => {
    let builder = dashboardBuilder({
      uid: `fleet-${d}`,
      title: `Fleet ${d}`,
      description: `Generated dashboard ${d} for the scale benchmark.`,
    });
    for (let p = 0; p < PANELS_PER_DASHBOARD; p++) {
      const metric = GAUGES[(d + p) % GAUGES.length];
      builder = builder.withPanel(
        timeseriesPanel({
          id: p + 1,
          title: `${metric.name} ${p}`,
          metric,
          width: 12,
          height: 8,
          line: above(new Quantity(10 + p, metric.unit), 'warning'),
        }),
      );
    }
    return builder.build();
  });
}

if (require.main === module) {
  const rules = Number(arg('rules', '0'));
  const dashboards = Number(arg('dashboards', '0'));
  const outdir = arg('outdir', 'build/scale-out');
  const base = stackConfig();
  // The synth's own App: one file per chart, named by the chart (`0002-prometheus.k8s.yaml`).
  const app = new StagedApp({ outdir });
  new MonitoringStack(app, 'stack', {
    ...base,
    alertGroups: generatedRules(rules),
    dashboards: generatedDashboards(dashboards),
  });
  app.synth();
}
