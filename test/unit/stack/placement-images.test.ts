import { Testing } from 'cdk8s';
import { config } from '../../../config';
import { MonitoringStack, OperatorStack, type StackConfig, type Toleration } from '../../../lib';
import type { Manifest as AnyManifest } from '../../support/manifests';

// biome-ignore lint/suspicious/noExplicitAny: a workload's spec, read as rendered
type Manifest = AnyManifest & { spec: any };

const PODS = ['StatefulSet', 'Deployment', 'DaemonSet'];

function podTemplates(stackConfig: StackConfig, operator = false): Manifest[] {
  const app = Testing.app();
  if (operator) new OperatorStack(app, 'stack', stackConfig);
  else new MonitoringStack(app, 'stack', stackConfig);
  return app.charts.flatMap((c) => Testing.synth(c) as Manifest[]).filter((m) => PODS.includes(m.kind));
}

const images = (workload: Manifest): string[] => {
  const spec = workload.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers].map((c: { image: string }) => c.image);
};

const TOLERATION: Toleration = { key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' };
const PLACEMENT = {
  nodeSelector: { 'node-role.kubernetes.io/monitoring': 'true' },
  tolerations: [TOLERATION],
  topologySpreadConstraints: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 }],
  priorityClassName: 'monitoring-critical',
};

describe('placement on every component', () => {
  test('each workload of the stack takes its node selector, tolerations, spread and priority class', () => {
    const placed = podTemplates({
      ...config,
      prometheus: { ...config.prometheus, ...PLACEMENT },
      alertmanager: { ...config.alertmanager, ...PLACEMENT },
      grafana: { adminSecret: { secretName: 'grafana-credentials' }, ...PLACEMENT },
      otelCollector: { ...PLACEMENT },
      hardwareExporter: { ...PLACEMENT },
      jaeger: { ...PLACEMENT },
      pushgateway: { ...PLACEMENT },
    });
    expect(placed.map((w) => `${w.kind}/${w.metadata.name}`).sort()).toEqual([
      'DaemonSet/node-exporter',
      'Deployment/grafana',
      'Deployment/otel-collector',
      'StatefulSet/alertmanager',
      'StatefulSet/jaeger',
      'StatefulSet/prometheus',
      'StatefulSet/pushgateway',
    ]);
    for (const workload of placed) {
      expect(workload.spec.template.spec).toMatchObject({
        nodeSelector: PLACEMENT.nodeSelector,
        tolerations: [TOLERATION],
        priorityClassName: 'monitoring-critical',
        topologySpreadConstraints: [
          {
            topologyKey: 'topology.kubernetes.io/zone',
            maxSkew: 1,
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: workload.spec.selector.matchLabels },
          },
        ],
      });
    }
  });

  test('by default: replicas spread over nodes, the exporter on edge devices only, no priority class', () => {
    const byName = new Map(podTemplates(config).map((w) => [w.metadata.name, w.spec.template.spec]));
    expect(byName.get('prometheus').affinity.podAntiAffinity).toBeDefined();
    expect(byName.get('node-exporter')).toMatchObject({
      nodeSelector: { 'liquid-audio-nets.dev/edge-device': 'true' },
      tolerations: [{ key: 'liquid-audio-nets.dev/edge-device', operator: 'Exists' }],
    });
    for (const spec of byName.values()) expect(spec.priorityClassName).toBeUndefined();
  });
});

describe('images from a mirror registry', () => {
  test('rewrites every image of every pod, init containers included, and keeps the tags', () => {
    const stack: StackConfig = {
      ...config,
      images: { registry: 'mirror.edge.example:5000', digests: { prometheus: `sha256:${'0'.repeat(64)}` } },
      security: {
        prometheus: {
          basicAuth: {
            username: 'ops',
            password: { secretName: 'prometheus-web', key: 'password' },
            passwordHash: { secretName: 'prometheus-web', key: 'hash' },
          },
        },
      },
    };
    const all = podTemplates(stack).flatMap(images);
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const image of all) expect(image).toMatch(/^mirror\.edge\.example:5000\/[a-z0-9/-]+:[\w.-]+(@sha256:0{64})?$/);
    expect(all).toContain(`mirror.edge.example:5000/prometheus/prometheus:v3.13.2@sha256:${'0'.repeat(64)}`);
    const operator = podTemplates({ ...config, images: { registry: 'mirror.edge.example:5000' }, operator: {} }, true);
    expect(operator.flatMap(images)).toEqual(['mirror.edge.example:5000/otel/opentelemetry-collector-contrib:0.155.0']);
  });

  test("a component's own image is kept as given", () => {
    const own = { repository: 'registry.internal/grafana-custom', tag: '13.2.3-site' };
    const grafana = podTemplates({
      ...config,
      images: { registry: 'mirror.edge.example' },
      grafana: { adminSecret: { secretName: 'grafana-credentials' }, image: own },
    }).find((w) => w.metadata.name === 'grafana')!;
    expect(images(grafana)).toEqual(['registry.internal/grafana-custom:13.2.3-site']);
  });

  test('fails when the registry is not a host', () => {
    expect(() => podTemplates({ ...config, images: { registry: 'https://mirror.example' } })).toThrow(
      /^stack 'stack': 'images.registry' must be a registry host/,
    );
  });
});
