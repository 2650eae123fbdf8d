import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { dnsSubdomainProblem, toYaml } from '../core';
import { checkedConfigMap, contentHash, KUBECTL_APPLY_ANNOTATION_LIMIT } from '../k8s';
import type { RuleGroup } from '../rules';

export interface PrometheusRulesProps {
  /** The rule groups; alert names must be unique across all of them. */
  readonly groups: readonly RuleGroup[];
  /** Name of the ConfigMap. @default 'prometheus-rules' */
  readonly name?: string;
  /** Labels of the ConfigMap. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The rendered rule files, one key per group (`<group>.rules.yaml`), ready to be mounted where
 * Prometheus' `rule_files` glob reads them. They fill one ConfigMap, and more (`<name>-2`, ...)
 * when they would not fit through `kubectl apply` in one: hundreds of rules still apply.
 */
export class PrometheusRules extends Construct {
  /** The first ConfigMap. */
  public readonly configMap: ApiObject;
  /** Every ConfigMap, in order; one unless the rules outgrow it. */
  public readonly configMaps: readonly ApiObject[];
  /** Their names. */
  public readonly configMapNames: readonly string[];
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
    checkRuleGroupNames(`PrometheusRules '${this.name}'`, props.groups);

    const files: Record<string, string> = {};
    for (const group of props.groups) files[group.fileName] = renderRuleFile(group);
    const shards = packIntoShards(files);

    this.groups = [...props.groups];
    this.files = files;
    this.hash = contentHash(files);
    this.configMapNames = shards.map((_, i) => (i === 0 ? this.name : `${this.name}-${i + 1}`));
    this.configMaps = shards.map((data, i) =>
      checkedConfigMap(this, i === 0 ? 'ConfigMap' : `ConfigMap${i + 1}`, {
        name: this.configMapNames[i],
        labels: props.labels,
        data,
      }),
    );
    this.configMap = this.configMaps[0];
  }
}

/** Fails on a group name given twice, or an alert name given in two groups; `owner` names the rules' object. */
export function checkRuleGroupNames(owner: string, groups: readonly RuleGroup[]): void {
  const groupNames = new Map<string, RuleGroup>();
  const alertGroup = new Map<string, RuleGroup>();
  for (const group of groups) {
    const sameName = groupNames.get(group.name);
    if (sameName) {
      throw new Error(
        `${fromFile(group, sameName)}${owner}: rule group '${group.name}' is defined twice${definedIn(sameName, group)}; group names must be unique`,
      );
    }
    groupNames.set(group.name, group);
    for (const rule of group.rules) {
      const other = alertGroup.get(rule.name);
      if (other !== undefined) {
        throw new Error(
          `${fromFile(group, other)}alert '${rule.name}': defined in rule groups ${groupLabel(other, group)} and ${groupLabel(group, other)}; alert names must be unique across the stack`,
        );
      }
      alertGroup.set(rule.name, group);
    }
  }
}

/** `rule file '<file>': ` for a clash involving a group read from a file (the later one first). */
function fromFile(group: RuleGroup, other: RuleGroup): string {
  const source = group.source ?? other.source;
  return source === undefined ? '' : `rule file '${source}': `;
}

/** ` (in <where> and <where>)` when either group was read from a file. */
function definedIn(first: RuleGroup, second: RuleGroup): string {
  if (first.source === undefined && second.source === undefined) return '';
  return ` (${where(first)} and ${where(second)})`;
}

/** `'<group>'`, and where it is defined when the clash involves a group read from a file. */
function groupLabel(group: RuleGroup, other: RuleGroup): string {
  return group.source === undefined && other.source === undefined
    ? `'${group.name}'`
    : `'${group.name}' (${where(group)})`;
}

function where(group: RuleGroup): string {
  return group.source === undefined ? 'in code' : `in '${group.source}'`;
}

/** The files packed, in order, into as few ConfigMaps as fit, keeping room for each object's own metadata. */
function packIntoShards(files: Readonly<Record<string, string>>): Record<string, string>[] {
  const budget = KUBECTL_APPLY_ANNOTATION_LIMIT - METADATA_ALLOWANCE;
  const shards: Record<string, string>[] = [{}];
  let used = 0;
  for (const [file, content] of Object.entries(files)) {
    const size = Buffer.byteLength(file) + Buffer.byteLength(content);
    if (size > budget) {
      const group = file.replace(/\.rules\.yaml$/, '');
      throw new Error(
        `rule group '${group}': its rule file is ${size} bytes, over the ${budget} bytes one ConfigMap can pass through 'kubectl apply'; split it into smaller groups`,
      );
    }
    if (used + size > budget) {
      shards.push({});
      used = 0;
    }
    shards[shards.length - 1][file] = content;
    used += size;
  }
  return shards;
}

/** Bytes kept free in each ConfigMap for its name, labels and the annotation's own JSON. */
const METADATA_ALLOWANCE = 4096;

/** A rule group as the YAML file Prometheus reads. Long expressions are never folded. */
export function renderRuleFile(group: RuleGroup): string {
  return toYaml(group.toPrometheus());
}
