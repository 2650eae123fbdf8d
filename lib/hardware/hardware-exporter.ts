import type { ApiObject } from 'cdk8s';
import {
  type Container,
  IntOrString,
  KubeDaemonSet,
  type PodSpec,
  type ResourceRequirements,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Mebibytes, Millicores } from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  containerPort,
  httpProbes,
  IMAGES,
  imageRef,
  imageVersion,
  kubeResources,
  type NamedPort,
  NOBODY,
  type PodPlacement,
  placementSpec,
  podServiceAccount,
  podTemplateMetadata,
  recommendedLabels,
  restrictedContainerSecurityContext,
  StackNamespace,
  selectorLabels,
  serviceAccount,
} from '../k8s';
import { NODE_EXPORTER_APP_NAME } from './names';

/**
 * The exporter's port on every edge device (a host port: the pod shares the node's network).
 * Not node_exporter's own 9100: a cluster that already runs a node-exporter (kube-prometheus-stack's,
 * say) holds 9100 on every node, and a second exporter asking for it would stay Pending there.
 */
export const HARDWARE_EXPORTER_PORT = 19100;

/**
 * A node-exporter the cluster already runs (kube-prometheus-stack's, say), scraped as the hardware
 * exporter instead of running a second one on every node.
 */
export interface ExistingNodeExporter {
  /** Its namespace. */
  readonly namespace: string;
  /** Labels of its pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Its metrics port (a container port of its pods). */
  readonly port: number;
}

/**
 * kube-prometheus-stack's node-exporter, installed in the 'monitoring' namespace: pods labelled
 * `app.kubernetes.io/name: prometheus-node-exporter`, metrics on 9100 (the prometheus-node-exporter
 * chart's `service.port` and selector labels).
 */
export const KUBE_PROMETHEUS_STACK_NODE_EXPORTER: ExistingNodeExporter = {
  namespace: 'monitoring',
  selector: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
  port: 9100,
};

/**
 * The node_exporter collectors the stack's rules read, each turned on explicitly so that a change
 * of node_exporter's defaults cannot drop one: the hardware sensors, and the filesystems, clock
 * (timex), memory (meminfo, vmstat's oom_kill) and textfile errors of the node-health alerts.
 */
export const HARDWARE_COLLECTORS = [
  'hwmon',
  'thermal_zone',
  'powersupplyclass',
  'rapl',
  'cpufreq',
  'textfile',
  'filesystem',
  'timex',
  'meminfo',
  'vmstat',
] as const;

/**
 * What the exporter needs beyond the `restricted` Pod Security Standard, one by one; everything
 * else about it is hardened. This is why its namespace, and only its namespace, is `privileged`.
 */
export const HARDWARE_EXPORTER_EXCEPTIONS = {
  hostNetwork: 'network interface statistics of the device itself, and a scrape address that is the node',
  hostPID: 'process counts and pressure of the whole device, not of the container',
  hostPath: 'read-only /proc, /sys and / of the device: its sensors, CPU and filesystems',
  hostPort: 'with hostNetwork, the metrics port is a port of the node',
} as const;

/**
 * The exporter's props. Its placement defaults differ: `nodeSelector` defaults to the edge devices
 * (`{ 'liquid-audio-nets.dev/edge-device': 'true' }`) and `tolerations` to any taint keyed
 * 'liquid-audio-nets.dev/edge-device', so it runs on every edge device and nowhere else.
 */
export interface HardwareExporterProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** @default IMAGES.nodeExporter */
  readonly image?: ContainerImage;
  /**
   * Folder on the device where device-specific sensor readings are written as `*.prom` files,
   * exported by the textfile collector. @default '/var/lib/node-exporter/textfile'
   */
  readonly textfileDirectory?: string;
  /**
   * @default - requests 20m CPU and 32 MiB, limits 200m and 64 MiB: an edge device has little to
   * spare, and node_exporter needs about 20 MiB
   */
  readonly resources?: ComputeResources;
  /** The metrics port, a host port of every device. @default HARDWARE_EXPORTER_PORT (19100) */
  readonly port?: number;
  /**
   * Render the exporter's namespace, labelled `privileged` for Pod Security. Set it to false when the
   * namespace is someone else's; it must then admit the exporter's host access. @default true
   */
  readonly createNamespace?: boolean;
}

/**
 * node_exporter on every edge device: a DaemonSet in its own namespace, the only one labelled
 * `privileged`, with host network and PID namespace and read-only host mounts; otherwise
 * non-root, read-only, with every capability dropped.
 */
export class HardwareExporter extends Construct {
  public readonly name = NODE_EXPORTER_APP_NAME;
  public readonly namespace: string;
  public readonly image: ContainerImage;
  public readonly daemonSet: ApiObject;
  public readonly textfileDirectory: string;
  /** The metrics port on every device. */
  public readonly port: number;
  /** Labels selecting its pods. */
  public readonly selector: Readonly<Record<string, string>>;

