import {
  ALERT_NAME,
  analysePromQL,
  type Comparison,
  compareValue,
  DEFAULT_CATALOGUE,
  type Dimension,
  Duration,
  labelNameProblem,
  type Matchers,
  type Metric,
  type MetricCatalogue,
  type Quantity,
  type Smoothing,
  smoothed,
  smoothingProblem,
  type Unit,
  Units,
} from '../core';
import { type AlertText, goTemplateProblem } from './alert-text';
import { constantFor, type RuleTestCase, type RuleTests, seriesText } from './rule-test';

/** How urgently an alert needs a human. A closed set: routing in Alertmanager relies on it. */
export type Severity = 'critical' | 'warning' | 'info' | 'none';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'none'];

/** Labels an alert's own `labels` may not set: Prometheus or this library sets them. */
const RESERVED_LABELS = new Set(['alertname', 'severity']);

export interface AlertRuleProps {
  /** The alert's name, as routes, silences and dashboards refer to it. */
  readonly name: string;
  /** PromQL; every metric it selects must be in `catalogue`. */
  readonly expr: string;
  /** How long `expr` must keep matching before the alert fires. @default Duration.ZERO - fires on the first matching evaluation */
  readonly for?: Duration;
  /**
   * How long the alert keeps firing after `expr` stopped matching (Prometheus' `keep_firing_for`):
   * hysteresis in time, so a metric hovering at its threshold raises one episode, not one an hour.
   * @default Duration.ZERO - resolves on the first evaluation where `expr` no longer matches
   */
  readonly keepFiringFor?: Duration;
  readonly severity: Severity;
  /** One line for the notification title. */
  readonly summary: AlertText;
  /** What is wrong, with the value and its unit, and what it affects. */
  readonly description: AlertText;
  /** Anchor of the alert's section in the runbook document. @default - the alert name in lower case */
  readonly runbook?: string;
  /** Extra labels for routing. @default - none; only `severity` is set */
  readonly labels?: Readonly<Record<string, string>>;
  /** Metrics `expr` may select. @default DEFAULT_CATALOGUE - the service contract and `up` */
  readonly catalogue?: MetricCatalogue;
  /** promtool test cases proving the rule fires and stays quiet where it should. @default - none */
  readonly tests?: RuleTests;
}

/** An alerting rule as an immutable value, checked when it is made. */
export class AlertRule {
  public readonly name: string;
  public readonly expr: string;
  public readonly for: Duration;
  public readonly keepFiringFor: Duration;
  public readonly severity: Severity;
  public readonly summary: AlertText;
  public readonly description: AlertText;
  public readonly runbook: string;
  public readonly labels: Readonly<Record<string, string>>;
  private readonly tests?: RuleTests;

  public constructor(props: AlertRuleProps) {
    checkName(props.name);
    this.name = props.name;
    this.expr = props.expr;
    this.for = props.for ?? Duration.ZERO;
    this.keepFiringFor = props.keepFiringFor ?? Duration.ZERO;
    this.severity = props.severity;
    this.summary = props.summary;
    this.description = props.description;
    this.runbook = props.runbook ?? props.name.toLowerCase();
    this.labels = Object.freeze({ ...(props.labels ?? {}) });
    this.tests = props.tests;
    this.checkSeverityAndDurations();
    this.checkExpr(props.catalogue ?? DEFAULT_CATALOGUE);
    this.checkLabels();
    this.checkTexts();
    this.checkRunbook();
  }

  private fail(message: string): never {
    throw new Error(`alert '${this.name}': ${message}`);
  }

  private checkSeverityAndDurations(): void {
    if (!SEVERITIES.includes(this.severity)) {
      this.fail(`'severity' must be one of ${SEVERITIES.join(', ')}, got '${this.severity}'`);
    }
    if (!this.for.isValid()) this.fail(`'for' ${this.for.describeInvalid()}`);
    if (!this.keepFiringFor.isValid()) this.fail(`'keepFiringFor' ${this.keepFiringFor.describeInvalid()}`);
  }

  /** Valid PromQL selecting only metrics of `catalogue`. */
  private checkExpr(catalogue: MetricCatalogue): void {
    const analysis = analysePromQL(this.expr);
    if (analysis.syntaxError !== undefined) {
      this.fail(`'expr' is not valid PromQL (${analysis.syntaxError}): ${this.expr}`);
    }
    for (const metricName of analysis.metricNames) {
      if (!catalogue.has(metricName)) {
        this.fail(
          `'expr' selects metric '${metricName}', which is not in the metric catalogue (known: ${catalogue.names.join(', ')})`,
        );
      }
    }
  }

