/**
 * Shared pieces of the dashboards: Grafana units, threshold lines, the `device` variable, panels.
 * Only the SDK's `dashboard` module is loaded at run time; the panel, query and unit modules are
 * imported as types only, because they load the SDK's v2 schemas too (README: "Performance").
 */

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as units from '@grafana/grafana-foundation-sdk/units';
import type { Thresholds } from '../alerts/thresholds';
import {
  DEVICE_TARGETS,
  type Dimension,
  formatAmount,
  type Matchers,
  type Metric,
  PROMETHEUS_METRICS,
  type Quantity,
  selector,
  type Unit,
  Units,
} from '../lib/core';
import { GRAFANA_DATASOURCES } from '../lib/grafana';
import type { LineAlert, LineSeverity, ThresholdLine } from '../lib/rules';

/** The thresholds a dashboard draws: the alerts' own, or a retuned copy. */
export type { Thresholds };

/** The Prometheus datasource every panel queries. */
export const PROMETHEUS_DATASOURCE: common.DataSourceRef = { ...GRAFANA_DATASOURCES.prometheus };

/**
 * The Grafana unit id of every unit the stack knows (a new unit does not compile without one),
 * each checked against the SDK's unit constants at compile time; a 0-1 ratio shows as a percentage.
 */
export const GRAFANA_UNITS: { readonly [K in keyof typeof Units]: string } = {
  seconds: 's' satisfies typeof units.Seconds,
  milliseconds: 'ms' satisfies typeof units.Milliseconds,
  watts: 'watt' satisfies typeof units.Watt,
  milliwatts: 'mwatt' satisfies typeof units.MilliWatt,
  joules: 'joule' satisfies typeof units.Joule,
  bytes: 'decbytes' satisfies typeof units.BytesSI,
  megabytes: 'decmbytes' satisfies typeof units.Megabytes,
  mebibytes: 'mbytes' satisfies typeof units.Mebibytes,
  gibibytes: 'gbytes' satisfies typeof units.Gibibytes,
  ratio: 'percentunit' satisfies typeof units.PercentUnit,
  percent: 'percent' satisfies typeof units.Percent,
  hertz: 'hertz' satisfies typeof units.Hertz,
  celsius: 'celsius' satisfies typeof units.Celsius,
  count: 'none' satisfies typeof units.NoUnit,
  // Grafana has no unit for CPU cores: its custom-suffix syntax.
  cores: 'suffix: cores',
  millicores: 'suffix:m',
};

/** The Grafana unit id of `unit`, which must be one of `Units`. */
export function grafanaUnit(unit: Unit): string {
  for (const key of Object.keys(Units) as (keyof typeof Units)[]) {
    if (Units[key] === unit) return GRAFANA_UNITS[key];
  }
  throw new Error(
    `unit '${unit.symbol}' (${unit.dimension}) has no Grafana unit; use one of Units or add it to GRAFANA_UNITS in dashboards/panels.ts`,
  );
}

/**
 * A threshold line on a panel. An alert's own line comes from the alert (`highInferenceLatency.line()`), so a
 * dashboard never restates its threshold, side, severity, name or `for`; `above` and `below` draw a line of no alert.
 */
export type { LineAlert, ThresholdLine };

/** A line that colours values above `threshold` as bad, for a panel whose metric has no alert of its own. */
export function above<D extends Dimension>(threshold: Quantity<D>, severity: LineSeverity): ThresholdLine<D> {
  return { threshold, bad: 'above', severity };
}

/** A line that colours values below `threshold` as bad, for a panel whose metric has no alert of its own. */
export function below<D extends Dimension>(threshold: Quantity<D>, severity: LineSeverity): ThresholdLine<D> {
  return { threshold, bad: 'below', severity };
}

/**
 * A panel's description: the metric's help, then the alert of its line with the threshold in the
 * metric's unit (`HighInferenceLatency fires above 25 ms for 5m.`), however the threshold was written.
 */
export function describePanel<D extends Dimension>(metric: Metric<D>, line?: ThresholdLine<D>): string {
  const sentence = line && alertSentence(metric.unit, line);
  return sentence ? `${metric.help} ${sentence}` : metric.help;
}

/** `HighInferenceLatency fires above 25 ms for 5m.`, the threshold in `unit`; empty for a line of no alert. */
export function alertSentence<D extends Dimension>(unit: Unit<D>, line: ThresholdLine<D>): string {
  if (line.alert === undefined) return '';
  const fires = `${line.alert.name} fires ${line.bad} ${shownAs(line.threshold, unit)} for ${line.alert.for}`;
  if (line.resolve === undefined) return `${fires}.`;
  return `${fires} and resolves ${line.bad === 'above' ? 'below' : 'above'} ${shownAs(line.resolve, unit)}.`;
}

