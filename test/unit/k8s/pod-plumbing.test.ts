import { Testing } from 'cdk8s';
import type { Probe } from 'cdk8s-plus-27/lib/imports/k8s';
import { KUBECTL_APPLY_ANNOTATION_LIMIT } from '../../../lib/k8s/manifest-limits';
import {
  checkedConfigMap,
  containerPort,
  httpProbes,
  podServiceAccount,
  podTemplateMetadata,
  serviceAccount,
  servicePort,
  spreadOverNodes,
} from '../../../lib/k8s/pod-plumbing';
import { byKind, type Manifest } from '../../support/manifests';

describe('ports', () => {
  const grpc = { name: 'otlp-grpc', port: 4317, appProtocol: 'grpc' };
  const gossip = { name: 'cluster-udp', port: 9094, protocol: 'UDP' } as const;

  test('a container port is named and TCP unless told otherwise', () => {
    expect(containerPort(grpc)).toEqual({ name: 'otlp-grpc', containerPort: 4317, protocol: 'TCP' });
    expect(containerPort(gossip)).toEqual({ name: 'cluster-udp', containerPort: 9094, protocol: 'UDP' });
  });

  test('a Service port targets the container port by its name, with the app protocol when there is one', () => {
    expect(servicePort(grpc)).toMatchObject({ name: 'otlp-grpc', port: 4317, protocol: 'TCP', appProtocol: 'grpc' });
    expect(servicePort(grpc).targetPort?.value).toBe('otlp-grpc');
    expect(servicePort(gossip)).not.toHaveProperty('appProtocol');
  });
});

describe('httpProbes', () => {
  test('readiness and liveness on the same port; liveness on its own path and threshold', () => {
    const probes = httpProbes({
      port: 'web',
      readyPath: '/-/ready',
      livePath: '/-/healthy',
      livenessFailureThreshold: 6,
    });
    expect(probes.readinessProbe).toMatchObject({ httpGet: { path: '/-/ready' }, failureThreshold: 3 });
    expect(probes.livenessProbe).toMatchObject({ httpGet: { path: '/-/healthy' }, failureThreshold: 6 });
    expect(probes.livenessProbe.httpGet?.port.value).toBe('web');
    expect(probes).not.toHaveProperty('startupProbe');
  });

  test('liveness defaults to the readiness path and 3 failures', () => {
    const probes = httpProbes({ port: 'health', readyPath: '/' });
    expect(probes.livenessProbe).toMatchObject({ httpGet: { path: '/' }, failureThreshold: 3, periodSeconds: 10 });
  });

  test('a startup probe, when asked, checks readiness at its own pace', () => {
    const probes = httpProbes({
      port: 'http',
      readyPath: '/api/health',
      startup: { periodSeconds: 5, failureThreshold: 60 },
    });
    expect(probes.startupProbe).toMatchObject({
      httpGet: { path: '/api/health' },
      periodSeconds: 5,
      failureThreshold: 60,
    });
  });

  test('adapt rewrites every probe and is told the path and port', () => {
    const seen: string[] = [];
    const adapt = (path: string, port: string, probe: Probe): Probe => {
      seen.push(`${port}${path}`);
      return { ...probe, httpGet: { ...probe.httpGet!, scheme: 'HTTPS' } };
    };
    const probes = httpProbes({
      port: 'web',
      readyPath: '/r',
      livePath: '/l',
      startup: { failureThreshold: 9 },
      adapt,
    });
    expect(seen).toEqual(['web/r', 'web/l', 'web/r']);
    expect([probes.readinessProbe, probes.livenessProbe, probes.startupProbe].map((p) => p?.httpGet?.scheme)).toEqual([
      'HTTPS',
      'HTTPS',
      'HTTPS',
    ]);
  });
});

describe('service accounts', () => {
  test('no API token unless the component calls the Kubernetes API', () => {
    const chart = Testing.chart();
    serviceAccount(chart, 'Quiet', { name: 'grafana', labels: { a: 'b' } });
    serviceAccount(chart, 'Caller', { name: 'prometheus', labels: {}, callsKubernetesApi: true });
    const accounts = byKind(Testing.synth(chart) as Manifest[], 'ServiceAccount') as any[];
    expect(accounts.map((a) => [a.metadata.name, a.automountServiceAccountToken])).toEqual([
      ['grafana', false],
      ['prometheus', true],
    ]);
    expect(accounts[0].metadata.labels).toEqual({ a: 'b' });
  });

  test('the pod spec says the same: its token is off unless it calls the API', () => {
    expect(podServiceAccount({ name: 'grafana' })).toEqual({
      serviceAccountName: 'grafana',
      automountServiceAccountToken: false,
    });
    expect(podServiceAccount({ name: 'prometheus', callsKubernetesApi: true })).toEqual({
      serviceAccountName: 'prometheus',
    });
  });
});

describe('podTemplateMetadata', () => {
  test('puts the configuration hash on the pod template, so that a change rolls the pods', () => {
    expect(podTemplateMetadata({ app: 'x' }, 'abc123')).toEqual({
      labels: { app: 'x' },
      annotations: { 'checksum/config': 'abc123' },
    });
  });

  test('only labels without a hash', () => {
    expect(podTemplateMetadata({ app: 'x' })).toEqual({ labels: { app: 'x' } });
  });
});

describe('spreadOverNodes', () => {
  test('prefers, without requiring, one pod of the selector per node', () => {
    const affinity = spreadOverNodes({ app: 'x' });
    expect(affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        weight: 100,
        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'x' } } },
      },
    ]);
  });
});

describe('checkedConfigMap', () => {
  test('renders the name, labels and data as given', () => {
    const chart = Testing.chart();
    checkedConfigMap(chart, 'Config', { name: 'c', labels: { a: 'b' }, data: { 'z.yml': 'z', 'a.yml': 'a' } });
    const [cm] = byKind(Testing.synth(chart) as Manifest[], 'ConfigMap') as any[];
    expect(cm.metadata).toMatchObject({ name: 'c', labels: { a: 'b' } });
    expect(cm.data).toEqual({ 'z.yml': 'z', 'a.yml': 'a' });
  });

  test('fails when the data would not fit through kubectl apply', () => {
    const big = 'x'.repeat(KUBECTL_APPLY_ANNOTATION_LIMIT);
    expect(() => checkedConfigMap(Testing.chart(), 'Config', { name: 'big', data: { 'a.yml': big } })).toThrow(
      /^ConfigMap 'big': its data is \d+ bytes, over the 262144 bytes/,
    );
  });
});
