import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ALERTMANAGER_PORTS } from '../alertmanager';
import { JAEGER_PORTS } from '../jaeger';
import {
  type AllowProps,
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
import { PUSHGATEWAY_PORT } from '../pushgateway';

export interface NetworkPolicyOptions {
  /**
   * Namespaces whose pods may reach Grafana on 3000 (the ingress controller's); with `grafana.ingress`
   * set, its controller's namespace instead. @default ['ingress-nginx']
   */
  readonly grafanaIngressNamespaces?: readonly string[];
  /** Namespaces whose pods may push OTLP to the collector. @default - the device namespaces, or every namespace when those are not limited */
  readonly otlpClientNamespaces?: readonly string[];
  /** Namespaces whose batch jobs (CI runners, training) may push to the Pushgateway. @default - every namespace */
  readonly pushClientNamespaces?: readonly string[];
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
  /** The stack's own node_exporter and its port. @default - none: an existing node-exporter is scraped, whose namespace is not the stack's */
  readonly hardwareExporter?: PodGroup & { readonly port: number };
  /**
   * The namespaces the stack owns, denied by default. A namespace it shares gets no default deny:
   * its pods are someone else's, and only the stack's own pods are isolated (by their allow-lists).
   */
  readonly ownedNamespaces: readonly string[];
  /** The bundled Jaeger. @default - none: traces go to an external endpoint */
  readonly jaeger?: PodGroup;
  /** The Pushgateway. @default - none */
  readonly pushgateway?: PodGroup;
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
    this.renderDefaultDeny(props);
    this.allowServerIngress(props);
    this.allowSourceIngress(props);
    this.allowTelemetryIngress(props);
    if (this.restrictEgress) this.allowComponentEgress(props);
    this.labelPolicies(props.instance);
  }

  /** The namespaces the stack owns deny ingress (and egress when restricted) that no allow-list admits. */
  private renderDefaultDeny(props: StackNetworkPoliciesProps): void {
    const types = this.restrictEgress ? (['Ingress', 'Egress'] as const) : (['Ingress'] as const);
    if (props.ownedNamespaces.includes(props.namespace)) defaultDeny(this, 'DefaultDeny', props.namespace, types);
    if (props.hardwareExporter && props.ownedNamespaces.includes(props.hardwareNamespace)) {
      defaultDeny(this, 'HardwareDefaultDeny', props.hardwareNamespace, types);
    }
  }

  /** Prometheus, Alertmanager and Grafana: the servers that Grafana, Prometheus and users query. */
  private allowServerIngress(props: StackNetworkPoliciesProps): void {
    const prometheus = fromPods(props.prometheus);
    const grafanaSources = props.grafanaIngressNamespaces ?? ['ingress-nginx'];
    allowIngress(this, 'Prometheus', {
      name: 'prometheus-ingress',
      pods: props.prometheus,
      // Grafana queries it; the servers of the HA pair scrape each other.
      rules: [{ peers: [fromPods(props.grafana), prometheus], ports: [{ port: PROMETHEUS_PORT }] }],
    });
    allowIngress(this, 'Alertmanager', {
      name: 'alertmanager-ingress',
      pods: props.alertmanager,
      rules: [
        { peers: [prometheus, fromPods(props.grafana)], ports: [{ port: ALERTMANAGER_PORTS.web }] },
        alertmanagerGossip(props.alertmanager),
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
  }

  /** The collector and the node exporter: what Prometheus scrapes, and the collector's OTLP clients. */
  private allowSourceIngress(props: StackNetworkPoliciesProps): void {
    const prometheus = fromPods(props.prometheus);
    const otlpClients = props.otlpClientNamespaces ?? props.deviceNamespaces;
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
    if (props.hardwareExporter) {
      allowIngress(this, 'HardwareExporter', {
        name: 'node-exporter-ingress',
        pods: props.hardwareExporter,
        rules: [{ peers: [prometheus], ports: [{ port: props.hardwareExporter.port }] }],
      });
    }
  }

  /** Jaeger (spans from the collector, queries from Grafana) and the Pushgateway (pushes from batch jobs). */
  private allowTelemetryIngress(props: StackNetworkPoliciesProps): void {
    const prometheus = fromPods(props.prometheus);
    if (props.jaeger) {
      allowIngress(this, 'Jaeger', {
        name: 'jaeger-ingress',
        pods: props.jaeger,
        rules: [
          { peers: [fromPods(props.otelCollector)], ports: [{ port: JAEGER_PORTS.otlpGrpc }] },
          { peers: [fromPods(props.grafana)], ports: [{ port: JAEGER_PORTS.query }] },
          { peers: [prometheus], ports: [{ port: JAEGER_PORTS.telemetry }] },
        ],
      });
    }
    if (props.pushgateway) {
      const pushers = props.pushClientNamespaces;
      allowIngress(this, 'Pushgateway', {
        name: 'pushgateway-ingress',
        pods: props.pushgateway,
        rules: [
          {
            peers: [pushers ? { kind: 'namespaces', names: pushers } : { kind: 'any-namespace' }, prometheus],
            ports: [{ port: PUSHGATEWAY_PORT }],
          },
        ],
      });
    }
  }

  /** With egress denied: DNS, and what each component must reach. */
  private allowComponentEgress(props: StackNetworkPoliciesProps): void {
    allowEgress(this, 'PrometheusEgress', {
      name: 'prometheus-egress',
      pods: props.prometheus,
      rules: [{ peers: [ANYWHERE], ports: [] }],
    });
    allowEgress(this, 'AlertmanagerEgress', {
      name: 'alertmanager-egress',
      pods: props.alertmanager,
      rules: [
        DNS,
        alertmanagerGossip(props.alertmanager),
        // Slack and webhooks over HTTPS; SMTP submission, implicit TLS and relay.
        { peers: [ANYWHERE], ports: [{ port: 443 }, { port: 587 }, { port: 465 }, { port: 25 }] },
      ],
    });
    allowEgress(this, 'GrafanaEgress', {
      name: 'grafana-egress',
      pods: props.grafana,
      rules: [
        DNS,
        { peers: [fromPods(props.prometheus)], ports: [{ port: PROMETHEUS_PORT }] },
        { peers: [fromPods(props.alertmanager)], ports: [{ port: ALERTMANAGER_PORTS.web }] },
        ...(props.jaeger ? [{ peers: [fromPods(props.jaeger)], ports: [{ port: JAEGER_PORTS.query }] }] : []),
      ],
    });
    allowEgress(this, 'OtelCollectorEgress', {
      name: 'otel-collector-egress',
      pods: props.otelCollector,
      // OTLP gRPC to a trace store; OTLP/HTTP to one on 4318 or behind TLS on 443.
      rules: [DNS, { peers: [ANYWHERE], ports: [{ port: OTEL_PORTS.grpc }, { port: OTEL_PORTS.http }, { port: 443 }] }],
    });
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

type PolicyRule = AllowProps['rules'][number];

/** Any address, in the cluster or outside it. */
const ANYWHERE: TrafficPeer = { kind: 'cidr', cidr: '0.0.0.0/0' };

/** The cluster's DNS, in kube-system, over UDP and TCP. */
const DNS: PolicyRule = {
  peers: [{ kind: 'namespaces', names: ['kube-system'] }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }],
};

function fromPods(pods: PodGroup): TrafficPeer {
  return { kind: 'pods', pods };
}

/** Gossip between the Alertmanager peers only, over TCP and UDP. */
function alertmanagerGossip(alertmanager: PodGroup): PolicyRule {
  return {
    peers: [fromPods(alertmanager)],
    ports: [{ port: ALERTMANAGER_PORTS.cluster }, { port: ALERTMANAGER_PORTS.cluster, protocol: 'UDP' }],
  };
}