  /** Labels of every object. */
  private readonly labels: Readonly<Record<string, string>>;

  public constructor(scope: Construct, id: string, props: HardwareExporterProps) {
    super(scope, id);
    const owner = `HardwareExporter '${this.name}'`;
    this.namespace = chartNamespace(this, owner);
    this.image = props.image ?? IMAGES.nodeExporter;
    this.textfileDirectory = props.textfileDirectory ?? '/var/lib/node-exporter/textfile';
    if (!this.textfileDirectory.startsWith('/')) {
      throw new Error(
        `${owner}: 'textfileDirectory' must be an absolute path on the device, got '${this.textfileDirectory}'`,
      );
    }
    const resources = kubeResources(owner, props.resources ?? HARDWARE_EXPORTER_RESOURCES);
    this.port = props.port ?? HARDWARE_EXPORTER_PORT;
    if (!Number.isInteger(this.port) || this.port < 1024 || this.port > 65535) {
      throw new Error(
        `${owner}: 'port' must be a whole number from 1024 to 65535 (an unprivileged host port), got ${this.port}`,
      );
    }

    this.labels = recommendedLabels({
      name: this.name,
      component: 'hardware-exporter',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);
    if (props.createNamespace ?? true) this.renderNamespace(props.instance);
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    this.daemonSet = new KubeDaemonSet(this, 'DaemonSet', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        selector: { matchLabels: this.selector },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: IntOrString.fromString('10%') } },
        template: { metadata: podTemplateMetadata(this.labels), spec: this.podSpec(props, resources) },
      },
    });
  }

  /** Its own namespace, the only one of the stack labelled `privileged`. */
  private renderNamespace(instance: string): void {
    new StackNamespace(this, 'Namespace', {
      name: this.namespace,
      podSecurity: 'privileged',
      labels: recommendedLabels({ name: this.name, component: 'namespace', instance }),
    });
  }

  private podSpec(props: HardwareExporterProps, resources: ResourceRequirements): PodSpec {
    return {
      ...podServiceAccount({ name: this.name }),
      hostNetwork: true,
      hostPid: true,
      dnsPolicy: 'ClusterFirstWithHostNet',
      ...placementSpec(`HardwareExporter '${this.name}'`, props, this.selector, {
        nodeSelector: { [EDGE_DEVICE_KEY]: 'true' },
        tolerations: [{ key: EDGE_DEVICE_KEY, operator: 'Exists' }],
      }),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: NOBODY,
        runAsGroup: NOBODY,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [this.container(resources)],
      volumes: this.hostMounts().map((m) => ({
        name: m.name,
        hostPath: { path: m.hostPath, ...(m.name === 'textfile' ? { type: 'DirectoryOrCreate' } : {}) },
      })),
    };
  }

  private container(resources: ResourceRequirements): Container {
    const metricsPort: NamedPort = { name: 'metrics', port: this.port };
    return {
      name: 'node-exporter',
      image: imageRef(this.image),
      args: [
        '--path.procfs=/host/proc',
        '--path.sysfs=/host/sys',
        '--path.rootfs=/host/root',
        // Listen on the node's own address only, not on every interface of the device.
        `--web.listen-address=$(HOST_IP):${this.port}`,
        ...HARDWARE_COLLECTORS.map((c) => `--collector.${c}`),
        `--collector.textfile.directory=${TEXTFILE_MOUNT}`,
        '--collector.filesystem.mount-points-exclude=^/(dev|proc|run|sys|var/lib/kubelet/.+|var/lib/containerd/.+)($|/)',
      ],
      env: [{ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }],
      ports: [{ ...containerPort(metricsPort), hostPort: this.port }],
      ...httpProbes({ port: metricsPort.name, readyPath: '/', livenessFailureThreshold: 6 }),
      resources,
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: this.hostMounts().map((m) => ({
        name: m.name,
        mountPath: m.mountPath,
        readOnly: true,
        ...(m.name === 'root' ? { mountPropagation: 'HostToContainer' } : {}),
      })),
    };
  }

  /** The device's folders the exporter reads, and where it mounts them. */
  private hostMounts() {
    return [
      { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
      { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
      { name: 'root', hostPath: '/', mountPath: '/host/root' },
      { name: 'textfile', hostPath: this.textfileDirectory, mountPath: TEXTFILE_MOUNT },
    ];
  }
}

const TEXTFILE_MOUNT = '/host/textfile';

/** The node label and taint key that mark an edge device. */
const EDGE_DEVICE_KEY = 'liquid-audio-nets.dev/edge-device';

/** The default of `resources` (see HardwareExporterProps). */
const HARDWARE_EXPORTER_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(20), memory: Mebibytes.of(32) },
  limits: { cpu: Millicores.of(200), memory: Mebibytes.of(64) },
};
