import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  batteryLow,
  DASHBOARD_CATALOGUE,
  dashboardRecords,
  deviceAlerts,
  deviceTooHot,
  highInferenceLatency,
  highMemoryUsage,
  highPowerConsumption,
  lowModelAccuracy,
  lowThroughput,
  modelAccuracyDegrading,
  modelQualityAlerts,
  THRESHOLDS,
} from '../../../alerts';
import {
  buildDashboards,
  DASHBOARDS,
  grafanaUnit,
  hardwareDashboard,
  modelQualityDashboard,
  performanceDashboard,
  systemOverviewDashboard,
} from '../../../dashboards';
import {
  Duration,
  GRAFANA_DATASOURCES,
  Percent,
  SERVICE_METRICS,
  Seconds,
  type ThresholdAlertRule,
} from '../../../lib';
import { analysePromQL } from '../../../lib/core/promql';
import { checkDashboards } from '../../../lib/grafana/dashboard-checks';

type Target = { refId: string; expr: string; datasource: { type: string; uid: string } };
const panels = (d: Dashboard) => (d.panels ?? []) as Panel[];
const targets = (p: Panel) => (p.targets ?? []) as unknown as Target[];
const panel = (d: Dashboard, title: string): Panel => {
  const found = panels(d).filter((p) => p.title === title);
  expect(found).toHaveLength(1);
  return found[0];
};
const steps = (p: Panel) => p.fieldConfig?.defaults.thresholds?.steps ?? [];
/**
 * The threshold line of a panel: the one step that is not the base; with a resolve band, the step
 * entering the bad colour (an alert firing above) or leaving it (firing below).
 */
const line = (p: Panel) => {
  const drawn = steps(p).filter((s) => s.value !== null);
  return drawn.length < 2 ? drawn[0] : steps(p)[0].color === 'green' ? drawn[1] : drawn[0];
};
/** The resolve line of a panel with a band: the other drawn step. */
const resolveLine = (p: Panel) => {
  const drawn = steps(p).filter((s) => s.value !== null);
  return drawn.length < 2 ? undefined : steps(p)[0].color === 'green' ? drawn[0] : drawn[1];
};
const metricsOf = (p: Panel) => targets(p).flatMap((t) => analysePromQL(t.expr).metricNames);
const byUid = (uid: string) => DASHBOARDS.find((d) => d.uid === uid) as Dashboard;

describe('the dashboards', () => {
  test('four, one per file, each with a valid uid and title', () => {
    expect(DASHBOARDS.map((d) => [d.uid, d.title])).toEqual([
      ['system-overview', 'System Overview'],
      ['performance', 'Performance'],
      ['model-quality', 'Model Quality'],
      ['hardware', 'Hardware'],
    ]);
    expect(systemOverviewDashboard().uid).toBe('system-overview');
    expect(performanceDashboard().uid).toBe('performance');
    expect(modelQualityDashboard().uid).toBe('model-quality');
    expect(hardwareDashboard().uid).toBe('hardware');
  });

  test('classic dashboard JSON, schemaVersion 42, read-only, with the device variable', () => {
    for (const d of DASHBOARDS) {
      expect(d).toMatchObject({ schemaVersion: 42, editable: false, tags: ['liquid-audio-nets'] });
      expect(d.templating.list).toEqual([
        expect.objectContaining({
          type: 'query',
          name: 'device',
          datasource: GRAFANA_DATASOURCES.prometheus,
          query: 'label_values(up{job="liquid-audio-nets"}, device)',
          multi: true,
          includeAll: false,
        }),
      ]);
    }
  });

  test('pass the synth-time checks against the provisioned datasources and the default catalogue', () => {
    expect(() =>
      checkDashboards(DASHBOARDS, { datasources: Object.values(GRAFANA_DATASOURCES), catalogue: DASHBOARD_CATALOGUE }),
    ).not.toThrow();
  });

  test('every query is on the Prometheus datasource, and reads either the selected devices or a recorded fleet aggregate', () => {
    for (const d of DASHBOARDS) {
      for (const p of panels(d)) {
        expect(p.datasource).toEqual(GRAFANA_DATASOURCES.prometheus);
        expect(targets(p).length).toBeGreaterThan(0);
        for (const t of targets(p)) {
          expect(t.datasource).toEqual(GRAFANA_DATASOURCES.prometheus);
          // A query over every device reads the whole fleet: only recorded aggregates may do that.
          if (!t.expr.includes('device=~"$device"'))
            expect(t.expr).toMatch(/^(fleet:[a-z_]+:[a-z0-9_]+)( - fleet:[a-z_]+:[a-z0-9_]+)?$/);
        }
      }
    }
  });

  test('every per-device time series panel also draws the fleet median and 95th percentile', () => {
    const contract = new Set(Object.values(SERVICE_METRICS).map((m) => m.name));
    const perDevice = DASHBOARDS.flatMap((d) =>
      panels(d).filter(
        (p) =>
          p.type === 'timeseries' &&
          contract.has(metricsOf(p)[0]) &&
          targets(p)[0].expr === `${metricsOf(p)[0]}{device=~"$device"}`,
      ),
    );
    expect(perDevice.length).toBeGreaterThanOrEqual(10);
    for (const p of perDevice) {
      const metric = metricsOf(p)[0];
      expect(
        targets(p)
          .slice(1)
          .map((t) => t.expr),
      ).toEqual([`fleet:${metric}:p50`, `fleet:${metric}:p95`]);
    }
  });

  test('every metric of the service contract appears on at least one dashboard', () => {
    const used = new Set(DASHBOARDS.flatMap((d) => panels(d).flatMap(metricsOf)));
    const missing = Object.values(SERVICE_METRICS)
      .map((m) => m.name)
      .filter((name) => !used.has(name));
    expect(missing).toEqual([]);
  });

  test("each panel on one catalogue metric shows that metric's Grafana unit", () => {
    const units = (d: Dashboard) => Object.fromEntries(panels(d).map((p) => [p.title, p.fieldConfig?.defaults.unit]));
    expect(units(byUid('performance'))).toEqual({
      'Inference latency': 'ms',
      'Inference latency quantiles': 'ms',
      Throughput: 'hertz',
      'Power draw': 'mwatt',
      'Memory use': 'decmbytes',
    });
    expect(units(byUid('model-quality'))).toEqual({
      'Model accuracy': 'percentunit',
      'Validation accuracy': 'percentunit',
      'Accuracy drop against baseline': 'percentunit',
      'Training loss': 'none',
    });
    expect(units(byUid('hardware'))).toEqual({
      Temperature: 'celsius',
      'CPU use': 'percent',
      Battery: 'percent',
      'Power draw': 'mwatt',
    });
    for (const d of DASHBOARDS) {
      for (const p of panels(d)) {
        const [only] = new Set(metricsOf(p));
        const metric = DASHBOARD_CATALOGUE.get(only);
        expect(metric).toBeDefined();
        expect(p.fieldConfig?.defaults.unit).toBe(grafanaUnit(metric!.unit));
      }
    }
  });

  test('a percent gauge spans 0-100, a 0-1 accuracy tops out at 1', () => {
    expect(panel(byUid('hardware'), 'CPU use').fieldConfig?.defaults).toMatchObject({ min: 0, max: 100 });
    expect(panel(byUid('model-quality'), 'Model accuracy').fieldConfig?.defaults.max).toBe(1);
  });
});

