import type { Affinity, LabelSelector, PodSpec } from 'cdk8s-plus-27/lib/imports/k8s';
import { dnsSubdomainProblem } from '../core';

/** A taint a pod tolerates, as the pod spec has it; `operator` and `effect` are the API's closed sets. */
export interface Toleration {
  /** The taint's key. @default - every key (only with operator 'Exists') */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Exists' | 'Equal';
  /** The taint's value, with operator 'Equal'. @default '' */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** How long a NoExecute taint is tolerated before eviction. @default - forever */
  readonly tolerationSeconds?: number;
}

/** How pods spread over a topology (zones, nodes), as the pod spec has it. */
export interface TopologySpreadConstraint {
  /** The node label whose values are the domains (`topology.kubernetes.io/zone`). */
  readonly topologyKey: string;
  /** The most the pod counts of two domains may differ by; at least 1. */
  readonly maxSkew: number;
  /** @default 'ScheduleAnyway' - a preference, so a lost zone never leaves pods pending */
  readonly whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway';
  /** @default - the component's own pods (its selector labels) */
  readonly labelSelector?: LabelSelector;
}

/**
 * Where a component's pods may run, shared by every component's props: the scheduling fields of
 * the pod spec, typed, checked as the API server checks them.
 */
export interface PodPlacement {
  /** Node labels a node must carry. @default - any node (the hardware exporter: edge devices only) */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate. @default - none (the hardware exporter: the edge-device taint) */
  readonly tolerations?: readonly Toleration[];
  /**
   * Node and pod (anti-)affinity. Replaces the component's default.
   * @default - replicas prefer different nodes (spreadOverNodes); none for single pods and DaemonSets
   */
  readonly affinity?: Affinity;
  /** @default - none */
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  /** A PriorityClass the cluster defines, so monitoring is evicted last. @default - the cluster's default priority */
  readonly priorityClassName?: string;
}

const OPERATORS = ['Exists', 'Equal'];
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'];
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/**
 * The pod spec's scheduling fields for `placement`, checked; `defaults` fill what it leaves unset.
 * `owner` names the component in messages (`prometheus 'prometheus'`).
 */
export function placementSpec(
  owner: string,
  placement: PodPlacement,
  selector: Readonly<Record<string, string>>,
  defaults: PodPlacement = {},
): Pick<PodSpec, 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'priorityClassName'> {
  const fail = (message: string): never => {
    throw new Error(`${owner}: ${message}`);
  };
  // Node selector values are label values: the synth checks them in every object (checkLabelValues).
  const nodeSelector = placement.nodeSelector ?? defaults.nodeSelector;
  const tolerations = placement.tolerations ?? defaults.tolerations;
  (tolerations ?? []).forEach((t, i) => {
    const at = `'tolerations[${i}]`;
    if (t.operator !== undefined && !OPERATORS.includes(t.operator))
      fail(`${at}.operator' must be one of ${list(OPERATORS)}, got '${t.operator}'`);
    if (t.effect !== undefined && !EFFECTS.includes(t.effect))
      fail(`${at}.effect' must be one of ${list(EFFECTS)}, got '${t.effect}'`);
    if (t.operator === 'Exists' && t.value) fail(`${at}.value' must be empty with operator 'Exists', got '${t.value}'`);
    if (!t.key && t.operator !== 'Exists') fail(`${at}.key' may be empty only with operator 'Exists'`);
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute')
      fail(`${at}.tolerationSeconds' applies to effect 'NoExecute' only, got effect '${t.effect ?? '(every)'}'`);
  });
  const spread = placement.topologySpreadConstraints ?? defaults.topologySpreadConstraints;
  (spread ?? []).forEach((c, i) => {
    const at = `'topologySpreadConstraints[${i}]`;
    if (!Number.isInteger(c.maxSkew) || c.maxSkew < 1)
      fail(`${at}.maxSkew' must be a whole number of at least 1, got ${c.maxSkew}`);
    if (c.whenUnsatisfiable !== undefined && !UNSATISFIABLE.includes(c.whenUnsatisfiable))
      fail(`${at}.whenUnsatisfiable' must be one of ${list(UNSATISFIABLE)}, got '${c.whenUnsatisfiable}'`);
    if (!c.topologyKey) fail(`${at}.topologyKey' must name a node label, got '${c.topologyKey}'`);
  });
  const priorityClassName = placement.priorityClassName ?? defaults.priorityClassName;
  if (priorityClassName !== undefined) {
    const problem = dnsSubdomainProblem(priorityClassName);
    if (problem) fail(`'priorityClassName' '${priorityClassName}' ${problem}`);
  }
  const affinity = placement.affinity ?? defaults.affinity;
  return {
    ...(nodeSelector ? { nodeSelector: { ...nodeSelector } } : {}),
    ...(tolerations ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
    ...(affinity ? { affinity } : {}),
    ...(spread?.length
      ? {
          topologySpreadConstraints: spread.map((c) => ({
            topologyKey: c.topologyKey,
            maxSkew: c.maxSkew,
            whenUnsatisfiable: c.whenUnsatisfiable ?? 'ScheduleAnyway',
            labelSelector: c.labelSelector ?? { matchLabels: { ...selector } },
          })),
        }
      : {}),
    ...(priorityClassName ? { priorityClassName } : {}),
  };
}
