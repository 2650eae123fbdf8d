import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap } from 'cdk8s-plus-27/lib/imports/k8s';
import { toYaml } from './yaml';
import { contentHash } from './content-hash';
import { checkConfigMapSize } from './manifest-limits';
import { dnsSubdomainProblem } from './names';
import { RuleGroup } from './rule-group';

export interface PrometheusRulesProps {
  /** The rule groups; alert names must be unique across all of them. */
  readonly groups: readonly RuleGroup[];
  /** Name of the ConfigMap. @default 'prometheus-rules' */
  readonly name?: string;
  /** Labels of the ConfigMap. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The rendered rule files in one ConfigMap, one key per group (`<group>.rules.yaml`), ready to be
 * mounted where Prometheus' `rule_files` glob reads them.
 */
export class PrometheusRules extends Construct {
  public readonly configMap: ApiObject;
  public readonly name: string;
  /** File name to rule-file content, as mounted. */
  public readonly files: Readonly<Record<string, string>>;
  /** Hash of the files: put on a pod template, it rolls the pods out when a rule changes. */
  public readonly hash: string;
  public readonly groups: readonly RuleGroup[];

  public constructor(scope: Construct, id: string, props: PrometheusRulesProps) {
    super(scope, id);
    this.name = props.name ?? 'prometheus-rules';
    const nameProblem = dnsSubdomainProblem(this.name);
    if (nameProblem) throw new Error(`PrometheusRules '${this.name}': 'name' ${nameProblem}`);

    const groupNames = new Set<string>();
    const alertGroup = new Map<string, string>();
    for (const group of props.groups) {
      if (groupNames.has(group.name)) {
        throw new Error(`PrometheusRules '${this.name}': rule group '${group.name}' is defined twice; group names must be unique`);
      }
      groupNames.add(group.name);
      for (const rule of group.rules) {
        const other = alertGroup.get(rule.name);
        if (other !== undefined) {
          throw new Error(`alert '${rule.name}': defined in rule groups '${other}' and '${group.name}'; alert names must be unique across the stack`);
        }
        alertGroup.set(rule.name, group.name);
      }
    }

    const files: Record<string, string> = {};
    for (const group of props.groups) files[group.fileName] = renderRuleFile(group);
    checkConfigMapSize(this.name, files);

    this.groups = [...props.groups];
    this.files = files;
    this.hash = contentHash(files);
    this.configMap = new KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: this.name, labels: { ...props.labels } },
      data: files,
    });
  }
}

/** A rule group as the YAML file Prometheus reads. Long expressions are never folded. */
export function renderRuleFile(group: RuleGroup): string {
  return toYaml(group.toPrometheus());
}
