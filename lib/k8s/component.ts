import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';

/** The namespace of the chart `scope` is in; `owner` names the component in the error when there is none. */
export function chartNamespace(scope: Construct, owner: string): string {
  const namespace = Chart.of(scope).namespace;
  if (!namespace) throw new Error(`${owner}: must be in a chart with a namespace`);
  return namespace;
}

/** `replicas`, once checked to be a whole number of at least 1. */
export function checkReplicas(owner: string, replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new Error(`${owner}: 'replicas' must be a whole number of at least 1, got ${replicas}`);
  return replicas;
}

const NAME = 'app.kubernetes.io/name';
const INSTANCE = 'app.kubernetes.io/instance';

/**
 * The labels that select a component's pods, drawn from its recommendedLabels(): name and
 * instance only, not the version, which changes with every image bump.
 */
export function selectorLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return { [NAME]: labels[NAME], [INSTANCE]: labels[INSTANCE] };
}
