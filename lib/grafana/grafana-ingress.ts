import { ApiObject } from 'cdk8s';
import { KubeIngress } from 'cdk8s-plus-27/lib/imports/k8s';
import type { Construct } from 'constructs';
import { dnsSubdomainProblem } from '../core';

/** The cert-manager issuer that creates the ingress' TLS Secret (cert-manager's ingress-shim). */
export interface CertManagerIssuer {
  /** A ClusterIssuer (annotation `cert-manager.io/cluster-issuer`) or an Issuer in Grafana's namespace (`cert-manager.io/issuer`). */
  readonly kind: 'ClusterIssuer' | 'Issuer';
  readonly name: string;
}

/** How people reach Grafana: one host, from which its root URL and its NetworkPolicy's ingress rule are derived. */
export interface GrafanaIngressProps {
  /**
   * The DNS name people reach Grafana at (`grafana.edge.example.org`). Grafana's root URL is
   * `https://<host>/` with TLS, `http://<host>/` without.
   */
  readonly host: string;
  /** The IngressClass that serves it. @default - the cluster's default IngressClass */
  readonly className?: string;
  /** The `kubernetes.io/tls` Secret the ingress serves, in Grafana's namespace. @default - no TLS at the ingress: plain HTTP */
  readonly tlsSecretName?: string;
  /** The cert-manager issuer that creates `tlsSecretName`. @default - the Secret is created by other means */
  readonly certManagerIssuer?: CertManagerIssuer;
  /** Namespace of the ingress controller's pods: with Prometheus, the only ones admitted to Grafana's port. @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
}

/** The ingress controller namespace the stack admits when none is named. */
export const DEFAULT_INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';

/** A host name: DNS labels joined by dots, optionally under a `*.` wildcard, as an Ingress rule takes it. */
export function ingressHostProblem(host: string): string | undefined {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (dnsSubdomainProblem(name) || !name.split('.').every((label) => label.length <= 63))
    return 'must be a DNS name: lower-case letters, digits and "-" in labels of at most 63 characters, joined by "."';
  return undefined;
}

/** Checks `props`, naming `owner` in the one-line message. */
export function checkGrafanaIngress(owner: string, props: GrafanaIngressProps): void {
  const fail = (message: string): never => {
    throw new Error(`${owner}: ${message}`);
  };
  const hostProblem = ingressHostProblem(props.host);
  if (hostProblem) fail(`'ingress.host' ${hostProblem}, got '${props.host}'`);
  const names: Array<[string, string | undefined]> = [
    ['ingress.className', props.className],
    ['ingress.tlsSecretName', props.tlsSecretName],
    ['ingress.certManagerIssuer.name', props.certManagerIssuer?.name],
    ['ingress.controllerNamespace', props.controllerNamespace],
  ];
  for (const [field, value] of names) {
    const problem = value === undefined ? undefined : dnsSubdomainProblem(value);
    if (problem) fail(`'${field}' '${value}' ${problem}`);
  }
  if (props.certManagerIssuer && !props.tlsSecretName)
    fail(
      `'ingress.certManagerIssuer' needs 'ingress.tlsSecretName', the Secret cert-manager writes the certificate to`,
    );
}

/** The root URL an ingress gives Grafana. */
export function ingressRootUrl(props: GrafanaIngressProps): string {
  return `${props.tlsSecretName ? 'https' : 'http'}://${props.host}/`;
}

/** An Ingress for Grafana's Service: every path of `host`, with TLS when a Secret is named. */
export function grafanaIngress(
  scope: Construct,
  id: string,
  props: GrafanaIngressProps & {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly serviceName: string;
    readonly port: number;
  },
): ApiObject {
  const issuer = props.certManagerIssuer;
  const annotation = issuer?.kind === 'ClusterIssuer' ? 'cert-manager.io/cluster-issuer' : 'cert-manager.io/issuer';
  return new KubeIngress(scope, id, {
    metadata: {
      name: props.name,
      labels: { ...props.labels },
      ...(issuer ? { annotations: { [annotation]: issuer.name } } : {}),
    },
    spec: {
      ...(props.className ? { ingressClassName: props.className } : {}),
      ...(props.tlsSecretName ? { tls: [{ hosts: [props.host], secretName: props.tlsSecretName }] } : {}),
      rules: [
        {
          host: props.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: props.serviceName, port: { number: props.port } } },
              },
            ],
          },
        },
      ],
    },
  });
}