  private checkLabels(): void {
    for (const [key, val] of Object.entries(this.labels)) {
      const problem = labelNameProblem(key);
      if (problem) this.fail(`label name '${key}' ${problem}`);
      if (RESERVED_LABELS.has(key)) this.fail(`label '${key}' is set by the rule itself; use the 'severity' field`);
      if (val === '') this.fail(`label '${key}' must not be empty`);
    }
  }

  /** Summary and description: non-empty Go templates referring to valid label names. */
  private checkTexts(): void {
    for (const [field, text] of [
      ['summary', this.summary],
      ['description', this.description],
    ] as const) {
      if (text.toGoTemplate().trim() === '') this.fail(`'${field}' must not be empty`);
      const templateProblem = goTemplateProblem(text.toGoTemplate());
      if (templateProblem) this.fail(`'${field}' is not a valid Go template: ${templateProblem}`);
      for (const ref of text.labelNames) {
        const problem = labelNameProblem(ref);
        if (problem) this.fail(`'${field}' refers to label '${ref}', which ${problem}`);
      }
    }
  }

  private checkRunbook(): void {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(this.runbook)) {
      this.fail(`'runbook' must be an anchor of lower-case letters, digits and "-", got '${this.runbook}'`);
    }
  }

  /** The labels every firing instance of this alert carries on top of its series' labels. */
  public get ruleLabels(): Readonly<Record<string, string>> {
    return { ...this.labels, severity: this.severity };
  }

  /** The promtool test cases of this rule for a group evaluated every `evaluationInterval`. */
  public testCases(evaluationInterval: Duration): readonly RuleTestCase[] {
    return this.tests ? this.tests(evaluationInterval) : [];
  }

  /**
   * An alert on one metric crossing a typed threshold, e.g. latency above 25 ms for 5 minutes.
   * The threshold is converted into the metric's unit, and the rule's promtool tests are derived
   * from it: a series just past the threshold fires after `for`, one just inside never fires.
   */
  public static threshold<D extends Dimension>(props: ThresholdAlertProps<D>): ThresholdAlertRule<D> {
    const { metric, op, threshold } = props;
    checkThreshold(props.name, threshold);
    if (props.smoothing !== undefined) {
      const problem = smoothingProblem(props.smoothing);
      if (problem) throw new Error(`alert '${props.name}': 'smoothing' ${problem}`);
    }
    const limit = threshold.in(metric.unit);
    const forDuration = props.for;
    const series = props.series ?? {};
    const shape: TestShape = {
      smoothing: props.smoothing,
      keepFiringFor: props.keepFiringFor ?? Duration.ZERO,
      resolve: props.resolve?.in(metric.unit),
      resolveQuantity: props.resolve,
    };
    return new ThresholdAlertRule({
      ...props,
      value: smoothed(metric, props.matchers, props.smoothing),
      unit: metric.unit,
      tests: (interval) =>
        thresholdTests(metric, op, limit, forDuration, interval, { ...series, ...props.matchers }, threshold, shape),
    });
  }
}

/** Checked before anything else: every other failure names the alert. */
function checkName(name: string): void {
  if (typeof name !== 'string' || !ALERT_NAME.test(name)) {
    throw new Error(
      `alert '${name}': 'name' must match ${ALERT_NAME.source} (letters, digits and "_", not starting with a digit)`,
    );
  }
}

/** A threshold must be a finite amount, and not below zero except for a temperature. */
function checkThreshold(name: string, threshold: Quantity, field = 'threshold'): void {
  if (!threshold.isFinite() || (threshold.amount < 0 && threshold.dimension !== 'temperature')) {
    throw new Error(`alert '${name}': '${field}' must be a finite, non-negative amount, got ${threshold}`);
  }
  // A fraction (accuracy, battery, CPU share) cannot pass 100%: such a threshold never fires or always does.
  if (threshold.dimension === 'fraction' && threshold.amount * threshold.unit.factor > 1) {
    throw new Error(`alert '${name}': '${field}' must be at most 100% (it is a fraction), got ${threshold}`);
  }
}

/** A resolve level lies inside the fire level: below it for an alert firing above, above it for one firing below. */
function checkResolve<D extends Dimension>(
  name: string,
  op: Comparison,
  threshold: Quantity<D>,
  resolve: Quantity<D>,
  unit: Unit<D>,
): void {
  checkThreshold(name, resolve, 'resolve');
  const up = op === '>' || op === '>=';
  const [fire, back] = [threshold.in(unit), resolve.in(unit)];
  if (up ? !(back < fire) : !(back > fire)) {
    throw new Error(
      `alert '${name}': 'resolve' must be ${up ? 'below' : 'above'} 'threshold' (${threshold}) for an alert firing ${up ? 'above' : 'below'} it, got ${resolve}`,
    );
  }
}

