import {
  IntOrString,
  KubeNetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from 'cdk8s-plus-27/lib/imports/k8s';
import type { Construct } from 'constructs';
import { dnsLabelProblem } from '../core';

/** Pods of the stack: a namespace and the labels selecting them. */
export interface PodGroup {
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
}

/** Where traffic may come from (ingress) or go to (egress). */
export type TrafficPeer =
  | { readonly kind: 'pods'; readonly pods: PodGroup }
  | { readonly kind: 'namespaces'; readonly names: readonly string[] }
  | { readonly kind: 'any-namespace' }
  | { readonly kind: 'cidr'; readonly cidr: string };

export interface PortSpec {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** The label Kubernetes sets on every namespace with its own name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function peer(p: TrafficPeer): NetworkPolicyPeer {
  switch (p.kind) {
    case 'pods':
      return {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.pods.namespace } },
        podSelector: { matchLabels: { ...p.pods.selector } },
      };
    case 'namespaces':
      return {
        namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...p.names] }] },
      };
    case 'any-namespace':
      return { namespaceSelector: {} };
    case 'cidr':
      return { ipBlock: { cidr: p.cidr } };
  }
}

function ports(specs: readonly PortSpec[]): NetworkPolicyPort[] {
  return specs.map((s) => ({ port: IntOrString.fromNumber(s.port), protocol: s.protocol ?? 'TCP' }));
}

function checkName(name: string): void {
  const problem = dnsLabelProblem(name);
  if (problem) throw new Error(`NetworkPolicy '${name}': 'name' ${problem}`);
}

/** Denies all ingress (and egress when asked) to every pod of `namespace` that no other policy admits. */
export function defaultDeny(
  scope: Construct,
  id: string,
  namespace: string,
  types: readonly ('Ingress' | 'Egress')[],
): KubeNetworkPolicy {
  const name = types.includes('Egress') ? 'default-deny-all' : 'default-deny-ingress';
  return new KubeNetworkPolicy(scope, id, {
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: [...types] },
  });
}

export interface AllowProps {
  /** The policy's name, e.g. `prometheus-ingress`. */
  readonly name: string;
  /** The pods it admits traffic to (ingress) or lets traffic out of (egress). */
  readonly pods: PodGroup;
  /** One rule per entry: these peers on these ports. */
  readonly rules: ReadonlyArray<{ readonly peers: readonly TrafficPeer[]; readonly ports: readonly PortSpec[] }>;
}

/** Admits ingress to `pods` from each rule's peers on its ports. */
export function allowIngress(scope: Construct, id: string, props: AllowProps): KubeNetworkPolicy {
  checkName(props.name);
  return new KubeNetworkPolicy(scope, id, {
    metadata: { name: props.name, namespace: props.pods.namespace },
    spec: {
      podSelector: { matchLabels: { ...props.pods.selector } },
      policyTypes: ['Ingress'],
      ingress: props.rules.map((r) => ({ from: r.peers.map(peer), ports: ports(r.ports) })),
    },
  });
}

/** Lets `pods` send to each rule's peers on its ports. */
export function allowEgress(scope: Construct, id: string, props: AllowProps): KubeNetworkPolicy {
  checkName(props.name);
  return new KubeNetworkPolicy(scope, id, {
    metadata: { name: props.name, namespace: props.pods.namespace },
    spec: {
      podSelector: { matchLabels: { ...props.pods.selector } },
      policyTypes: ['Egress'],
      egress: props.rules.map((r) => ({
        to: r.peers.map(peer),
        ...(r.ports.length > 0 ? { ports: ports(r.ports) } : {}),
      })),
    },
  });
}
