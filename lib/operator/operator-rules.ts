import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkRuleGroupNames } from '../prometheus';
import type { RuleGroup } from '../rules';
import {
  PrometheusRule,
  type PrometheusRuleSpecGroups,
  PrometheusRuleSpecGroupsRulesExpr,
} from './imports/monitoring.coreos.com';

export interface OperatorRulesProps {
  /** The rule groups: the same objects the standalone Prometheus reads as files. */
  readonly groups: readonly RuleGroup[];
  /** Prefix of the PrometheusRule names, one per group (`<prefix>-<group>`). */
  readonly namePrefix: string;
  /** Labels of every PrometheusRule: the recommended ones and those the operator's Prometheus selects by. */
  readonly labels: Readonly<Record<string, string>>;
}

/** One field of a rule as Prometheus' rule file names it. */
interface RenderedRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/**
 * The rule groups as PrometheusRule objects, one per group: each holds exactly the group the
 * standalone rule file holds (the same `toPrometheus()`), so the generated promtool tests judge
 * both modes. Names are checked as in standalone mode (unique alerts across the stack).
 */
export class OperatorRules extends Construct {
  public readonly objects: readonly ApiObject[];

  public constructor(scope: Construct, id: string, props: OperatorRulesProps) {
    super(scope, id);
    checkRuleGroupNames(`PrometheusRules '${props.namePrefix}-*'`, props.groups);
    this.objects = props.groups.map(
      (group) =>
        new PrometheusRule(this, group.name, {
          metadata: { name: `${props.namePrefix}-${group.name}`, labels: { ...props.labels } },
          spec: { groups: group.toPrometheus().groups.map((g) => operatorGroup(g as RenderedGroup)) },
        }),
    );
  }
}

interface RenderedGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly RenderedRule[];
}

/** A rendered group in the CRD's field names (`keep_firing_for` becomes `keepFiringFor`). */
function operatorGroup(g: RenderedGroup): PrometheusRuleSpecGroups {
  return {
    name: g.name,
    ...(g.interval ? { interval: g.interval } : {}),
    rules: g.rules.map((r) => ({
      ...(r.alert !== undefined ? { alert: r.alert } : {}),
      ...(r.record !== undefined ? { record: r.record } : {}),
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
      ...(r.for !== undefined ? { for: r.for } : {}),
      ...(r.keep_firing_for !== undefined ? { keepFiringFor: r.keep_firing_for } : {}),
      ...(r.labels ? { labels: r.labels } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    })),
  };
}