/**
 * `ALERTS`, the series Prometheus writes for every pending and firing alert: a threshold alert
 * with a resolve level reads its own firing state from it, so the band holds only what already fired.
 */
export const ALERTS_METRIC: Metric<'count'> = Object.freeze({
  name: 'ALERTS',
  type: 'gauge',
  unit: Units.count,
  help: 'Alerts pending or firing, one series per alert, written by Prometheus at every rule evaluation.',
});

/**
 * `<value> > fire or (<value> >= resolve and <this alert already firing>)`: fires past the fire
 * level and, once firing, keeps firing until the value is past the resolve level. The `ALERTS`
 * series carries the rule's own labels, which the match ignores.
 */
export function bandExpr<D extends Dimension>(
  props: Pick<ThresholdAlertRuleProps<D>, 'name' | 'value' | 'unit' | 'op' | 'threshold' | 'labels'>,
  resolve: Quantity<D>,
): string {
  const up = props.op === '>' || props.op === '>=';
  const ignored = ['alertname', 'alertstate', 'severity', ...Object.keys(props.labels ?? {}).sort()];
  const firing = `${ALERTS_METRIC.name}{alertname=${JSON.stringify(props.name)},alertstate="firing"}`;
  return (
    `${compareValue(props.value, props.unit, props.op, props.threshold)} or ` +
    `(${compareValue(props.value, props.unit, up ? '>=' : '<=', resolve)} and ignoring (${ignored.join(', ')}) ${firing})`
  );
}

/** The severities a dashboard line is coloured by. */
export type LineSeverity = Extract<Severity, 'critical' | 'warning'>;

/** The alert a threshold line belongs to, named in the panel's description. */
export interface LineAlert {
  readonly name: string;
  /** How long the value stays past the line before the alert fires. */
  readonly for: Duration;
}

/** A threshold line on a dashboard panel: a threshold and the side of it that is bad. */
export interface ThresholdLine<D extends Dimension = Dimension> {
  readonly threshold: Quantity<D>;
  /** `above`: values over the line are bad (the alert fires above it); `below`: values under it are. */
  readonly bad: 'above' | 'below';
  readonly severity: LineSeverity;
  /** @default - no alert named in the panel's description */
  readonly alert?: LineAlert;
  /** Where a firing alert resolves, inside `threshold`; drawn as a second line. @default - no band, one line */
  readonly resolve?: Quantity<D>;
}

export interface ThresholdAlertRuleProps<D extends Dimension> extends Omit<AlertRuleProps, 'expr' | 'for'> {
  /** The PromQL whose value is compared: a metric's selector, a window of it, or an expression. */
  readonly value: string;
  /** The unit `value` is in; the threshold is rendered in it. */
  readonly unit: Unit<D>;
  /** `>` fires above the threshold, `<` below it. */
  readonly op: Comparison;
  readonly threshold: Quantity<D>;
  readonly for: Duration;
  /**
   * Hysteresis: once firing, the alert keeps firing until the value is past this level, inside
   * `threshold` (fire above 25 ms, resolve below 20 ms), so a value hovering at the threshold
   * raises one episode and a clear recovery resolves at the next evaluation.
   * @default - no band: the alert resolves on the first evaluation back inside `threshold`
   */
  readonly resolve?: Quantity<D>;
}

/**
 * An alert that fires while one value is past a typed threshold: `<value> > <threshold in unit>`.
 * It knows its threshold and side, so a dashboard draws its line with `line()` instead of
 * restating them (as aws-cdk's `alarm.toAnnotation()` does).
 */
export class ThresholdAlertRule<D extends Dimension = Dimension> extends AlertRule {
  /** The PromQL whose value is compared with the threshold. */
  public readonly value: string;
  /** The unit of `value`. */
  public readonly unit: Unit<D>;
  public readonly op: Comparison;
  public readonly threshold: Quantity<D>;
  /** Where the firing alert resolves, inside `threshold`. @default - no band */
  public readonly resolve?: Quantity<D>;

  public constructor(props: ThresholdAlertRuleProps<D>) {
    checkName(props.name);
    checkThreshold(props.name, props.threshold);
    if (props.resolve !== undefined) checkResolve(props.name, props.op, props.threshold, props.resolve, props.unit);
    const catalogue = props.catalogue ?? DEFAULT_CATALOGUE;
    super({
      ...props,
      expr:
        props.resolve === undefined
          ? compareValue(props.value, props.unit, props.op, props.threshold)
          : bandExpr(props, props.resolve),
      catalogue: catalogue.has(ALERTS_METRIC.name) ? catalogue : catalogue.with(ALERTS_METRIC),
    });
    this.value = props.value;
    this.unit = props.unit;
    this.op = props.op;
    this.threshold = props.threshold;
    this.resolve = props.resolve;
  }

