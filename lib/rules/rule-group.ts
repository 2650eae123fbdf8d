import type { Duration } from '../core';
import { dnsLabelProblem } from '../core';
import { AlertRule } from './alert-rule';
import type { RecordingRule } from './recording-rule';
import { type RuleTestCase, seriesText } from './rule-test';

export interface RuleGroupProps {
  /** The group's name; also the rule file's name, so an RFC 1123 label. */
  readonly name: string;
  /** How often Prometheus evaluates the group. Every non-zero `for` must be at least this long. */
  readonly interval: Duration;
  readonly rules: readonly AlertRule[];
  /** Recording rules, evaluated before the alerts of the group. @default - none */
  readonly records?: readonly RecordingRule[];
  /**
   * The runbook document; each alert links to `<runbookBaseUrl>#<its runbook anchor>`.
   * @default - no `runbook_url` annotation
   */
  readonly runbookBaseUrl?: string;
  /** The file the group was read from, named first in errors about it. @default - defined in code */
  readonly source?: string;
}

/** A Prometheus rule group: recording and alert rules evaluated together, checked as a whole. */
export class RuleGroup {
  public readonly name: string;
  public readonly interval: Duration;
  public readonly rules: readonly AlertRule[];
  public readonly records: readonly RecordingRule[];
  public readonly runbookBaseUrl?: string;
  /** The file the group was read from, when it was read from one. */
  public readonly source?: string;

  public constructor(props: RuleGroupProps) {
    const nameProblem = dnsLabelProblem(props.name);
    if (nameProblem) throw new Error(`rule group '${props.name}': 'name' ${nameProblem}`);
    if (!props.interval.isValid() || props.interval.isZero()) {
      throw new Error(
        `rule group '${props.name}': 'interval' must be a positive whole number of milliseconds, got ${props.interval}`,
      );
    }
    if (props.runbookBaseUrl !== undefined && !/^https?:\/\/[^\s#]+$/.test(props.runbookBaseUrl)) {
      throw new Error(
        `rule group '${props.name}': 'runbookBaseUrl' must be an http(s) URL without a fragment, got '${props.runbookBaseUrl}'`,
      );
    }
    const seen = new Set<string>();
    for (const rule of props.rules) {
      if (seen.has(rule.name)) {
        throw new Error(
          `rule group '${props.name}': alert '${rule.name}' is defined twice; alert names must be unique`,
        );
      }
      seen.add(rule.name);
      if (!rule.for.isZero() && rule.for.compareTo(props.interval) < 0) {
        throw new Error(
          `alert '${rule.name}': 'for' must be 0s or at least the evaluation interval (${props.interval}), got ${rule.for}`,
        );
      }
      if (!rule.keepFiringFor.isZero() && rule.keepFiringFor.compareTo(props.interval) < 0) {
        throw new Error(
          `alert '${rule.name}': 'keepFiringFor' must be 0s or at least the evaluation interval (${props.interval}), got ${rule.keepFiringFor}`,
        );
      }
    }
    this.name = props.name;
    this.interval = props.interval;
    const recorded = new Set<string>();
    for (const record of props.records ?? []) {
      if (recorded.has(record.name)) {
        throw new Error(
          `rule group '${props.name}': recording rule '${record.name}' is defined twice; combine the sources with 'or' in one rule`,
        );
      }
      recorded.add(record.name);
    }
    this.rules = [...props.rules];
    this.records = [...(props.records ?? [])];
    this.runbookBaseUrl = props.runbookBaseUrl;
    this.source = props.source;
  }

  /** The name of the file this group is rendered into. */
  public get fileName(): string {
    return `${this.name}.rules.yaml`;
  }

  public annotationsOf(rule: AlertRule): Record<string, string> {
    return {
      summary: rule.summary.toGoTemplate(),
      description: rule.description.toGoTemplate(),
      ...(this.runbookBaseUrl !== undefined ? { runbook_url: `${this.runbookBaseUrl}#${rule.runbook}` } : {}),
    };
  }

  /** The rule file's content, as Prometheus' `rule_files` read it. */
  public toPrometheus(): { groups: object[] } {
    return {
      groups: [
        {
          name: this.name,
          interval: this.interval.toPrometheus(),
          rules: [
            ...this.records.map((record) => ({
              record: record.name,
              expr: record.expr,
              ...(Object.keys(record.labels).length > 0 ? { labels: { ...record.labels } } : {}),
            })),
            ...this.rules.map((rule) => ({
              alert: rule.name,
              expr: rule.expr,
              ...(rule.for.isZero() ? {} : { for: rule.for.toPrometheus() }),
              ...(rule.keepFiringFor.isZero() ? {} : { keep_firing_for: rule.keepFiringFor.toPrometheus() }),
              labels: rule.ruleLabels,
              annotations: this.annotationsOf(rule),
            })),
          ],
        },
      ],
    };
  }

  /** A `promtool test rules` file exercising every rule's generated test cases against `ruleFile`. */
  public promtoolTests(ruleFile: string): object {
    const tests = [
      ...this.records.flatMap((record) =>
        record.testCases(this.interval).map((testCase) => this.renderTest(record, testCase)),
      ),
      ...this.rules.flatMap((rule) => rule.testCases(this.interval).map((testCase) => this.renderTest(rule, testCase))),
    ];
    return { rule_files: [ruleFile], evaluation_interval: this.interval.toPrometheus(), tests };
  }

  private renderTest(rule: AlertRule | RecordingRule, testCase: RuleTestCase): object {
    const exprTests = (testCase.exprChecks ?? []).map((check) => ({
      expr: check.expr,
      eval_time: check.at.toPrometheus(),
      exp_samples: check.samples.map((sample) => {
        const { __name__: name = '', ...labels } = sample.labels;
        return { labels: seriesText(name, labels), value: sample.value };
      }),
    }));
    return {
      name: `${rule.name}: ${testCase.name}`,
      interval: testCase.interval.toPrometheus(),
      input_series: testCase.input.map((s) => ({ series: s.series, values: s.values })),
      ...(exprTests.length > 0 ? { promql_expr_test: exprTests } : {}),
      ...(rule instanceof AlertRule && testCase.checks
        ? { alert_rule_test: this.renderAlertChecks(rule, testCase) }
        : {}),
    };
  }

  private renderAlertChecks(rule: AlertRule, testCase: RuleTestCase): object[] {
    return (testCase.checks ?? []).map((check) => ({
      eval_time: check.at.toPrometheus(),
      alertname: rule.name,
      exp_alerts: check.firing.map((alert) => {
        const labels = { ...alert.labels, ...rule.ruleLabels };
        const annotations = this.annotationsOf(rule);
        return {
          exp_labels: labels,
          exp_annotations: {
            ...annotations,
            summary: alert.texts?.summary ?? rule.summary.render(labels, alert.value),
            description: alert.texts?.description ?? rule.description.render(labels, alert.value),
          },
        };
      }),
    }));
  }
}
