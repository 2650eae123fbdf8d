import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config } from '../../../config';
import { MonitoringStack, OperatorStack, type StackConfig } from '../../../lib';
import type { Manifest } from '../../support/manifests';

// biome-ignore lint/suspicious/noExplicitAny: objects read as rendered
type Rendered = Manifest & { spec: any; data?: any };

function render(stackConfig: StackConfig): Rendered[] {
  const app = Testing.app();
  new MonitoringStack(app, 'stack', stackConfig);
  return app.charts.flatMap((c) => Testing.synth(c) as Rendered[]);
}

const withIngress = (ingress: object, grafana: object = {}) =>
  ({
    ...config,
    grafana: { adminSecret: { secretName: 'grafana-credentials' }, ...grafana, ingress },
  }) as StackConfig;

const find = (objects: Rendered[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const rootUrlOf = (objects: Rendered[]) =>
  find(objects, 'Deployment', 'grafana')?.spec.template.spec.containers[0].env.find(
    (e: { name: string }) => e.name === 'GF_SERVER_ROOT_URL',
  )?.value;
const grafanaSources = (objects: Rendered[]) =>
  find(objects, 'NetworkPolicy', 'grafana-ingress')?.spec.ingress.flatMap(
    (rule: { from: Array<{ namespaceSelector?: { matchExpressions?: Array<{ values: string[] }> } }> }) =>
      rule.from.flatMap((peer) => peer.namespaceSelector?.matchExpressions?.flatMap((e) => e.values) ?? []),
  );

describe("Grafana's Ingress", () => {
  test('none by default', () => {
    expect(render(config).filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('one host gives the Ingress rule, the TLS entry, the root URL and the cert-manager annotation', () => {
    const objects = render(
      withIngress({
        host: 'grafana.edge.example.org',
        className: 'nginx',
        tlsSecretName: 'grafana-tls',
        certManagerIssuer: { kind: 'ClusterIssuer', name: 'letsencrypt' },
        controllerNamespace: 'ingress-system',
      }),
    );
    const ingress = find(objects, 'Ingress', 'grafana');
    expect(ingress).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      metadata: {
        namespace: 'liquid-audio-nets-monitoring',
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        labels: { 'app.kubernetes.io/name': 'grafana' },
      },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['grafana.edge.example.org'], secretName: 'grafana-tls' }],
        rules: [
          {
            host: 'grafana.edge.example.org',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 3000 } } } },
              ],
            },
          },
        ],
      },
    });
    expect(rootUrlOf(objects)).toBe('https://grafana.edge.example.org/');
    expect(grafanaSources(objects)).toEqual(['ingress-system']);
    const env = find(objects, 'Deployment', 'grafana')?.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'GF_SECURITY_COOKIE_SECURE', value: 'true' });
  });

  test('without TLS: an http root URL, no tls entry, an Issuer annotation only when asked, the default controller namespace', () => {
    const objects = render(withIngress({ host: 'grafana.lab.internal' }));
    const ingress = find(objects, 'Ingress', 'grafana');
    expect(ingress?.spec.tls).toBeUndefined();
    expect(ingress?.metadata).not.toHaveProperty('annotations');
    expect(rootUrlOf(objects)).toBe('http://grafana.lab.internal/');
    expect(grafanaSources(objects)).toEqual(['ingress-nginx']);
  });

  test('fails when the host is not a DNS name', () => {
    expect(() => render(withIngress({ host: 'Grafana Edge' }))).toThrow(
      `grafana 'grafana': 'ingress.host' must be a DNS name: lower-case letters, digits and "-" in labels of at most 63 characters, joined by ".", got 'Grafana Edge'`,
    );
    expect(() => render(withIngress({ host: 'https://grafana.example.org' }))).toThrow(
      /'ingress.host' must be a DNS name/,
    );
  });

  test('fails when the root URL or the ingress namespaces are also written by hand', () => {
    expect(() =>
      render(withIngress({ host: 'grafana.example.org' }, { rootUrl: 'https://other.example.org/' })),
    ).toThrow(/'rootUrl' and 'ingress' are both set/);
    expect(() =>
      render({ ...withIngress({ host: 'grafana.example.org' }), networkPolicies: { grafanaIngressNamespaces: ['x'] } }),
    ).toThrow(/'networkPolicies.grafanaIngressNamespaces' and 'grafana.ingress' are both set/);
  });

  test('fails when a cert-manager issuer has no Secret to write to', () => {
    expect(() =>
      render(withIngress({ host: 'grafana.example.org', certManagerIssuer: { kind: 'Issuer', name: 'ca' } })),
    ).toThrow(/'ingress.certManagerIssuer' needs 'ingress.tlsSecretName'/);
  });
});