  /** The side of the threshold the alert fires on. */
  public get bad(): 'above' | 'below' {
    return this.op === '>' || this.op === '>=' ? 'above' : 'below';
  }

  /** This alert's threshold line for a dashboard panel: its threshold, side, severity, name and `for`. */
  public line(): ThresholdLine<D> {
    const severity = this.severity;
    if (severity !== 'critical' && severity !== 'warning') {
      throw new Error(`alert '${this.name}': line() colours a line by severity critical or warning, got '${severity}'`);
    }
    return Object.freeze({
      threshold: this.threshold,
      bad: this.bad,
      severity,
      alert: Object.freeze({ name: this.name, for: this.for }),
      ...(this.resolve === undefined ? {} : { resolve: this.resolve }),
    });
  }
}

export interface ThresholdAlertProps<D extends Dimension> extends Omit<AlertRuleProps, 'expr' | 'tests' | 'for'> {
  readonly metric: Metric<D>;
  /** `>` fires above the threshold, `<` below it. */
  readonly op: Comparison;
  readonly threshold: Quantity<D>;
  readonly for: Duration;
  /**
   * Compare a window of the metric instead of its last sample (`avg_over_time(metric[5m]) > 25`):
   * noise shorter than the window no longer crosses the threshold, at the cost of up to a window
   * of extra detection delay. @default - the last sample is compared (`metric > 25`)
   */
  readonly smoothing?: Smoothing;
  /** Matchers narrowing the metric's series. @default - every series of the metric */
  readonly matchers?: Matchers;
  /** Labels of the series the generated tests feed in (a device's target labels). @default - none */
  readonly series?: Readonly<Record<string, string>>;
  /** Where a firing alert resolves, inside `threshold` (see ThresholdAlertRuleProps). @default - no band */
  readonly resolve?: Quantity<D>;
}

/**
 * How a threshold alert is shaped against noise: the two options of ThresholdAlertProps that
 * trade detection or resolution delay for quiet. `{}` is the bare comparison.
 */
export type AlertShaping = Pick<ThresholdAlertProps<Dimension>, 'smoothing' | 'keepFiringFor'>;

/** How far past or inside a threshold the generated tests go: 0.1% of it (0.001 for a zero threshold). */
function nudge(limit: number): number {
  return limit === 0 ? 1e-3 : Math.abs(limit) * 1e-3;
}

function thresholdTests(
  metric: Metric,
  op: Comparison,
  limit: number,
  forDuration: Duration,
  evaluationInterval: Duration,
  labels: Readonly<Record<string, string>>,
  threshold: Quantity,
  shape: TestShape,
): RuleTestCase[] {
  const up = op === '>' || op === '>=';
  const plan: ThresholdTestPlan = {
    metric,
    threshold,
    labels,
    limit,
    up,
    forDuration,
    evaluationInterval,
    sampleInterval: evaluationInterval,
    past: up ? limit + nudge(limit) : limit - nudge(limit),
    inside: up ? limit - nudge(limit) : limit + nudge(limit),
    span: forDuration.times(2).plus(evaluationInterval.times(4)),
    series: seriesText(metric.name, labels),
    firesAt: forDuration.plus(evaluationInterval),
  };
  const cases = [firesWhenPast(plan), quietWhenInside(plan)];
  if (shape.resolve !== undefined && shape.resolveQuantity !== undefined) {
    cases.push(...bandTests(plan, shape.resolve, shape.resolveQuantity, shape));
  }
  if (!shape.keepFiringFor.isZero()) cases.push(keepsFiringWhenBack(plan, shape));
  return cases;
}

/** What the generated test cases of one threshold alert share. */
interface ThresholdTestPlan {
  readonly metric: Metric;
  readonly threshold: Quantity;
  readonly labels: Readonly<Record<string, string>>;
  /** The threshold in the metric's unit. */
  readonly limit: number;
  /** Whether the alert fires above the threshold. */
  readonly up: boolean;
  readonly forDuration: Duration;
  readonly evaluationInterval: Duration;
  readonly sampleInterval: Duration;
  /** A value just past the threshold, and one just inside it. */
  readonly past: number;
  readonly inside: number;
  /** How long the series of a test case last. */
  readonly span: Duration;
  readonly series: string;
  /** When a series past the threshold from the start has fired. */
  readonly firesAt: Duration;
}

