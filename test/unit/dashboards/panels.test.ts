import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  above,
  alertSentence,
  below,
  describePanel,
  deviceSelector,
  GRAFANA_UNITS,
  grafanaUnit,
  prometheusQuery,
  statPanel,
  thresholdSteps,
  timeseriesPanel,
} from '../../../dashboards';
import {
  AlertRule,
  AlertText,
  Celsius,
  type Dimension,
  Duration,
  Megabytes,
  type Metric,
  Milliseconds,
  Milliwatts,
  Percent,
  PROMETHEUS_METRICS,
  type Quantity,
  SERVICE_METRICS,
  Seconds,
  Units,
} from '../../../lib';

const M = SERVICE_METRICS;
/** A dashboard's JSON as Grafana reads it (functions dropped, key order irrelevant). */
const json = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('Grafana units from the catalogue units', () => {
  test('each service metric gets the Grafana unit of its catalogue unit', () => {
    expect(grafanaUnit(M.inferenceLatency.unit)).toBe('ms');
    expect(grafanaUnit(M.samplesPerSecond.unit)).toBe('hertz');
    expect(grafanaUnit(M.powerConsumption.unit)).toBe('mwatt');
    expect(grafanaUnit(M.memoryUsage.unit)).toBe('decmbytes'); // SI megabytes, as memory_usage_mb counts them
    expect(grafanaUnit(M.modelAccuracy.unit)).toBe('percentunit'); // a 0-1 ratio shown as a percentage
    expect(grafanaUnit(M.cpuUsage.unit)).toBe('percent'); // a 0-100 gauge
    expect(grafanaUnit(M.deviceTemperature.unit)).toBe('celsius');
    expect(grafanaUnit(M.trainingLoss.unit)).toBe('none');
    expect(grafanaUnit(Units.mebibytes)).toBe('mbytes');
  });

  test('every unit of lib/units.ts has a Grafana unit', () => {
    for (const u of Object.values(Units)) expect(grafanaUnit(u)).toMatch(/\S/);
    expect(Object.keys(GRAFANA_UNITS).sort()).toEqual(Object.keys(Units).sort());
  });

  test('fails when a unit is not one of Units', () => {
    expect(() => grafanaUnit({ dimension: 'power', symbol: 'kW', factor: 1e3 })).toThrow(
      "unit 'kW' (power) has no Grafana unit; use one of Units or add it to GRAFANA_UNITS in dashboards/panels.ts",
    );
  });
});

describe('threshold steps', () => {
  test('a threshold is converted into the metric unit, coloured on its bad side', () => {
    expect(thresholdSteps(M.inferenceLatency, above(Seconds.of(0.025), 'warning'))).toEqual([
      { value: null, color: 'green' },
      { value: 25, color: 'orange' },
    ]);
    expect(thresholdSteps(M.modelAccuracy, below(Percent.of(90), 'critical'))).toEqual([
      { value: null, color: 'red' },
      { value: 0.9, color: 'green' },
    ]);
    expect(thresholdSteps(M.memoryUsage, above(Megabytes.of(10), 'warning'))[1].value).toBe(10);
    expect(thresholdSteps(M.powerConsumption, above(Milliwatts.of(3), 'warning'))[1].value).toBe(3);
    expect(thresholdSteps(M.deviceTemperature, above(Celsius.of(75), 'warning'))[1].value).toBe(75);
  });

  test('a resolve level adds the second line: the band between it and the fire level in yellow', () => {
    const latency = { ...above(Milliseconds.of(25), 'warning'), resolve: Milliseconds.of(20) };
    expect(thresholdSteps(M.inferenceLatency, latency)).toEqual([
      { value: null, color: 'green' },
      { value: 20, color: 'yellow' },
      { value: 25, color: 'orange' },
    ]);
    const accuracy = { ...below(Percent.of(90), 'critical'), resolve: Percent.of(92) };
    expect(thresholdSteps(M.modelAccuracy, accuracy)).toEqual([
      { value: null, color: 'red' },
      { value: 0.9, color: 'yellow' },
      { value: 0.92, color: 'green' },
    ]);
  });

  test('without a line, one green base step', () => {
    expect(thresholdSteps(M.trainingLoss)).toEqual([{ value: null, color: 'green' }]);
  });

  test('fails when the threshold is not a finite amount', () => {
    expect(() => thresholdSteps(M.inferenceLatency, above(Milliseconds.of(Number.NaN), 'warning'))).toThrow(
      "threshold line on 'inference_latency_ms': the threshold must be a finite amount, got NaN ms",
    );
  });
});

