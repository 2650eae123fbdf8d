import type { Duration } from '../core';

/**
 * promtool unit tests as values. Alert factories produce them from the same typed thresholds as
 * the rules; `RuleGroup.promtoolTests()` renders them into a file `promtool test rules` runs.
 */

/** One input series in promtool's notation: `values` like `25.025x20` or `1x10 stale`. */
export interface SeriesInput {
  /** `metric{label="value",...}`. */
  readonly series: string;
  readonly values: string;
}

/** An alert expected to be firing: its labels (without alertname) and the value its texts show. */
export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /**
   * The texts Prometheus renders, for a text written as a raw template (`AlertText.template`),
   * whose rendering depends on what its queries return. @default - rendered from the typed texts
   */
  readonly texts?: { readonly summary?: string; readonly description?: string };
}

/** At `at` after the start, exactly `firing` are firing (none when empty). */
export interface AlertCheck {
  readonly at: Duration;
  readonly firing: readonly ExpectedAlert[];
}

/** A sample an expression is expected to return: its labels (with `__name__` for a recorded metric) and value. */
export interface ExpectedSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** At `at`, `expr` returns exactly `samples`. */
export interface ExprCheck {
  readonly at: Duration;
  readonly expr: string;
  readonly samples: readonly ExpectedSample[];
}

export interface RuleTestCase {
  /** What the case shows, e.g. `just past the 25 ms threshold fires after 5m`. */
  readonly name: string;
  /** Spacing of the input samples. */
  readonly interval: Duration;
  readonly input: readonly SeriesInput[];
  /** Alerts of the rule under test expected at given times. @default - none */
  readonly checks?: readonly AlertCheck[];
  /** Expressions (recorded metrics) expected to return given samples. @default - none */
  readonly exprChecks?: readonly ExprCheck[];
}

/** Builds an alert's test cases once the evaluation interval of its group is known. */
export type RuleTests = (evaluationInterval: Duration) => readonly RuleTestCase[];

/** `name{a="1",b="2"}` with labels sorted, as promtool's series notation reads it; `{a="1"}` without a name. */
export function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key])}`)
    .join(', ');
  return `${name}{${body}}`;
}

/** A constant sample repeated so the series covers `span` at `interval` spacing. */
export function constantFor(value: number, span: Duration, interval: Duration): string {
  return `${value}x${Math.ceil(span.milliseconds / interval.milliseconds)}`;
}