/** Just past the threshold: quiet until `for` has passed, then firing. */
function firesWhenPast(t: ThresholdTestPlan): RuleTestCase {
  const checks = [];
  if (!t.forDuration.isZero()) checks.push({ at: t.forDuration.minus(t.evaluationInterval), firing: [] });
  checks.push({ at: t.firesAt, firing: [{ labels: t.labels, value: t.past }] });
  return {
    name: `${t.metric.name} just past ${t.threshold} (${t.past}) fires after ${t.forDuration}`,
    interval: t.sampleInterval,
    input: [{ series: t.series, values: constantFor(t.past, t.span, t.sampleInterval) }],
    checks,
  };
}

/** Just inside the threshold: never firing. */
function quietWhenInside(t: ThresholdTestPlan): RuleTestCase {
  return {
    name: `${t.metric.name} just inside ${t.threshold} (${t.inside}) never fires`,
    interval: t.sampleInterval,
    input: [{ series: t.series, values: constantFor(t.inside, t.span, t.sampleInterval) }],
    checks: [
      { at: t.firesAt, firing: [] },
      { at: t.span, firing: [] },
    ],
  };
}

/**
 * Past the threshold until `span`, then far inside it: the expression stops matching at once
 * (or, for max/min over a window, once the window has passed), and the alert keeps firing
 * for keepFiringFor with the last value it had.
 */
function keepsFiringWhenBack(t: ThresholdTestPlan, shape: TestShape): RuleTestCase {
  const far = t.up ? 0 : t.limit * 2;
  const stops = t.span.plus(shape.smoothing?.window ?? Duration.ZERO);
  const after = stops.plus(shape.keepFiringFor).plus(t.evaluationInterval.times(4));
  const values = `${constantFor(t.past, t.span.minus(t.sampleInterval), t.sampleInterval)} ${constantFor(far, after.minus(t.span), t.sampleInterval)}`;
  return {
    name: `${t.metric.name} back inside ${t.threshold} keeps firing for ${shape.keepFiringFor}`,
    interval: t.sampleInterval,
    input: [{ series: t.series, values }],
    checks: [
      {
        at: t.span.plus(shape.keepFiringFor).minus(t.evaluationInterval),
        firing: [{ labels: t.labels, value: t.past }],
      },
      { at: after, firing: [] },
    ],
  };
}

/**
 * The band of an alert with a resolve level: fired past the threshold, then held just inside the
 * resolve level it keeps firing (with the value it has now); just past the resolve level it
 * resolves within an evaluation or two (after any keepFiringFor and smoothing window).
 */
function bandTests(t: ThresholdTestPlan, resolve: number, resolveQuantity: Quantity, shape: TestShape): RuleTestCase[] {
  // Rounded to 10 digits: 0.92092, not 0.9209200000000001, in the values and the case names.
  const round = (v: number) => Number(v.toPrecision(10));
  const inBand = round(t.up ? resolve + nudge(resolve) : resolve - nudge(resolve));
  const pastResolve = round(t.up ? resolve - nudge(resolve) : resolve + nudge(resolve));
  const hold = t.span;
  const firedThen = (v: number) =>
    `${constantFor(t.past, t.span.minus(t.sampleInterval), t.sampleInterval)} ${constantFor(v, hold, t.sampleInterval)}`;
  const settled = t.span.plus(shape.smoothing?.window ?? Duration.ZERO).plus(shape.keepFiringFor);
  return [
    {
      name: `${t.metric.name} fired, then inside the band just short of ${resolveQuantity} (${inBand}), keeps firing`,
      interval: t.sampleInterval,
      input: [{ series: t.series, values: firedThen(inBand) }],
      checks: [
        { at: t.firesAt, firing: [{ labels: t.labels, value: t.past }] },
        { at: t.span.plus(hold), firing: [{ labels: t.labels, value: inBand }] },
      ],
    },
    {
      name: `${t.metric.name} fired, then just past ${resolveQuantity} (${pastResolve}), resolves`,
      interval: t.sampleInterval,
      input: [{ series: t.series, values: firedThen(pastResolve) }],
      checks: [
        { at: t.firesAt, firing: [{ labels: t.labels, value: t.past }] },
        { at: settled.plus(t.evaluationInterval.times(2)), firing: [] },
      ],
    },
  ];
}

/** What the generated tests need to know of a threshold alert's shaping. */
interface TestShape {
  readonly smoothing?: Smoothing;
  readonly keepFiringFor: Duration;
  /** The resolve level in the metric's unit. @default - no band */
  readonly resolve?: number;
  readonly resolveQuantity?: Quantity;
}