test('the parsed Grafana config is untouched by an Ingress (its settings are environment variables)', () => {
  const base = render(config).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-provisioning');
  const other = render(withIngress({ host: 'grafana.example.org' })).find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === 'grafana-provisioning',
  );
  expect(parse(JSON.stringify(other?.data))).toEqual(parse(JSON.stringify(base?.data)));
});

describe("Grafana's HTTPRoute", () => {
  const withRoute = (route: object, grafana: object = {}) =>
    ({
      ...config,
      grafana: { adminSecret: { secretName: 'grafana-credentials' }, ...grafana, route },
    }) as StackConfig;

  test("attaches to the Gateway with the host; the root URL is https and the Gateway's namespace is admitted", () => {
    const objects = render(
      withRoute({
        host: 'grafana.edge.example.org',
        gateway: { name: 'edge', namespace: 'gateways', sectionName: 'https' },
      }),
    );
    expect(find(objects, 'HTTPRoute', 'grafana')).toMatchObject({
      apiVersion: 'gateway.networking.k8s.io/v1',
      metadata: { namespace: 'liquid-audio-nets-monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } },
      spec: {
        parentRefs: [{ name: 'edge', namespace: 'gateways', sectionName: 'https' }],
        hostnames: ['grafana.edge.example.org'],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'grafana', port: 3000 }] },
        ],
      },
    });
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(rootUrlOf(objects)).toBe('https://grafana.edge.example.org/');
    expect(grafanaSources(objects)).toEqual(['gateways']);
  });

  test('an http listener and proxies in a namespace of their own', () => {
    const objects = render(
      withRoute({
        host: 'grafana.lab.internal',
        scheme: 'http',
        gateway: { name: 'lab', namespace: 'gateways' },
        proxyNamespace: 'envoy-gateway-system',
      }),
    );
    expect(rootUrlOf(objects)).toBe('http://grafana.lab.internal/');
    expect(grafanaSources(objects)).toEqual(['envoy-gateway-system']);
    expect(find(objects, 'HTTPRoute', 'grafana')?.spec.parentRefs).toEqual([{ name: 'lab', namespace: 'gateways' }]);
  });

  test('fails when the host is not a DNS name, or when both an Ingress and a route are set', () => {
    expect(() => render(withRoute({ host: 'grafana_edge', gateway: { name: 'g', namespace: 'n' } }))).toThrow(
      /^grafana 'grafana': 'route.host' must be a DNS name/,
    );
    expect(() =>
      render(
        withRoute(
          { host: 'grafana.example.org', gateway: { name: 'g', namespace: 'n' } },
          { ingress: { host: 'a.example' } },
        ),
      ),
    ).toThrow(/'ingress' and 'route' are both set/);
    expect(() =>
      render(withRoute({ host: 'grafana.example.org', gateway: { name: 'g', namespace: 'Gateways' } })),
    ).toThrow(/'route.gateway.namespace' 'Gateways' must be lower-case/);
  });
});

test('fails in operator mode, which has no Grafana of its own to expose', () => {
  const app = Testing.app();
  const operator = {
    ...config,
    operator: {},
    grafana: { adminSecret: { secretName: 'grafana-credentials' }, ingress: { host: 'grafana.example.org' } },
  };
  expect(() => new OperatorStack(app, 'ops', operator)).toThrow(
    /^stack 'ops': 'grafana.ingress' is set in operator mode, which runs no Grafana of its own/,
  );
});
