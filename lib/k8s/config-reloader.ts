import type { Container, VolumeMount } from 'cdk8s-plus-27/lib/imports/k8s';
import { Mebibytes, Millicores } from '../core';
import { type ContainerImage, imageRef } from './images';
import { kubeResources } from './kube-quantities';
import { restrictedContainerSecurityContext } from './pod-hardening';
import { containerPort, httpProbes, type NamedPort } from './pod-plumbing';

/**
 * The Prometheus Operator's `prometheus-config-reloader` beside a server: it watches the mounted
 * ConfigMap folders and POSTs the server's `/-/reload` when their files change, so changed rules
 * and configuration take effect without a pod restart. Its flags are those of
 * cmd/prometheus-config-reloader/main.go at the pinned version.
 */
export interface ConfigReloaderProps {
  /** IMAGES.configReloader, or its mirrored form. */
  readonly image: ContainerImage;
  /** The server's reload endpoint on loopback, e.g. `http://127.0.0.1:9090/-/reload`. */
  readonly reloadUrl: string;
  /** The folders whose files, when changed, trigger a reload (watched non-recursively). */
  readonly watchedDirs: readonly VolumeMount[];
}

/** Its metrics and `/healthz` port; 8080 is free in both the Prometheus and the Alertmanager pod. */
export const CONFIG_RELOADER_PORT: NamedPort = { name: 'reloader-web', port: 8080 };

/**
 * It holds a few file hashes and sleeps between changes; memory leaves room over the resident size
 * test/programs/config-reload.test.ts prints for it.
 */
const RELOADER_RESOURCES = {
  requests: { cpu: Millicores.of(10), memory: Mebibytes.of(48) },
  limits: { cpu: Millicores.of(100), memory: Mebibytes.of(96) },
};

/** The sidecar container. */
export function configReloaderContainer(owner: string, props: ConfigReloaderProps): Container {
  return {
    name: 'config-reloader',
    image: imageRef(props.image),
    args: configReloaderArgs(props),
    ports: [containerPort(CONFIG_RELOADER_PORT)],
    ...httpProbes({ port: CONFIG_RELOADER_PORT.name, readyPath: '/healthz' }),
    resources: kubeResources(`${owner} config reloader`, RELOADER_RESOURCES),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: props.watchedDirs.map((m) => ({ ...m, readOnly: true })),
  };
}

/** Its arguments, which the tests run the pinned reloader with. */
export function configReloaderArgs(props: Omit<ConfigReloaderProps, 'image'>): string[] {
  return [
    `--listen-address=:${CONFIG_RELOADER_PORT.port}`,
    `--reload-url=${props.reloadUrl}`,
    ...props.watchedDirs.map((m) => `--watched-dir=${m.mountPath}`),
  ];
}
