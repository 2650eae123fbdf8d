import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ALERTMANAGER_PORTS } from '../alertmanager';
import { NODE_EXPORTER_PORT } from '../hardware';
import {
  allowEgress,
  allowIngress,
  defaultDeny,
  PART_OF,
  type PodGroup,
  recommendedLabels,
  type TrafficPeer,
} from '../k8s';
import { OTEL_PORTS } from '../otel';
import { PROMETHEUS_PORT } from '../prometheus';

export interface NetworkPolicyOptions {
  /** Namespaces whose pods may reach Grafana on 3000 (the ingress controller's). @default ['ingress-nginx'] */
  readonly grafanaIngressNamespaces?: readonly string[];
  /** Namespaces whose pods may push OTLP to the collector. @default - the device namespaces, or every namespace when those are not limited */
  readonly otlpClientNamespaces?: readonly string[];
  /**
   * Deny egress too, then allow DNS and what each component needs (Prometheus anywhere: it scrapes
   * every namespace; Alertmanager its peers and receivers; Grafana its datasources).
   * @default false - egress open
   */
  readonly restrictEgress?: boolean;
}

export interface StackNetworkPoliciesProps extends NetworkPolicyOptions {
  /** The stack instance, for the policies' `app.kubernetes.io/instance` label. */
  readonly instance: string;
  readonly namespace: string;
  readonly hardwareNamespace: string;
  readonly prometheus: PodGroup;
  readonly alertmanager: PodGroup;
  readonly grafana: PodGroup;
  readonly otelCollector: PodGroup;
  readonly hardwareExporter: PodGroup;
  /** Grafana's port. */
  readonly grafanaPort: number;
  /** Namespaces of the devices. @default - every namespace */
  readonly deviceNamespaces?: readonly string[];
}

/**
 * The stack's NetworkPolicies: ingress denied by default in both namespaces, then one allow-list
 * per component and port. Every metrics port admits Prometheus.
 */
export class StackNetworkPolicies extends Construct {
  public readonly restrictEgress: boolean;

  public constructor(scope: Construct, id: string, props: StackNetworkPoliciesProps) {
    super(scope, id);
    this.restrictEgress = props.restrictEgress ?? false;
    const types = this.restrictEgress ? (['Ingress', 'Egress'] as const) : (['Ingress'] as const);
    defaultDeny(this, 'DefaultDeny', props.namespace, types);
    defaultDeny(this, 'HardwareDefaultDeny', props.hardwareNamespace, types);

    const from = (pods: PodGroup): TrafficPeer => ({ kind: 'pods', pods });
    const prometheus = from(props.prometheus);
    const grafanaSources = props.grafanaIngressNamespaces ?? ['ingress-nginx'];
    const otlpClients = props.otlpClientNamespaces ?? props.deviceNamespaces;

    allowIngress(this, 'Prometheus', {
      name: 'prometheus-ingress',
      pods: props.prometheus,
      // Grafana queries it; the servers of the HA pair scrape each other.
      rules: [{ peers: [from(props.grafana), prometheus], ports: [{ port: PROMETHEUS_PORT }] }],
    });
    allowIngress(this, 'Alertmanager', {
      name: 'alertmanager-ingress',
      pods: props.alertmanager,
      rules: [
        { peers: [prometheus, from(props.grafana)], ports: [{ port: ALERTMANAGER_PORTS.web }] },
        // Gossip between the peers only.
        {
          peers: [from(props.alertmanager)],
          ports: [{ port: ALERTMANAGER_PORTS.cluster }, { port: ALERTMANAGER_PORTS.cluster, protocol: 'UDP' }],
        },
      ],
    });
    allowIngress(this, 'Grafana', {
      name: 'grafana-ingress',
      pods: props.grafana,
      rules: [
        { peers: [prometheus], ports: [{ port: props.grafanaPort }] },
        ...(grafanaSources.length > 0
          ? [{ peers: [{ kind: 'namespaces', names: grafanaSources } as const], ports: [{ port: props.grafanaPort }] }]
          : []),
      ],
    });
    allowIngress(this, 'OtelCollector', {
      name: 'otel-collector-ingress',
      pods: props.otelCollector,
      rules: [
        {
          peers: [otlpClients ? { kind: 'namespaces', names: otlpClients } : { kind: 'any-namespace' }],
          ports: [{ port: OTEL_PORTS.grpc }, { port: OTEL_PORTS.http }],
        },
        { peers: [prometheus], ports: [{ port: OTEL_PORTS.prometheus }, { port: OTEL_PORTS.telemetry }] },
      ],
    });
    allowIngress(this, 'HardwareExporter', {
      name: 'node-exporter-ingress',
      pods: props.hardwareExporter,
      rules: [{ peers: [prometheus], ports: [{ port: NODE_EXPORTER_PORT }] }],
    });

    if (this.restrictEgress) {
      const dns: TrafficPeer = { kind: 'namespaces', names: ['kube-system'] };
      const dnsPorts = [{ port: 53, protocol: 'UDP' as const }, { port: 53 }];
      const anywhere: TrafficPeer = { kind: 'cidr', cidr: '0.0.0.0/0' };
      allowEgress(this, 'PrometheusEgress', {
        name: 'prometheus-egress',
        pods: props.prometheus,
        rules: [{ peers: [anywhere], ports: [] }],
      });
      allowEgress(this, 'AlertmanagerEgress', {
        name: 'alertmanager-egress',
        pods: props.alertmanager,
        rules: [
          { peers: [dns], ports: dnsPorts },
          {
            peers: [from(props.alertmanager)],
            ports: [{ port: ALERTMANAGER_PORTS.cluster }, { port: ALERTMANAGER_PORTS.cluster, protocol: 'UDP' }],
          },
          // Slack and webhooks over HTTPS; SMTP submission, implicit TLS and relay.
          { peers: [anywhere], ports: [{ port: 443 }, { port: 587 }, { port: 465 }, { port: 25 }] },
        ],
      });
      allowEgress(this, 'GrafanaEgress', {
        name: 'grafana-egress',
        pods: props.grafana,
        rules: [
          { peers: [dns], ports: dnsPorts },
          { peers: [prometheus], ports: [{ port: PROMETHEUS_PORT }] },
          { peers: [from(props.alertmanager)], ports: [{ port: ALERTMANAGER_PORTS.web }] },
        ],
      });
      allowEgress(this, 'OtelCollectorEgress', {
        name: 'otel-collector-egress',
        pods: props.otelCollector,
        rules: [
          { peers: [dns], ports: dnsPorts },
          { peers: [anywhere], ports: [{ port: OTEL_PORTS.grpc }] },
        ],
      });
    }
    this.labelPolicies(props.instance);
  }

  /** The recommended labels on every policy; `name` is the application whose pods it selects. */
  private labelPolicies(instance: string): void {
    for (const node of this.node.findAll()) {
      if (!(node instanceof ApiObject)) continue;
      const selected = node.toJson().spec?.podSelector?.matchLabels?.['app.kubernetes.io/name'];
      const labels = recommendedLabels({ name: selected ?? PART_OF, component: 'network-policy', instance });
      for (const [key, value] of Object.entries(labels)) node.metadata.addLabel(key, value);
    }
  }
}