describe('panel descriptions', () => {
  const alert = <D extends Dimension>(name: string, metric: Metric<D>, op: '>' | '<', threshold: Quantity<D>) =>
    AlertRule.threshold({
      name,
      severity: 'warning',
      metric,
      op,
      threshold,
      for: Duration.minutes(5),
      summary: AlertText.of`x`,
      description: AlertText.of`x`,
    });

  test("name the line's alert, its threshold in the metric unit and its for", () => {
    const latency = alert('HighInferenceLatency', M.inferenceLatency, '>', Seconds.of(0.04)).line();
    expect(describePanel(M.inferenceLatency, latency)).toBe(
      `${M.inferenceLatency.help} HighInferenceLatency fires above 40 ms for 5m.`,
    );
    const accuracy = alert('LowModelAccuracy', M.modelAccuracy, '<', Percent.of(90)).line();
    expect(describePanel(M.modelAccuracy, accuracy)).toBe(
      `${M.modelAccuracy.help} LowModelAccuracy fires below 90% for 5m.`,
    );
    expect(alertSentence(M.modelAccuracy.unit, accuracy)).toBe('LowModelAccuracy fires below 90% for 5m.');
  });

  test('a line of no alert, or no line, leaves the help alone', () => {
    expect(describePanel(M.trainingLoss)).toBe(M.trainingLoss.help);
    expect(describePanel(M.modelAccuracy, below(Percent.of(90), 'critical'))).toBe(M.modelAccuracy.help);
    expect(alertSentence(M.modelAccuracy.unit, below(Percent.of(90), 'critical'))).toBe('');
  });
});

describe('queries', () => {
  test('select the devices of the device variable', () => {
    expect(deviceSelector(M.inferenceLatency)).toBe('inference_latency_ms{device=~"$device"}');
    expect(deviceSelector(PROMETHEUS_METRICS.up, { job: 'liquid-audio-nets' })).toBe(
      'up{job="liquid-audio-nets",device=~"$device"}',
    );
  });

  test("a query target is what the SDK's own Prometheus DataqueryBuilder builds", () => {
    const ours = prometheusQuery({ refId: 'A', expr: 'up', legendFormat: '{{device}}' }).build();
    const sdk = new prometheus.DataqueryBuilder()
      .datasource({ type: 'prometheus', uid: 'prometheus' })
      .refId('A')
      .expr('up')
      .legendFormat('{{device}}')
      .range()
      .build();
    expect(json(ours)).toEqual(json(sdk));
    const instant = new prometheus.DataqueryBuilder()
      .datasource({ type: 'prometheus', uid: 'prometheus' })
      .refId('B')
      .expr('up')
      .instant()
      .build();
    expect(json(prometheusQuery({ refId: 'B', expr: 'up', instant: true }).build())).toEqual(json(instant));
  });
});

/**
 * The panels are built with the SDK's generic dashboard.PanelBuilder (its panel-plugin modules
 * cost 30 ms of load time). These tests rebuild a panel with the SDK's own typed timeseries and
 * stat builders and expect the same JSON: the structure is the SDK's, field for field.
 */
describe("panels match the SDK's typed panel builders", () => {
  const datasource = { type: 'prometheus', uid: 'prometheus' };
  const target = (expr: string, instant: boolean) => {
    const q = new prometheus.DataqueryBuilder().datasource(datasource).refId('A').expr(expr).legendFormat('{{device}}');
    return instant ? q.instant() : q.range();
  };

  test('time series', () => {
    const ours = timeseriesPanel({
      id: 1,
      title: 'Latency',
      metric: M.inferenceLatency,
      line: above(Milliseconds.of(25), 'warning'),
      width: 12,
      height: 8,
    }).build();
    const sdk = new timeseries.PanelBuilder()
      .id(1)
      .title('Latency')
      .description(M.inferenceLatency.help)
      .datasource(datasource)
      .span(12)
      .height(8)
      .unit('ms')
      .thresholds(
        new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: 'green' },
          { value: 25, color: 'orange' },
        ]),
      )
      .withTarget(target('inference_latency_ms{device=~"$device"}', false))
      .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
      .legend(
        new common.VizLegendOptionsBuilder()
          .displayMode(common.LegendDisplayMode.List)
          .placement(common.LegendPlacement.Bottom)
          .showLegend(true)
          .calcs([]),
      )
      .tooltip(
        new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
      )
      .drawStyle(common.GraphDrawStyle.Line)
      .lineInterpolation(common.LineInterpolation.Linear)
      .lineWidth(1)
      .fillOpacity(0)
      .showPoints(common.VisibilityMode.Never)
      .spanNulls(false)
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed))
      .build();
    expect(json(ours)).toEqual(json(sdk));
  });

  test('stat', () => {
    const ours = statPanel({
      id: 3,
      title: 'Lowest accuracy',
      metric: M.modelAccuracy,
      expr: 'min(model_accuracy)',
      line: below(Percent.of(90), 'critical'),
      width: 3,
      height: 4,
    }).build();
    const sdk = new stat.PanelBuilder()
      .id(3)
      .title('Lowest accuracy')
      .description(M.modelAccuracy.help)
      .datasource(datasource)
      .span(3)
      .height(4)
      .unit('percentunit')
      .thresholds(
        new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
          { value: null, color: 'red' },
          { value: 0.9, color: 'green' },
        ]),
      )
      .withTarget(target('min(model_accuracy)', true))
      .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
      .graphMode(common.BigValueGraphMode.Area)
      .colorMode(common.BigValueColorMode.Value)
      .justifyMode(common.BigValueJustifyMode.Auto)
      .textMode(common.BigValueTextMode.Value)
      .wideLayout(true)
      .showPercentChange(false)
      .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).fields('').values(false))
      .percentChangeColorMode(common.PercentChangeColorMode.Standard)
      .orientation(common.VizOrientation.Auto)
      .build();
    expect(json(ours)).toEqual(json(sdk));
  });
});