/** The Gateway (Gateway API) a route attaches to. */
export interface GatewayRef {
  readonly name: string;
  /** The Gateway's namespace; its listener's `allowedRoutes` must admit Grafana's namespace. */
  readonly namespace: string;
  /** One listener of the Gateway. @default - every listener of the Gateway */
  readonly sectionName?: string;
}

/** Grafana behind a Gateway API Gateway: one host, from which its root URL and NetworkPolicy rule are derived. */
export interface GrafanaRouteProps {
  /** The DNS name people reach Grafana at; Grafana's root URL is `<scheme>://<host>/`. */
  readonly host: string;
  readonly gateway: GatewayRef;
  /** How the Gateway's listener serves the host. @default 'https' - the listener terminates TLS */
  readonly scheme?: 'https' | 'http';
  /** Namespace of the Gateway's proxy pods, admitted to Grafana's port. @default - the Gateway's namespace */
  readonly proxyNamespace?: string;
}

/** Checks `props`, naming `owner` in the one-line message. */
export function checkGrafanaRoute(owner: string, props: GrafanaRouteProps): void {
  const fail = (message: string): never => {
    throw new Error(`${owner}: ${message}`);
  };
  const hostProblem = ingressHostProblem(props.host);
  if (hostProblem) fail(`'route.host' ${hostProblem}, got '${props.host}'`);
  if (props.scheme !== undefined && props.scheme !== 'https' && props.scheme !== 'http')
    fail(`'route.scheme' must be 'https' or 'http', got '${props.scheme}'`);
  const names: Array<[string, string | undefined]> = [
    ['route.gateway.name', props.gateway.name],
    ['route.gateway.namespace', props.gateway.namespace],
    ['route.gateway.sectionName', props.gateway.sectionName],
    ['route.proxyNamespace', props.proxyNamespace],
  ];
  for (const [field, value] of names) {
    const problem = value === undefined ? undefined : dnsSubdomainProblem(value);
    if (problem) fail(`'${field}' '${value}' ${problem}`);
  }
}

/** The root URL a route gives Grafana. */
export function routeRootUrl(props: GrafanaRouteProps): string {
  return `${props.scheme ?? 'https'}://${props.host}/`;
}

/** The namespace whose pods carry the traffic to Grafana: the ingress controller's, or the Gateway's proxies'. */
export function exposureNamespace(exposure: {
  readonly ingress?: GrafanaIngressProps;
  readonly route?: GrafanaRouteProps;
}): string | undefined {
  if (exposure.ingress) return exposure.ingress.controllerNamespace ?? DEFAULT_INGRESS_CONTROLLER_NAMESPACE;
  if (exposure.route) return exposure.route.proxyNamespace ?? exposure.route.gateway.namespace;
  return undefined;
}

/** An HTTPRoute (gateway.networking.k8s.io/v1) sending every path of `host` to Grafana's Service. */
export function grafanaRoute(
  scope: Construct,
  id: string,
  props: GrafanaRouteProps & {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly serviceName: string;
    readonly port: number;
  },
): ApiObject {
  const { gateway } = props;
  return new ApiObject(scope, id, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      parentRefs: [
        {
          name: gateway.name,
          namespace: gateway.namespace,
          ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
        },
      ],
      hostnames: [props.host],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: props.serviceName, port: props.port }],
        },
      ],
    },
  });
}
