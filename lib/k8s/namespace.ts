import type { ApiObject } from 'cdk8s';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { dnsLabelProblem } from '../core';
import { clusterScoped } from './cluster-scoped';

export interface StackNamespaceProps {
  readonly name: string;
  /**
   * Pod Security Standard enforced on the namespace.
   * @default 'restricted' - only the hardware exporter's own namespace may be privileged
   */
  readonly podSecurity?: 'restricted' | 'baseline' | 'privileged';
  /** Labels of the namespace. @default - only the Pod Security labels */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A namespace of the stack, labelled for the Pod Security admission controller. */
export class StackNamespace extends Construct {
  public readonly name: string;
  public readonly podSecurity: 'restricted' | 'baseline' | 'privileged';
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: StackNamespaceProps) {
    super(scope, id);
    const problem = dnsLabelProblem(props.name);
    if (problem) throw new Error(`namespace '${props.name}': 'name' ${problem}`);
    this.name = props.name;
    this.podSecurity = props.podSecurity ?? 'restricted';
    this.apiObject = clusterScoped(
      new KubeNamespace(this, 'Namespace', {
        metadata: {
          name: this.name,
          labels: {
            ...props.labels,
            'pod-security.kubernetes.io/enforce': this.podSecurity,
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/audit': this.podSecurity,
            'pod-security.kubernetes.io/warn': this.podSecurity,
          },
        },
      }),
    );
  }
}