/** `25 ms` in the metric's unit; a 0-1 ratio as the panel shows it, in percent (`90%`). */
function shownAs<D extends Dimension>(amount: Quantity<D>, unit: Unit<D>): string {
  if ((unit as Unit) === Units.ratio)
    return formatAmount((amount as unknown as Quantity<'fraction'>).in(Units.percent), Units.percent);
  return formatAmount(amount.in(unit), unit);
}

const COLORS = { ok: 'green', critical: 'red', warning: 'orange', band: 'yellow' } as const;

/**
 * Grafana threshold steps for `metric`: the line's threshold converted into the metric's unit
 * (`Percent.of(90)` against the 0-1 `model_accuracy` gauge is 0.9), coloured by severity on its
 * bad side; a resolve level adds a second step, the band between them in yellow, so the panel
 * draws both lines. Without a line, one green base step.
 */
export function thresholdSteps<D extends Dimension>(metric: Metric<D>, line?: ThresholdLine<D>): dashboard.Threshold[] {
  if (line === undefined) return [{ value: null, color: COLORS.ok }];
  if (!line.threshold.isFinite())
    throw new Error(`threshold line on '${metric.name}': the threshold must be a finite amount, got ${line.threshold}`);
  const value = line.threshold.in(metric.unit);
  const bad = COLORS[line.severity];
  if (line.resolve !== undefined) {
    const resolve = line.resolve.in(metric.unit);
    return line.bad === 'above'
      ? [
          { value: null, color: COLORS.ok },
          { value: resolve, color: COLORS.band },
          { value, color: bad },
        ]
      : [
          { value: null, color: bad },
          { value, color: COLORS.band },
          { value: resolve, color: COLORS.ok },
        ];
  }
  return line.bad === 'above'
    ? [
        { value: null, color: COLORS.ok },
        { value, color: bad },
      ]
    : [
        { value: null, color: bad },
        { value, color: COLORS.ok },
      ];
}

/** The template variable that selects devices; every query matches it with `device=~"$device"`. */
export const DEVICE_VARIABLE = DEVICE_TARGETS.deviceLabel;

/** `metric{...,device=~"$device"}`: the metric's series of the devices selected on the dashboard. */
export function deviceSelector(metric: Metric, matchers: Matchers = {}): string {
  return selector(metric, matchers, {}, { [DEVICE_TARGETS.deviceLabel]: `$${DEVICE_VARIABLE}` });
}

/**
 * Every device that has a scrape target, multi-select, starting on the first. There is no "All":
 * a panel of every device's lines reads ten thousand series on a large fleet (seconds per query,
 * measured by bench/query-cost.ts); the fleet as a whole is drawn from recorded aggregates.
 */