describe("threshold lines are the alerts' own", () => {
  /** Every panel that draws an alert's line, with the alert: the line is the alert's `line()`. */
  const ALERT_LINES: ReadonlyArray<readonly [string, string, ThresholdAlertRule]> = [
    ['performance', 'Inference latency', highInferenceLatency],
    ['performance', 'Inference latency quantiles', highInferenceLatency],
    ['performance', 'Throughput', lowThroughput],
    ['performance', 'Power draw', highPowerConsumption],
    ['performance', 'Memory use', highMemoryUsage],
    ['system-overview', 'Slowest inference', highInferenceLatency],
    ['system-overview', 'Lowest throughput', lowThroughput],
    ['system-overview', 'Lowest accuracy', lowModelAccuracy],
    ['system-overview', 'Highest power draw', highPowerConsumption],
    ['system-overview', 'Highest memory use', highMemoryUsage],
    ['system-overview', 'Lowest battery', batteryLow],
    ['model-quality', 'Model accuracy', lowModelAccuracy],
    ['model-quality', 'Accuracy drop against baseline', modelAccuracyDegrading],
    ['hardware', 'Temperature', deviceTooHot],
    ['hardware', 'Battery', batteryLow],
    ['hardware', 'Power draw', highPowerConsumption],
  ];
  /** Lines no alert draws, in their explicit typed form. */
  const OTHER_LINES = [
    ['system-overview', 'Devices down'],
    ['model-quality', 'Validation accuracy'],
  ];

  test.each(ALERT_LINES.map(([uid, title, alert]) => [uid, title, alert.name, alert] as const))(
    '%s / %s draws the line of %s: its threshold, coloured by its severity on its side, named with its for',
    (uid, title, _name, alert) => {
      const p = panel(byUid(uid), title);
      expect(line(p)?.value).toBe(alert.threshold.in(alert.unit));
      const all = steps(p);
      const [base, last] = [all[0], all[all.length - 1]];
      const bad = alert.severity === 'critical' ? 'red' : 'orange';
      expect(alert.bad === 'above' ? [base.color, last.color] : [last.color, base.color]).toEqual(['green', bad]);
      expect(p.description).toContain(`${alert.name} fires ${alert.bad} `);
      if (alert.resolve === undefined) {
        expect(resolveLine(p)).toBeUndefined();
        expect(p.description).toContain(` for ${alert.for}.`);
      } else {
        // Both lines: the resolve level inside the fire level, the band between them in yellow.
        expect(resolveLine(p)?.value).toBe(alert.resolve.in(alert.unit));
        expect(all.map((x) => x.color)).toContain('yellow');
        expect(p.description).toContain(` for ${alert.for} and resolves ${alert.bad === 'above' ? 'below' : 'above'} `);
      }
    },
  );

  test('every line on the dashboards is an alert line above or one of the explicit ones', () => {
    const drawn = DASHBOARDS.flatMap((d) =>
      panels(d)
        .filter((p) => line(p) !== undefined)
        .map((p) => [d.uid, p.title]),
    );
    expect(drawn.sort()).toEqual([...ALERT_LINES.map(([uid, title]) => [uid, title]), ...OTHER_LINES].sort());
    const devicesDown = panels(byUid('system-overview')).find((p) => p.title === 'Devices down' && p.type === 'stat')!;
    expect(line(devicesDown)?.value).toBe(1);
    expect(line(panel(byUid('model-quality'), 'Validation accuracy'))?.value).toBe(
      lowModelAccuracy.threshold.in(lowModelAccuracy.unit),
    );
  });

  test('the accuracy drop panel uses the windows and the 5-point threshold of ModelAccuracyDegrading', () => {
    const p = panel(byUid('model-quality'), 'Accuracy drop against baseline');
    expect(targets(p)[0].expr).toBe('device:model_accuracy:drop{device=~"$device"}');
    const record = dashboardRecords().find((r) => r.name === 'device:model_accuracy:drop')!;
    expect(record.expr).toBe('avg_over_time(model_accuracy[6h] offset 1h) - avg_over_time(model_accuracy[10m])');
    // The record and the alert compare one expression, built once (alerts/model-quality.ts accuracyDropExpr).
    expect(modelAccuracyDegrading.value).toBe(record.expr);
    expect(modelAccuracyDegrading.expr).toBe(`${record.expr} > 0.05`);
    expect(line(p)?.value).toBe(0.05);
    expect(p.description).toContain('ModelAccuracyDegrading fires above 5% for 15m.');
  });

  test('the seed thresholds drawn: 25 ms, 16 kHz, 3 mW, 10 MB, 90% as 0.9', () => {
    const perf = byUid('performance');
    expect(line(panel(perf, 'Inference latency'))?.value).toBe(25);
    expect(line(panel(perf, 'Throughput'))?.value).toBe(16000);
    expect(line(panel(perf, 'Power draw'))?.value).toBe(3);
    expect(line(panel(perf, 'Memory use'))?.value).toBe(10);
    expect(line(panel(byUid('model-quality'), 'Model accuracy'))?.value).toBe(0.9);
  });

  test('retuning a threshold moves the alert and its dashboard lines, and nothing else', () => {
    const retuned = { ...THRESHOLDS, inferenceLatency: { ...THRESHOLDS.inferenceLatency, warning: Seconds.of(0.04) } };
    expect(deviceAlerts(retuned).highInferenceLatency.expr).toMatch(/^inference_latency_ms > 40 or /);
    const [overview, perf, quality, hardware] = buildDashboards(retuned);
    expect(line(panel(perf, 'Inference latency'))?.value).toBe(40);
    expect(line(panel(overview, 'Slowest inference'))?.value).toBe(40);
    expect(panel(perf, 'Inference latency').description).toContain(
      'HighInferenceLatency fires above 40 ms for 5m and resolves below 20 ms.',
    );
    expect(resolveLine(panel(perf, 'Inference latency'))?.value).toBe(20);
    expect(line(panel(perf, 'Throughput'))?.value).toBe(16000);
    expect(JSON.stringify(quality)).toBe(JSON.stringify(byUid('model-quality')));
    expect(JSON.stringify(hardware)).toBe(JSON.stringify(byUid('hardware')));
    // The shared values are untouched.
    expect(line(panel(byUid('performance'), 'Inference latency'))?.value).toBe(25);
  });

  test('retuning the accuracy drift moves the drop line and its description with the alert', () => {
    const D = THRESHOLDS.accuracyDegradation;
    const retuned = { ...THRESHOLDS, accuracyDegradation: { ...D, warning: Percent.of(8), for: Duration.minutes(20) } };
    const p = panel(buildDashboards(retuned)[2], 'Accuracy drop against baseline');
    expect(modelQualityAlerts(retuned).modelAccuracyDegrading.expr).toMatch(/ > 0\.08$/);
    expect(line(p)?.value).toBe(0.08);
    expect(p.description).toContain('ModelAccuracyDegrading fires above 8% for 20m.');
  });

  test('the dashboards are frozen values', () => {
    expect(Object.isFrozen(byUid('performance'))).toBe(true);
    expect(Object.isFrozen(panels(byUid('performance'))[0].fieldConfig?.defaults.thresholds?.steps)).toBe(true);
  });
});

test('the Performance dashboard draws p50, p95 and p99 of the inference spans from the span metrics histogram', () => {
  const p = panels(byUid('performance')).find((x) => x.title === 'Inference latency quantiles')!;
  expect(p.targets!.map((t: any) => [t.legendFormat, t.expr])).toEqual(
    [0.5, 0.95, 0.99].map((q, i) => [
      ['p50', 'p95', 'p99'][i],
      `histogram_quantile(${q}, sum by (le) (rate(traces_span_metrics_duration_bucket{span_name="inference",device=~"$device"}[5m])))`,
    ]),
  );
});
