import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRule } from './alert-rule';
import { Duration } from './duration';
import { recommendedLabels } from './labels';
import { PrometheusRules } from './prometheus-rules';
import { RuleGroup } from './rule-group';
import { StackNamespace } from './stack-namespace';

/** Alert rules evaluated together, rendered into one rule file. */
export interface AlertGroupConfig {
  /** The group's name and rule file name (an RFC 1123 label). */
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The one typed configuration of a monitoring stack. */
export interface StackConfig {
  /** This stack instance's name, as `app.kubernetes.io/instance`. @default 'liquid-audio-nets' */
  readonly instance?: string;
  /** Namespace of the stack's components. @default 'monitoring' */
  readonly namespace?: string;
  /**
   * How often alert rules are evaluated; a rule's non-zero `for` must be at least this long.
   * @default Duration.seconds(30) - two evaluations a minute, cheap on a small fleet, and
   * alerts fire within 30 s of their `for` running out
   */
  readonly evaluationInterval?: Duration;
  /** The runbook document every alert links to, with an anchor per alert. */
  readonly runbookBaseUrl: string;
  /** The alert rules, by group. */
  readonly alertGroups: readonly AlertGroupConfig[];
}

/** The whole monitoring stack: one chart (one file in dist/) per component, in apply order. */
export class MonitoringStack extends Construct {
  public readonly instance: string;
  public readonly namespace: string;
  public readonly evaluationInterval: Duration;
  public readonly ruleGroups: readonly RuleGroup[];
  public readonly rules: PrometheusRules;

  public constructor(scope: Construct, id: string, config: StackConfig) {
    super(scope, id);
    this.instance = config.instance ?? 'liquid-audio-nets';
    this.namespace = config.namespace ?? 'monitoring';
    this.evaluationInterval = config.evaluationInterval ?? Duration.seconds(30);
    this.ruleGroups = config.alertGroups.map(
      (group) =>
        new RuleGroup({
          name: group.name,
          rules: group.rules,
          interval: this.evaluationInterval,
          runbookBaseUrl: config.runbookBaseUrl,
        }),
    );

    const namespaceChart = new Chart(scope, 'namespace', {
      labels: recommendedLabels({ name: 'liquid-audio-nets-monitoring', component: 'namespace', instance: this.instance }),
    });
    new StackNamespace(namespaceChart, 'Namespace', { name: this.namespace });

    const rulesChart = new Chart(scope, 'prometheus-rules', { namespace: this.namespace });
    rulesChart.addDependency(namespaceChart);
    this.rules = new PrometheusRules(rulesChart, 'Rules', {
      groups: this.ruleGroups,
      labels: recommendedLabels({ name: 'prometheus', component: 'alert-rules', instance: this.instance }),
    });
  }
}
