import type { ApiObject } from 'cdk8s';
import {
  type KubePersistentVolumeClaimProps,
  Quantity as KubeQuantity,
  KubeService,
} from 'cdk8s-plus-27/lib/imports/k8s';
import type { Construct } from 'constructs';
import { dnsSubdomainProblem, type Quantity } from '../core';
import { dataProblem, kubeBytes } from './kube-quantities';
import { type NamedPort, servicePort } from './pod-plumbing';

/** The pieces of a StatefulSet whose pods address each other (see peerAddresses()). */

export interface HeadlessServiceProps {
  /** The Service's name, the StatefulSet's `serviceName`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels selecting the StatefulSet's pods. */
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly NamedPort[];
}

/**
 * The headless Service that gives each pod of a StatefulSet its own DNS name. It publishes pods
 * before they are ready: peers must find each other while they start.
 */
export function headlessService(scope: Construct, id: string, props: HeadlessServiceProps): ApiObject {
  return new KubeService(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      clusterIp: 'None',
      publishNotReadyAddresses: true,
      selector: { ...props.selector },
      ports: props.ports.map(servicePort),
    },
  });
}

export interface VolumeClaimTemplateProps {
  /** The volume's name, as the container mounts it. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly storage: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/**
 * What is wrong with a volume's size or StorageClass name, starting with the field
 * (`'storage' must be ...`, `'storageClassName' 'Fast_SSD' must be ...`); undefined when both are fine.
 */
export function volumeProblem(storage: Quantity<'data'>, storageClassName?: string): string | undefined {
  const storageProblem = dataProblem(storage);
  if (storageProblem) return `'storage' ${storageProblem}`;
  if (storageClassName === undefined) return undefined;
  const problem = dnsSubdomainProblem(storageClassName);
  return problem ? `'storageClassName' '${storageClassName}' ${problem}` : undefined;
}

/** One volume per pod of a StatefulSet, mounted by a single node (`ReadWriteOnce`). */
export function volumeClaimTemplate(props: VolumeClaimTemplateProps): KubePersistentVolumeClaimProps {
  return {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
      resources: { requests: { storage: KubeQuantity.fromString(kubeBytes(props.storage)) } },
    },
  };
}