export function deviceVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${selector(PROMETHEUS_METRICS.up, { job: DEVICE_TARGETS.job })}, ${DEVICE_TARGETS.deviceLabel})`;
  return new dashboard.QueryVariableBuilder(DEVICE_VARIABLE)
    .label('Device')
    .datasource(PROMETHEUS_DATASOURCE)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(false)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.NaturalAsc);
}

/**
 * A Prometheus query target, typed as the SDK's `prometheus.Dataquery`. (The SDK's own
 * DataqueryBuilder would load its v2 dashboard schema at run time; see the top of this file.)
 */
export function prometheusQuery(query: {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
}): cog.Builder<prometheus.Dataquery> {
  return {
    build: () => ({
      datasource: PROMETHEUS_DATASOURCE,
      refId: query.refId,
      expr: query.expr,
      ...(query.legendFormat !== undefined ? { legendFormat: query.legendFormat } : {}),
      range: !query.instant,
      instant: query.instant ?? false,
      _implementsDataqueryVariant: () => undefined,
    }),
  };
}

/** One panel of one metric. */
export interface PanelSpec<D extends Dimension> {
  /** Unique within the dashboard. */
  readonly id: number;
  readonly title: string;
  /** The metric the panel shows: its unit is the panel's unit, its help the description. */
  readonly metric: Metric<D>;
  /** PromQL, built from the catalogue. @default deviceSelector(metric) - one series per device */
  readonly expr?: string;
  /** @default '{{device}}' */
  readonly legend?: string;
  /** @default describePanel(metric, line) - the metric's help and the line's alert */
  readonly description?: string;
  /** The alert threshold drawn on the panel. @default - none */
  readonly line?: ThresholdLine<D>;
  /** Recorded fleet aggregates drawn beside the selected devices (median and 95th percentile). @default - none */
  readonly fleet?: { readonly p50: Metric<D>; readonly p95: Metric<D> };
  /** Bottom of the axis or gauge. @default - Grafana's automatic range */
  readonly min?: Quantity<D>;
  /** Top of the axis or gauge. @default - Grafana's automatic range */
  readonly max?: Quantity<D>;
  /** Columns of the 24-column grid. */
  readonly width: number;
  /** Grid rows (30 px each). */
  readonly height: number;
}

/** The options of every time series panel, checked against the SDK's `timeseries.Options`. */
const TIMESERIES_OPTIONS: timeseries.Options = {
  legend: {
    displayMode: common.LegendDisplayMode.List,
    placement: common.LegendPlacement.Bottom,
    showLegend: true,
    calcs: [],
  },
  tooltip: { mode: common.TooltipDisplayMode.Multi, sort: common.SortOrder.Descending },
};

/** Lines per device, the alert threshold as a dashed line; checked against `timeseries.FieldConfig`. */
const TIMESERIES_FIELD: timeseries.FieldConfig = {
  drawStyle: common.GraphDrawStyle.Line,
  lineInterpolation: common.LineInterpolation.Linear,
  lineWidth: 1,
  fillOpacity: 0,
  showPoints: common.VisibilityMode.Never,
  spanNulls: false,
  thresholdsStyle: { mode: common.GraphThresholdsStyleMode.Dashed },
};

/** One big number coloured by the thresholds; checked against the SDK's `stat.Options`. */
const STAT_OPTIONS: stat.Options = {
  graphMode: common.BigValueGraphMode.Area,
  colorMode: common.BigValueColorMode.Value,
  justifyMode: common.BigValueJustifyMode.Auto,
  textMode: common.BigValueTextMode.Value,
  wideLayout: true,
  showPercentChange: false,
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  percentChangeColorMode: common.PercentChangeColorMode.Standard,
  orientation: common.VizOrientation.Auto,
};

function basePanel<D extends Dimension>(
  type: 'timeseries' | 'stat',
  spec: PanelSpec<D>,
  instant: boolean,
): dashboard.PanelBuilder {
  const builder = new dashboard.PanelBuilder()
    .type(type)
    .id(spec.id)
    .title(spec.title)
    .description(spec.description ?? describePanel(spec.metric, spec.line))
    .datasource(PROMETHEUS_DATASOURCE)
    .span(spec.width)
    .height(spec.height)
    .unit(grafanaUnit(spec.metric.unit))
    .thresholds(
      new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps(thresholdSteps(spec.metric, spec.line)),
    )
    .withTarget(
      prometheusQuery({
        refId: 'A',
        expr: spec.expr ?? deviceSelector(spec.metric),
        legendFormat: spec.legend ?? `{{${DEVICE_TARGETS.deviceLabel}}}`,
        instant,
      }),
    );
  if (spec.fleet) {
    builder
      .withTarget(
        prometheusQuery({ refId: 'B', expr: selector(spec.fleet.p50), legendFormat: 'fleet median', instant }),
      )
      .withTarget(prometheusQuery({ refId: 'C', expr: selector(spec.fleet.p95), legendFormat: 'fleet p95', instant }));
  }
  if (spec.min !== undefined) builder.min(spec.min.in(spec.metric.unit));
  if (spec.max !== undefined) builder.max(spec.max.in(spec.metric.unit));
  return builder;
}

/** A time series panel: one line per series, the threshold as a dashed line. */
export function timeseriesPanel<D extends Dimension>(spec: PanelSpec<D>): dashboard.PanelBuilder {
  return basePanel('timeseries', spec, false)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .options(TIMESERIES_OPTIONS)
    .custom(TIMESERIES_FIELD);
}

/** A stat panel: the current value of an instant query, coloured by the threshold. */
export function statPanel<D extends Dimension>(spec: PanelSpec<D>): dashboard.PanelBuilder {
  return basePanel('stat', spec, true)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .options(STAT_OPTIONS);
}

export interface DashboardSpec {
  /** The dashboard's uid: its URL and its ConfigMap's name. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
}

/** A read-only dashboard of the stack: the device variable, six hours, refreshed every minute, crosshair shared between panels. */
export function dashboardBuilder(spec: DashboardSpec): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['liquid-audio-nets'])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(deviceVariable());
}
