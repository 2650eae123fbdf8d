import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  batteryLow,
  DASHBOARD_CATALOGUE,
  dashboardRecords,
  deviceTooHot,
  highInferenceLatency,
  highMemoryUsage,
  highPowerConsumption,
  lowModelAccuracy,
  lowThroughput,
  modelAccuracyDegrading,
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
  type AlertRule,
  analysePromQL,
  checkDashboards,
  GRAFANA_DATASOURCES,
  SERVICE_METRICS,
  Seconds,
} from '../../../lib';

type Target = { refId: string; expr: string; datasource: { type: string; uid: string } };
const panels = (d: Dashboard) => (d.panels ?? []) as Panel[];
const targets = (p: Panel) => (p.targets ?? []) as unknown as Target[];
const panel = (d: Dashboard, title: string): Panel => {
  const found = panels(d).filter((p) => p.title === title);
  expect(found).toHaveLength(1);
  return found[0];
};
const steps = (p: Panel) => p.fieldConfig?.defaults.thresholds?.steps ?? [];
/** The threshold line of a panel: the one step that is not the base. */
const line = (p: Panel) => steps(p).find((s) => s.value !== null);
/** Which side of its line a panel colours as bad: `>` when the base (below the line) is green. */
const badSide = (p: Panel) => (steps(p)[0].color === 'green' ? '>' : '<');
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

describe("threshold lines are the alerts' thresholds", () => {
  /** `metric > 25` or `metric < 0.9`: the alert's own rendered threshold. */
  const alertLimit = (rule: AlertRule) => {
    const match = /^([a-z_:]+)(?:\{[^}]*\})? ([<>]) ([0-9.e+-]+)$/.exec(rule.expr);
    expect(match).not.toBeNull();
    return { metric: match![1], op: match![2], value: Number(match![3]) };
  };

  test.each(
    [
      lowThroughput,
      highInferenceLatency,
      highPowerConsumption,
      highMemoryUsage,
      lowModelAccuracy,
      deviceTooHot,
      batteryLow,
    ].map((r) => [r.name, r] as const),
  )(
    '%s: every panel of its metric with a line on its side draws it at the alert threshold, named in the description',
    (_name, rule) => {
      const { metric, op, value } = alertLimit(rule);
      const drawn = DASHBOARDS.flatMap((d) =>
        panels(d).filter((p) => metricsOf(p).includes(metric) && line(p) !== undefined && badSide(p) === op),
      );
      expect(drawn.length).toBeGreaterThan(0);
      for (const p of drawn) {
        expect(line(p)?.value).toBe(value);
        // Above the line is red/orange for '>' alerts; below it for '<' alerts.
        const [base, step] = steps(p);
        expect(op === '>' ? step.color : base.color).toBe(rule.severity === 'critical' ? 'red' : 'orange');
        expect(op === '>' ? base.color : step.color).toBe('green');
        expect(p.description).toContain(`${rule.name} fires ${op === '>' ? 'above' : 'below'}`);
      }
    },
  );

  test('the accuracy drop panel uses the windows and the 5-point threshold of ModelAccuracyDegrading', () => {
    const p = panel(byUid('model-quality'), 'Accuracy drop against baseline');
    expect(targets(p)[0].expr).toBe('device:model_accuracy:drop{device=~"$device"}');
    const record = dashboardRecords().find((r) => r.name === 'device:model_accuracy:drop')!;
    expect(record.expr).toBe('avg_over_time(model_accuracy[6h] offset 1h) - avg_over_time(model_accuracy[10m])');
    expect(modelAccuracyDegrading.expr.startsWith(record.expr)).toBe(true);
    expect(modelAccuracyDegrading.expr).toMatch(/ > 0\.05$/);
    expect(line(p)?.value).toBe(0.05);
  });

  test('the lines named in the issue: 25 ms, 16 kHz, 3 mW, 10 MB, 90% as 0.9', () => {
    const perf = byUid('performance');
    expect(line(panel(perf, 'Inference latency'))?.value).toBe(25);
    expect(line(panel(perf, 'Throughput'))?.value).toBe(16000);
    expect(line(panel(perf, 'Power draw'))?.value).toBe(3);
    expect(line(panel(perf, 'Memory use'))?.value).toBe(10);
    expect(line(panel(byUid('model-quality'), 'Model accuracy'))?.value).toBe(0.9);
  });

  test('retuning a threshold moves the dashboard line, and nothing else', () => {
    const retuned = { ...THRESHOLDS, inferenceLatency: { ...THRESHOLDS.inferenceLatency, warning: Seconds.of(0.04) } };
    const [overview, perf, quality, hardware] = buildDashboards(retuned);
    expect(line(panel(perf, 'Inference latency'))?.value).toBe(40);
    expect(line(panel(overview, 'Slowest inference'))?.value).toBe(40);
    expect(panel(perf, 'Inference latency').description).toContain('HighInferenceLatency fires above 40 ms for 5m.');
    expect(line(panel(perf, 'Throughput'))?.value).toBe(16000);
    expect(JSON.stringify(quality)).toBe(JSON.stringify(byUid('model-quality')));
    expect(JSON.stringify(hardware)).toBe(JSON.stringify(byUid('hardware')));
    // The shared values are untouched.
    expect(line(panel(byUid('performance'), 'Inference latency'))?.value).toBe(25);
  });

  test('the dashboards are frozen values', () => {
    expect(Object.isFrozen(byUid('performance'))).toBe(true);
    expect(Object.isFrozen(panels(byUid('performance'))[0].fieldConfig?.defaults.thresholds?.steps)).toBe(true);
  });
});
