import { IntOrString, type PodSecurityContext, type Probe, type SecurityContext } from 'cdk8s-plus-27/lib/imports/k8s';

/**
 * The hardened defaults every pod of the stack shares, meeting the `restricted` Pod Security
 * Standard: non-root, read-only root filesystem, no privilege escalation, no capabilities,
 * seccomp RuntimeDefault. The upstream Prometheus-family images run as `nobody` (65534).
 */
export const NOBODY = 65534;

export function restrictedPodSecurityContext(uid: number = NOBODY): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(): SecurityContext {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface HttpProbeOptions {
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, port: string, options: HttpProbeOptions = {}): Probe {
  return {
    httpGet: { path, port: IntOrString.fromString(port) },
    periodSeconds: options.periodSeconds ?? 10,
    failureThreshold: options.failureThreshold ?? 3,
    timeoutSeconds: options.timeoutSeconds ?? 5,
  };
}

/** The annotation on a pod template whose change rolls the pods out (a hash of their configuration). */
export const CONFIG_HASH_ANNOTATION = 'checksum/config';
