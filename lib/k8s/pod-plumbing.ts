import type { ApiObject } from 'cdk8s';
import {
  type Affinity,
  type ContainerPort,
  IntOrString,
  KubeConfigMap,
  KubeServiceAccount,
  type ObjectMeta,
  type Probe,
  type ServicePort,
} from 'cdk8s-plus-27/lib/imports/k8s';
import type { Construct } from 'constructs';
import { checkConfigMapSize } from './manifest-limits';
import { CONFIG_HASH_ANNOTATION, type HttpProbeOptions, httpProbe } from './pod-hardening';

/**
 * The pieces every workload of the stack assembles its pods from, written once: ports, probes,
 * service account, pod template metadata, anti-affinity and the configuration ConfigMap.
 */

/** A port of a container, declared once for its container port and the Services in front of it. */
export interface NamedPort {
  /** The port's name (an IANA service name); Services target it by this name. */
  readonly name: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
  /** The application protocol a Service announces, e.g. `grpc`. @default - none */
  readonly appProtocol?: string;
}

/** The port as a container declares it. */
export function containerPort(p: NamedPort): ContainerPort {
  return { name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' };
}

/** The port as a Service exposes it, targeting the container port by name. */
export function servicePort(p: NamedPort): ServicePort {
  return {
    name: p.name,
    port: p.port,
    targetPort: IntOrString.fromString(p.name),
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
  };
}

export interface HttpProbesProps {
  /** The named container port probed. */
  readonly port: string;
  /** The path that answers once the server takes traffic. */
  readonly readyPath: string;
  /** The path that answers while the process is healthy. @default - `readyPath` */
  readonly livePath?: string;
  /** Failed liveness checks in a row before the kubelet restarts the container. @default 3 */
  readonly livenessFailureThreshold?: number;
  /** A startup probe on `readyPath` that holds liveness off while the server starts. @default - none */
  readonly startup?: Pick<HttpProbeOptions, 'periodSeconds' | 'failureThreshold'>;
  /** Turns each probe into one the server answers (HTTPS, basic auth). @default - plain HTTP GET */
  readonly adapt?: (path: string, port: string, probe: Probe) => Probe;
}

/** A container's readiness, liveness and (when asked) startup probes, as HTTP GETs on one port. */
export interface ContainerProbes {
  readonly readinessProbe: Probe;
  readonly livenessProbe: Probe;
  readonly startupProbe?: Probe;
}

/** The probes of a container, to spread into its spec. */
export function httpProbes(props: HttpProbesProps): ContainerProbes {
  const adapt = props.adapt ?? ((_path: string, _port: string, probe: Probe) => probe);
  const probe = (path: string, options?: HttpProbeOptions) =>
    adapt(path, props.port, httpProbe(path, props.port, options));
  const livePath = props.livePath ?? props.readyPath;
  const liveness = props.livenessFailureThreshold;
  return {
    readinessProbe: probe(props.readyPath),
    livenessProbe: probe(livePath, liveness !== undefined ? { failureThreshold: liveness } : undefined),
    ...(props.startup ? { startupProbe: probe(props.readyPath, props.startup) } : {}),
  };
}

export interface ServiceAccountProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the pods call the Kubernetes API, and so need its token mounted. @default false */
  readonly callsKubernetesApi?: boolean;
}

/** The component's own ServiceAccount; its API token is mounted only for a component that calls the API. */
export function serviceAccount(scope: Construct, id: string, props: ServiceAccountProps): ApiObject {
  return new KubeServiceAccount(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    automountServiceAccountToken: props.callsKubernetesApi ?? false,
  });
}

/** The pod spec's fields for running as the ServiceAccount of serviceAccount() with the same props. */
export function podServiceAccount(props: Pick<ServiceAccountProps, 'name' | 'callsKubernetesApi'>): {
  serviceAccountName: string;
  automountServiceAccountToken?: boolean;
} {
  return props.callsKubernetesApi
    ? { serviceAccountName: props.name }
    : { serviceAccountName: props.name, automountServiceAccountToken: false };
}

/** A pod template's metadata; with `configHash`, a change of configuration rolls the pods. */
export function podTemplateMetadata(labels: Readonly<Record<string, string>>, configHash?: string): ObjectMeta {
  return {
    labels: { ...labels },
    ...(configHash !== undefined ? { annotations: { [CONFIG_HASH_ANNOTATION]: configHash } } : {}),
  };
}

/** Prefers a different node for each pod `selector` matches, so that one node's loss takes one replica. */
export function spreadOverNodes(selector: Readonly<Record<string, string>>): Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } },
        },
      ],
    },
  };
}

export interface ConfigMapProps {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  /** The most bytes of data it may hold. @default KUBECTL_APPLY_ANNOTATION_LIMIT - what fits through client-side `kubectl apply` */
  readonly maxDataBytes?: number;
}

/** A ConfigMap whose data is first checked to fit (checkConfigMapSize). */
export function checkedConfigMap(scope: Construct, id: string, props: ConfigMapProps): ApiObject {
  checkConfigMapSize(props.name, props.data, props.maxDataBytes);
  return new KubeConfigMap(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    data: { ...props.data },
  });
}
