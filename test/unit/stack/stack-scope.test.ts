import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdk8s';
import { config } from '../../../config';
import { MonitoringStack, OperatorStack, StagedApp } from '../../../lib';
import { loadDist } from '../../support/dist';
import type { Manifest } from '../../support/manifests';

const edge = { ...config, namespace: 'edge-monitoring', instance: 'edge' };
const lab = { ...config, namespace: 'lab-monitoring', instance: 'lab' };

/** `apiVersion Kind namespace/name`: two objects with one of these would overwrite each other. */
const identity = (o: Manifest) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('a stack is a scope of its own', () => {
  test('creates its charts inside itself', () => {
    const app = Testing.app();
    const stack = new MonitoringStack(app, 'edge', edge);
    expect(app.node.children).toEqual([stack]);
    expect(app.charts.map((c) => c.node.path)).toContain('edge/prometheus');
  });

  test('two stacks with different ids and namespaces coexist in one App, no object written twice', () => {
    const app = Testing.app();
    new MonitoringStack(app, 'edge', edge);
    new MonitoringStack(app, 'lab', lab);
    new OperatorStack(app, 'shared', { ...config, namespace: 'shared-monitoring', operator: {} });
    const objects = app.charts.flatMap((c) => Testing.synth(c) as Manifest[]);
    const ids = objects.map(identity);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const namespaces = new Set(objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])));
    expect([...namespaces].sort()).toEqual([
      'edge-monitoring',
      'edge-monitoring-hardware',
      'lab-monitoring',
      'lab-monitoring-hardware',
      'shared-monitoring',
    ]);
    const statefulSets = objects.filter((o) => o.kind === 'StatefulSet').map(identity);
    // Prometheus, Alertmanager, Jaeger and the Pushgateway, in each of the two stacks.
    expect(statefulSets).toHaveLength(8);
  });

  test('the synth names their files by stack and chart, each stack in apply order', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'two-stacks-')), 'dist');
    const app = new StagedApp({ outdir });
    new MonitoringStack(app, 'edge', edge);
    new MonitoringStack(app, 'lab', lab);
    app.synth();
    const files = readdirSync(outdir).map((f) => f.replace(/^\d{4}-/, ''));
    expect(files).toEqual(expect.arrayContaining(['edge-namespace.k8s.yaml', 'lab-prometheus.k8s.yaml']));
    expect(files).toHaveLength(18);
    const names = readdirSync(outdir);
    expect(names.indexOf(names.find((n) => n.endsWith('-edge-namespace.k8s.yaml'))!)).toBeLessThan(
      names.indexOf(names.find((n) => n.endsWith('-edge-prometheus.k8s.yaml'))!),
    );
    expect(loadDist(outdir).filter((d) => d.object.kind === 'Namespace')).toHaveLength(4);
  });

  test('one stack in a plain cdk8s App synthesizes as well', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'plain-app-')) });
    new MonitoringStack(app, 'edge', edge);
    expect(() => app.synth()).not.toThrow();
  });
});
