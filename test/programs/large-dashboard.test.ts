import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { DASHBOARD_CATALOGUE } from '../../alerts';
import { loadDashboardJson } from '../../lib';
import { Grafana } from '../../lib/grafana/grafana';
import { CONFIGMAP_DATA_LIMIT, KUBECTL_APPLY_ANNOTATION_LIMIT } from '../../lib/k8s/manifest-limits';
import { type ControlPlane, startControlPlane } from '../support/kube-apiserver';
import { stillRunning } from '../support/processes';

/**
 * A large dashboard exported from Grafana, through the real kube-apiserver: why the README applies
 * dist/ server-side. Its ConfigMap (over 256 KiB) is refused by client-side `kubectl apply`, whose
 * last-applied annotation would copy it, and accepted server-side; the API server's own limit on
 * a ConfigMap's data is the 1 MiB the synth checks.
 */
jest.setTimeout(180_000);

let plane: ControlPlane;

beforeAll(async () => {
  plane = await startControlPlane();
  expect(plane.kubectl(['create', 'namespace', 'monitoring']).status).toBe(0);
});

afterAll(async () => {
  await plane?.stop();
  expect(stillRunning()).toEqual([]);
});

/** The repository's example export, its raw-samples panel repeated until the file is `bytes` long. */
function largeDashboardFolder(bytes: number): string {
  const example = JSON.parse(readFileSync(join(__dirname, '../../dashboards/json/edge-cpu.json'), 'utf8'));
  const template = example.panels[2];
  for (let i = 0; JSON.stringify(example, null, 2).length < bytes; i++) {
    example.panels.push({
      ...structuredClone(template),
      id: 4 + i,
      title: `CPU samples ${4 + i}`,
      description: `Raw CPU samples of device group ${4 + i}. ${'Shown beside the 5m average. '.repeat(40)}`,
      gridPos: { h: 9, w: 24, x: 0, y: 18 + 9 * i },
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'large-dashboard-'));
  writeFileSync(join(dir, 'edge-cpu.json'), JSON.stringify(example, null, 2));
  return dir;
}

/** The dashboard's ConfigMap as the Grafana construct renders it. */
function dashboardConfigMap(): any {
  const chart = new Chart(Testing.app(), 'grafana', { namespace: 'monitoring' });
  new Grafana(chart, 'Grafana', {
    instance: 'liquid-audio-nets',
    prometheusUrl: 'http://prometheus.monitoring.svc:9090',
    alertmanagerUrl: 'http://alertmanager.monitoring.svc:9093',
    adminSecret: { secretName: 'grafana-credentials' },
    dashboards: loadDashboardJson(largeDashboardFolder(700_000)),
    catalogue: DASHBOARD_CATALOGUE.with({
      name: 'device:cpu_usage_percent:avg5m',
      type: 'gauge',
      unit: DASHBOARD_CATALOGUE.get('cpu_usage_percent')!.unit,
      help: 'recorded',
    }),
  });
  return Testing.synth(chart).find((m: any) => m.metadata.name === 'grafana-dashboard-edge-cpu');
}

describe('a 700 kB exported dashboard on the real API server', () => {
  const configMap = dashboardConfigMap();
  const json = JSON.stringify(configMap);

  test('its ConfigMap is above what client-side apply can record, below the ConfigMap limit', () => {
    const size = Buffer.byteLength(configMap.data['edge-cpu.json']);
    expect(size).toBeGreaterThan(KUBECTL_APPLY_ANNOTATION_LIMIT);
    expect(size).toBeLessThan(CONFIGMAP_DATA_LIMIT);
  });

  test('client-side kubectl apply is refused: its last-applied annotation would be too long', () => {
    const result = plane.kubectl(['apply', '-f', '-'], json);
    expect(result.stderr).toMatch(
      /metadata\.annotations: Too long: (may not be more than|must have at most) 262144 bytes/,
    );
    expect(result.status).not.toBe(0);
  });

  test('server-side apply, as the README applies dist/, accepts it and keeps no copy in an annotation', () => {
    const args = ['apply', '--server-side', '--validate=strict', '--field-manager=liquid-audio-nets', '-f', '-'];
    const result = plane.kubectl(args, json);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const stored = JSON.parse(
      plane.kubectl(['-n', 'monitoring', 'get', 'configmap', 'grafana-dashboard-edge-cpu', '-o', 'json']).stdout,
    );
    expect(stored.data['edge-cpu.json']).toBe(configMap.data['edge-cpu.json']);
    expect(stored.metadata.annotations ?? {}).not.toHaveProperty('kubectl.kubernetes.io/last-applied-configuration');
  });

  test('the API server holds a ConfigMap to the 1 MiB of data the synth checks', () => {
    const sized = (name: string, bytes: number) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: 'monitoring' },
        data: { 'a.json': 'x'.repeat(bytes) },
      });
    const apply = (text: string) => plane.kubectl(['apply', '--server-side', '--field-manager=test', '-f', '-'], text);
    expect(apply(sized('at-limit', CONFIGMAP_DATA_LIMIT)).status).toBe(0);
    const over = apply(sized('over-limit', CONFIGMAP_DATA_LIMIT + 1));
    expect(over.stderr).toMatch(/Too long: (may not be more than|must have at most) 1048576 bytes/);
    expect(over.status).not.toBe(0);
  });
});
