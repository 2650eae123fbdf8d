import { join, resolve } from 'node:path';
import { exampleDir, exampleNames, type KubeObject, loadDist } from '../support/dist';
import { type ControlPlane, startControlPlane } from '../support/kube-apiserver';
import { stillRunning } from '../support/processes';

/**
 * The examples that land in a cluster already running kube-prometheus-stack, judged by the real
 * kube-apiserver (pinned version) with the Prometheus Operator's CRDs installed: the pinned copies
 * in crds/prometheus-operator/, from which the typed classes were imported. Each example gets a
 * control plane of its own, a `monitoring` namespace as kube-prometheus-stack leaves it (its
 * node-exporter holding host port 9100), and must apply with strict field validation without
 * touching what is already there.
 */
jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../..');
const CRDS = join(ROOT, 'crds/prometheus-operator');
/** Grafana's HTTPRoute is judged by the Gateway API's pinned CRD (crds/gateway-api/, GATEWAY_API_VERSION). */
const GATEWAY_CRDS = join(ROOT, 'crds/gateway-api');
const CRD_NAMES = [
  ...['alertmanagerconfigs', 'podmonitors', 'prometheusrules', 'servicemonitors'].map(
    (k) => `crd/${k}.monitoring.coreos.com`,
  ),
  'crd/httproutes.gateway.networking.k8s.io',
];

/** What kube-prometheus-stack leaves in the cluster that the examples must not touch. */
const EXISTING: readonly KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { team: 'platform' } } },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'kube-prometheus-stack-prometheus-node-exporter',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' },
    },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'prometheus-node-exporter' } },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: 'node-exporter',
              image: 'quay.io/prometheus/node-exporter:v1.12.1',
              ports: [{ name: 'http-metrics', containerPort: 9100, hostPort: 9100 }],
            },
          ],
        },
      },
    },
  },
];

const APPLY = ['apply', '--server-side', '--validate=strict', '--field-manager=liquid-audio-nets'];

describe.each(exampleNames())('dist/%s/', (example) => {
  let plane: ControlPlane;
  const dir = exampleDir(example);
  const docs = loadDist(dir);
  const kubectl = (args: readonly string[], input?: string) => plane.kubectl(args, input);
  let applied: ReturnType<typeof kubectl>;

  beforeAll(async () => {
    plane = await startControlPlane();
    const crds = kubectl(['apply', '--server-side', '-f', CRDS, '-f', GATEWAY_CRDS]);
    expect(crds.stderr).toBe('');
    const established = kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...CRD_NAMES]);
    expect(established.status).toBe(0);
    const existing = kubectl(
      ['apply', '--server-side', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: EXISTING }),
    );
    expect(existing.stderr).toBe('');
    applied = kubectl([...APPLY, '-f', dir]);
  });

  afterAll(async () => {
    await plane?.stop();
    expect(stillRunning()).toEqual([]);
  });

  test('accepts every object with strict field validation', () => {
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    const lines = applied.stdout.trim().split('\n');
    expect(lines).toHaveLength(docs.length);
    for (const line of lines) expect(line).toMatch(/ serverside-applied$/);
  });

  test('stores every object as rendered: a server-side diff finds nothing', () => {
    const diff = kubectl(['diff', '--server-side', '--field-manager=liquid-audio-nets', '-f', dir]);
    expect(diff.stdout).toBe('');
    expect(diff.status).toBe(0);
  });

  test("leaves kube-prometheus-stack's namespace as it was: no label changed, no object added", () => {
    const ns = JSON.parse(kubectl(['get', 'namespace', 'monitoring', '-o', 'json']).stdout) as KubeObject;
    expect(Object.keys(ns.metadata?.labels ?? {}).sort()).toEqual(['kubernetes.io/metadata.name', 'team']);
    const inMonitoring = docs.filter(
      (d) => d.object.metadata?.namespace === 'monitoring' || d.object.metadata?.name === 'monitoring',
    );
    expect(inMonitoring.map((d) => `${d.object.kind}/${d.object.metadata?.name}`)).toEqual([]);
    const policies = kubectl(['get', 'networkpolicies', '-n', 'monitoring', '-o', 'name']);
    expect(policies.stdout.trim()).toBe('');
  });

  test('asks for no host port the existing node-exporter holds', () => {
    const hostPorts = docs.flatMap((d) => {
      const spec = (
        d.object.spec as { template?: { spec?: { containers?: Array<{ ports?: Array<{ hostPort?: number }> }> } } }
      )?.template?.spec;
      return (spec?.containers ?? [])
        .flatMap((c) => (c.ports ?? []).map((p) => p.hostPort))
        .filter((p) => p !== undefined);
    });
    expect(hostPorts).not.toContain(9100);
  });

  if (example === 'operator') {
    test("holds the operator kinds, labelled for the chart's selectors", () => {
      const kinds = docs.map((d) => d.object.kind);
      for (const kind of ['PrometheusRule', 'PodMonitor', 'AlertmanagerConfig']) expect(kinds).toContain(kind);
      for (const d of docs.filter((x) => ['PrometheusRule', 'PodMonitor'].includes(x.object.kind))) {
        expect(d.object.metadata?.labels?.release).toBe('kube-prometheus-stack');
      }
      const dashboards = docs.filter((d) => d.object.metadata?.labels?.grafana_dashboard === '1');
      expect(dashboards.length).toBeGreaterThan(0);
      expect(kinds).not.toEqual(expect.arrayContaining(['StatefulSet']));
    });

    test('refuses a PrometheusRule with an unknown field, so the CRD schema judges them', () => {
      const rule = docs.find((d) => d.object.kind === 'PrometheusRule')?.object as KubeObject;
      const spec = rule.spec as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
      const broken = {
        ...rule,
        metadata: { ...rule.metadata, name: 'strict-check' },
        spec: { groups: [{ ...spec.groups[0], rules: [{ ...spec.groups[0].rules[0], exprr: 'up' }] }] },
      };
      const result = kubectl([...APPLY, '-f', '-'], JSON.stringify(broken));
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/exprr: field not declared in schema/);
    });
  }
});
