import { Duration } from './duration';

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
}

/** At `at` after the start, exactly `firing` are firing (none when empty). */
export interface AlertCheck {
  readonly at: Duration;
  readonly firing: readonly ExpectedAlert[];
}

export interface RuleTestCase {
  /** What the case shows, e.g. `just past the 25 ms threshold fires after 5m`. */
  readonly name: string;
  /** Spacing of the input samples. */
  readonly interval: Duration;
  readonly input: readonly SeriesInput[];
  readonly checks: readonly AlertCheck[];
}

/** Builds an alert's test cases once the evaluation interval of its group is known. */
export type RuleTests = (evaluationInterval: Duration) => readonly RuleTestCase[];

/** `name{a="1",b="2"}` with labels sorted, as promtool's series notation reads it. */
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
