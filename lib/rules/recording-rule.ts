import type { Duration } from '../core';
import {
  analysePromQL,
  DEFAULT_CATALOGUE,
  labelNameProblem,
  METRIC_NAME,
  type Metric,
  type MetricCatalogue,
} from '../core';
import type { RuleTestCase, RuleTests } from './rule-test';

export interface RecordingRuleProps {
  /** The metric the rule writes, with its type, unit and help, so alerts and dashboards can use it like any catalogue metric. */
  readonly metric: Metric;
  /** PromQL; every metric it selects must be in `catalogue`. */
  readonly expr: string;
  /** Labels added to every recorded series. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Metrics `expr` may select. @default DEFAULT_CATALOGUE */
  readonly catalogue?: MetricCatalogue;
  /** promtool tests proving what the rule records. @default - none */
  readonly tests?: RuleTests;
}

/** A recording rule as an immutable value, checked when it is made. */
export class RecordingRule {
  public readonly metric: Metric;
  public readonly expr: string;
  public readonly labels: Readonly<Record<string, string>>;
  private readonly tests?: RuleTests;

  public constructor(props: RecordingRuleProps) {
    const name = props.metric.name;
    const fail = (message: string): never => {
      throw new Error(`recording rule '${name}': ${message}`);
    };
    if (!METRIC_NAME.test(name)) fail(`'record' must be a valid metric name (${METRIC_NAME.source})`);
    const analysis = analysePromQL(props.expr);
    if (analysis.syntaxError !== undefined) fail(`'expr' is not valid PromQL (${analysis.syntaxError}): ${props.expr}`);
    const catalogue = props.catalogue ?? DEFAULT_CATALOGUE;
    for (const metricName of analysis.metricNames) {
      if (!catalogue.has(metricName)) {
        fail(
          `'expr' selects metric '${metricName}', which is not in the metric catalogue (known: ${catalogue.names.join(', ')})`,
        );
      }
    }
    const labels = props.labels ?? {};
    for (const key of Object.keys(labels)) {
      const problem = labelNameProblem(key);
      if (problem) fail(`label name '${key}' ${problem}`);
    }
    this.metric = props.metric;
    this.expr = props.expr;
    this.labels = Object.freeze({ ...labels });
    this.tests = props.tests;
  }

  /** The recorded metric's name (`record:` in the rule file). */
  public get name(): string {
    return this.metric.name;
  }

  public testCases(evaluationInterval: Duration): readonly RuleTestCase[] {
    return this.tests ? this.tests(evaluationInterval) : [];
  }
}
