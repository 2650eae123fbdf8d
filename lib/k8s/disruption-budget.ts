import type { ApiObject } from 'cdk8s';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import type { Construct } from 'constructs';

export interface DisruptionBudgetProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels selecting the pods it protects. */
  readonly selector: Readonly<Record<string, string>>;
  /** @default 1 - a drain evicts one pod at a time */
  readonly maxUnavailable?: number;
}

/** A PodDisruptionBudget: voluntary evictions (node drains) take down one replica at a time. */
export function disruptionBudget(scope: Construct, id: string, props: DisruptionBudgetProps): ApiObject {
  return new KubePodDisruptionBudget(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      maxUnavailable: IntOrString.fromNumber(props.maxUnavailable ?? 1),
      selector: { matchLabels: { ...props.selector } },
    },
  });
}
