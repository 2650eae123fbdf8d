import { parser } from '@prometheus-io/lezer-promql';
import type { Duration } from './duration';
import type { Metric } from './metrics';
import type { Dimension, Quantity, Unit } from './units';

/**
 * PromQL built from the metric catalogue. Expressions are strings in the end, but the pieces
 * (metric names, matchers, thresholds converted into the metric's unit) come from typed values,
 * so no metric name or threshold is pasted into a query by hand.
 */

export type Comparison = '>' | '<' | '>=' | '<=';

/** Label matchers `{name="value"}`; each value is matched exactly. */
export type Matchers = Readonly<Record<string, string>>;

/**
 * `metric{label="value",...,other!="value",name=~"regex"}`: `matchers` must match, `excluded`
 * must not, and `matching` are regular expressions the label must match (a dashboard's
 * `device=~"$device"`, which Grafana expands into the devices selected).
 */
export function selector(
  metric: Metric,
  matchers: Matchers = {},
  excluded: Matchers = {},
  matching: Matchers = {},
): string {
  const parts = [
    ...Object.keys(matchers)
      .sort()
      .map((label) => `${label}=${JSON.stringify(matchers[label])}`),
    ...Object.keys(matching)
      .sort()
      .map((label) => `${label}=~${JSON.stringify(matching[label])}`),
    ...Object.keys(excluded)
      .sort()
      .map((label) => `${label}!=${JSON.stringify(excluded[label])}`),
  ];
  return parts.length === 0 ? metric.name : `${metric.name}{${parts.join(',')}}`;
}

/** The `<aggregation>_over_time` functions a threshold alert may compare instead of the last sample. */
export type OverTimeFunction = 'avg_over_time' | 'quantile_over_time' | 'max_over_time' | 'min_over_time';

/** A window of a metric, reduced to one value per series: `avg_over_time(metric[5m])`. */
export interface Smoothing {
  readonly fn: OverTimeFunction;
  /** How far back the window reaches; at least two samples long to smooth anything. */
  readonly window: Duration;
  /** The quantile (0-1) for `quantile_over_time`. @default - none; required for quantile_over_time and refused otherwise */
  readonly quantile?: number;
}

/** Why `smoothing` cannot be rendered, or undefined when it can. */
export function smoothingProblem(smoothing: Smoothing): string | undefined {
  if (!smoothing.window.isValid() || smoothing.window.isZero())
    return `'window' must be a positive duration, got ${smoothing.window}`;
  if (smoothing.fn === 'quantile_over_time') {
    const q = smoothing.quantile;
    if (q === undefined || !(q >= 0 && q <= 1))
      return `'quantile' must be between 0 and 1 for quantile_over_time, got ${q}`;
  } else if (smoothing.quantile !== undefined) {
    return `'quantile' is only read by quantile_over_time, got ${smoothing.quantile} with ${smoothing.fn}`;
  }
  return undefined;
}

/** `metric{...}`, or its window reduced by `smoothing`: `quantile_over_time(0.5, metric[5m])`. */
export function smoothed(metric: Metric, matchers: Matchers = {}, smoothing?: Smoothing): string {
  const sel = selector(metric, matchers);
  if (smoothing === undefined) return sel;
  const range = `${sel}[${smoothing.window.toPrometheus()}]`;
  return smoothing.fn === 'quantile_over_time'
    ? // biome-ignore lint/style/noNonNullAssertion: a quantile smoothing without its quantile is refused when the alert is built
      `${smoothing.fn}(${literal(smoothing.quantile!)}, ${range})`
    : `${smoothing.fn}(${range})`;
}

/** `metric > 25` (or `avg_over_time(metric[5m]) > 25`), with the threshold converted into the metric's own unit. */
export function compare<D extends Dimension>(
  metric: Metric<D>,
  op: Comparison,
  threshold: Quantity<D>,
  matchers: Matchers = {},
  smoothing?: Smoothing,
): string {
  return compareValue(smoothed(metric, matchers, smoothing), metric.unit, op, threshold);
}

/** `<value> > 25`: a PromQL value in `unit` compared with a threshold converted into that unit. */
export function compareValue<D extends Dimension>(
  value: string,
  unit: Unit<D>,
  op: Comparison,
  threshold: Quantity<D>,
): string {
  return `${value} ${op} ${literal(threshold.in(unit))}`;
}

/** A number as a PromQL literal. */
export function literal(value: number): string {
  return String(value);
}

/** What the PromQL parser found in an expression. */
export interface PromQLAnalysis {
  /** Why the expression does not parse, or undefined when it does. */
  readonly syntaxError?: string;
  /** Every metric name the expression selects, by name or by an exact `__name__` matcher. */
  readonly metricNames: readonly string[];
}

/** Parses `expr` with Prometheus' own PromQL grammar (syntax only; promtool judges the rest). */
export function analysePromQL(expr: string): PromQLAnalysis {
  if (expr.trim() === '') return { syntaxError: 'it is empty', metricNames: [] };
  const tree = parser.parse(expr);
  let errorAt: number | undefined;
  const names = new Set<string>();
  let inSelector = 0;
  let matcherLabel: string | undefined;
  let matcherOp: string | undefined;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError && errorAt === undefined) errorAt = node.from;
      switch (node.name) {
        case 'VectorSelector':
          inSelector++;
          break;
        case 'Identifier':
          if (inSelector > 0) names.add(expr.slice(node.from, node.to));
          break;
        case 'LabelName':
          matcherLabel = expr.slice(node.from, node.to);
          break;
        case 'MatchOp':
          matcherOp = expr.slice(node.from, node.to);
          break;
        case 'StringLiteral':
          if (inSelector > 0 && matcherLabel === '__name__' && matcherOp === '=') {
            names.add(unquote(expr.slice(node.from, node.to)));
          }
          break;
      }
    },
    leave: (node) => {
      if (node.name === 'VectorSelector') inSelector--;
      if (node.name === 'UnquotedLabelMatcher' || node.name === 'QuotedLabelMatcher') {
        matcherLabel = undefined;
        matcherOp = undefined;
      }
    },
  });
  if (errorAt !== undefined) {
    return { syntaxError: `unexpected input at character ${errorAt + 1}`, metricNames: [...names] };
  }
  return { metricNames: [...names].sort() };
}

function unquote(literalText: string): string {
  const body = literalText.slice(1, -1);
  return literalText.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}
