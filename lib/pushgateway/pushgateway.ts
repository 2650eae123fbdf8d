import type { ApiObject } from 'cdk8s';
import { KubeService, KubeStatefulSet } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Duration, Gibibytes, Mebibytes, Millicores, type Quantity } from '../core';
import {
  type ComputeResources,
  type ContainerImage,
  chartNamespace,
  containerPort,
  disruptionBudget,
  httpProbes,
  IMAGES,
  imageRef,
  imageVersion,
  kubeResources,
  type NamedPort,
  type PodPlacement,
  placementSpec,
  podServiceAccount,
  podTemplateMetadata,
  recommendedLabels,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  selectorLabels,
  serviceAccount,
  servicePort,
  volumeClaimTemplate,
  volumeProblem,
} from '../k8s';

/** `app.kubernetes.io/name` of the Pushgateway pod, and the name of its StatefulSet and Service. */
export const PUSHGATEWAY_APP_NAME = 'pushgateway';
/** The job Prometheus scrapes it under (with `honor_labels`, so pushed series keep their own `job`). */
export const PUSHGATEWAY_JOB = 'pushgateway';
/** Its one port: pushes in, /metrics out. */
export const PUSHGATEWAY_PORT = 9091;

/** Where the pushed groups are persisted across restarts. */
const DATA = '/pushgateway';

/** A few thousand pushed series of test runs and training jobs take megabytes and next to no CPU. */
export const PUSHGATEWAY_RESOURCES: ComputeResources = {
  requests: { cpu: Millicores.of(20), memory: Mebibytes.of(32) },
  limits: { cpu: Millicores.of(200), memory: Mebibytes.of(128) },
};

export interface PushgatewayProps extends PodPlacement {
  /** The stack instance, as `app.kubernetes.io/instance`. */
  readonly instance: string;
  /**
   * How often the pushed groups are written to the volume (`--persistence.interval`): a crash
   * loses at most this much of the latest pushes.
   * @default Duration.minutes(1)
   */
  readonly persistenceInterval?: Duration;
  /** Its volume for the persistence file. @default Gibibytes.of(1) - the smallest most storage classes provision */
  readonly storage?: Quantity<'data'>;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default PUSHGATEWAY_RESOURCES */
  readonly resources?: ComputeResources;
  /** @default IMAGES.pushgateway */
  readonly image?: ContainerImage;
}

/**
 * The Prometheus Pushgateway, for batch jobs that end before any scrape (CI test runs, training
 * runs): they push their results, Prometheus scrapes them here. One pod with its groups persisted
 * on a PersistentVolumeClaim; pushes are kept until deleted, so a job's last result stays visible.
 */
export class Pushgateway extends Construct {
  public readonly name = PUSHGATEWAY_APP_NAME;
  public readonly namespace: string;
  public readonly image: ContainerImage;
  public readonly persistenceInterval: Duration;
  public readonly storage: Quantity<'data'>;
  /** Its URL inside the cluster: a job's PUSHGATEWAY_URL. */
  public readonly url: string;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly selector: Readonly<Record<string, string>>;
  public readonly statefulSet: ApiObject;

  public constructor(scope: Construct, id: string, props: PushgatewayProps) {
    super(scope, id);
    const owner = `pushgateway '${this.name}'`;
    const fail = (message: string): never => {
      throw new Error(`${owner}: ${message}`);
    };
    this.namespace = chartNamespace(this, owner);
    this.image = props.image ?? IMAGES.pushgateway;
    this.persistenceInterval = props.persistenceInterval ?? Duration.minutes(1);
    if (!this.persistenceInterval.isValid() || this.persistenceInterval.compareTo(Duration.seconds(1)) < 0)
      fail(`'persistenceInterval' must be at least 1s (whole milliseconds), got ${this.persistenceInterval}`);
    this.storage = props.storage ?? Gibibytes.of(1);
    const volume = volumeProblem(this.storage, props.storageClassName);
    if (volume) fail(volume);
    const resources = kubeResources(owner, props.resources ?? PUSHGATEWAY_RESOURCES);
    this.url = `http://${this.name}.${this.namespace}.svc:${PUSHGATEWAY_PORT}`;
    this.labels = recommendedLabels({
      name: PUSHGATEWAY_APP_NAME,
      component: 'batch-metrics',
      instance: props.instance,
      version: imageVersion(this.image),
    });
    this.selector = selectorLabels(this.labels);

    // The Pushgateway never calls the Kubernetes API.
    serviceAccount(this, 'ServiceAccount', { name: this.name, labels: this.labels });
    new KubeService(this, 'Service', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: { selector: { ...this.selector }, ports: [servicePort(PORT)] },
    });
    this.statefulSet = new KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        replicas: 1,
        serviceName: this.name,
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: podTemplateMetadata(this.labels),
          spec: {
            ...podServiceAccount({ name: this.name }),
            securityContext: restrictedPodSecurityContext(),
            ...placementSpec(`pushgateway '${this.name}'`, props, this.selector),
            containers: [
              {
                name: 'pushgateway',
                image: imageRef(this.image),
                args: [
                  `--web.listen-address=:${PUSHGATEWAY_PORT}`,
                  `--persistence.file=${DATA}/metrics.db`,
                  `--persistence.interval=${this.persistenceInterval.toGo()}`,
                ],
                ports: [containerPort(PORT)],
                ...httpProbes({ port: PORT.name, readyPath: '/-/ready', livePath: '/-/healthy' }),
                resources,
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'data', mountPath: DATA }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          volumeClaimTemplate({
            name: 'data',
            labels: this.labels,
            storage: this.storage,
            storageClassName: props.storageClassName,
          }),
        ],
      },
    });
    disruptionBudget(this, 'DisruptionBudget', { name: this.name, labels: this.labels, selector: this.selector });
  }
}

const PORT = { name: 'http', port: PUSHGATEWAY_PORT, appProtocol: 'http' } as const satisfies NamedPort;
