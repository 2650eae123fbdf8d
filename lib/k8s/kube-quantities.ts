import { Quantity as KubeQuantity } from 'cdk8s-plus-27/lib/imports/k8s';
import { type Quantity, Units } from '../core';

/**
 * Typed amounts rendered as Kubernetes resource quantities: memory and storage in binary units
 * (`512Mi`, `50Gi`), CPU in millicores (`500m`) or whole cores (`2`).
 */

/** Why `q` is not a positive whole number of bytes, or undefined when it is. */
export function dataProblem(q: Quantity<'data'>): string | undefined {
  const bytes = q.in(Units.bytes);
  if (!Number.isFinite(bytes) || bytes <= 0 || !Number.isInteger(bytes))
    return `must be a positive whole number of bytes, got ${q}`;
  return undefined;
}

/** Why `q` is not a positive whole number of millicores, or undefined when it is. */
export function cpuProblem(q: Quantity<'cpu'>): string | undefined {
  const millis = q.in(Units.millicores);
  if (!Number.isFinite(millis) || millis <= 0 || !Number.isInteger(millis))
    return `must be a positive whole number of millicores, got ${q}`;
  return undefined;
}

/** `50Gi`, `512Mi`, `1536Ki` or plain bytes: the largest binary unit that divides the amount. */
export function kubeBytes(q: Quantity<'data'>): string {
  const bytes = q.in(Units.bytes);
  for (const [suffix, size] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${bytes}`;
}

/** `2` for whole cores, `500m` otherwise. */
export function kubeCpu(q: Quantity<'cpu'>): string {
  const millis = q.in(Units.millicores);
  return millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`;
}

/** Requests and limits of one container, as typed amounts. */
export interface ComputeResources {
  readonly requests: { readonly cpu: Quantity<'cpu'>; readonly memory: Quantity<'data'> };
  readonly limits: { readonly cpu: Quantity<'cpu'>; readonly memory: Quantity<'data'> };
}

/** Checks `resources` (every amount positive, requests within limits) and renders them. */
export function kubeResources(owner: string, resources: ComputeResources) {
  for (const kind of ['requests', 'limits'] as const) {
    const cpu = cpuProblem(resources[kind].cpu);
    if (cpu) throw new Error(`${owner}: 'resources.${kind}.cpu' ${cpu}`);
    const memory = dataProblem(resources[kind].memory);
    if (memory) throw new Error(`${owner}: 'resources.${kind}.memory' ${memory}`);
  }
  if (resources.requests.cpu.in(Units.millicores) > resources.limits.cpu.in(Units.millicores)) {
    throw new Error(
      `${owner}: 'resources.requests.cpu' (${resources.requests.cpu}) must not exceed 'resources.limits.cpu' (${resources.limits.cpu})`,
    );
  }
  if (resources.requests.memory.in(Units.bytes) > resources.limits.memory.in(Units.bytes)) {
    throw new Error(
      `${owner}: 'resources.requests.memory' (${resources.requests.memory}) must not exceed 'resources.limits.memory' (${resources.limits.memory})`,
    );
  }
  return {
    requests: {
      cpu: KubeQuantity.fromString(kubeCpu(resources.requests.cpu)),
      memory: KubeQuantity.fromString(kubeBytes(resources.requests.memory)),
    },
    limits: {
      cpu: KubeQuantity.fromString(kubeCpu(resources.limits.cpu)),
      memory: KubeQuantity.fromString(kubeBytes(resources.limits.memory)),
    },
  };
}
