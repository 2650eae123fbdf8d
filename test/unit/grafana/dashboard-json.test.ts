import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Testing } from 'cdk8s';
import { DASHBOARD_CATALOGUE } from '../../../alerts';
import { DASHBOARDS } from '../../../dashboards';
import { loadDashboardJson } from '../../../lib';
import { Grafana } from '../../../lib/grafana/grafana';
import { CONFIGMAP_DATA_LIMIT, KUBECTL_APPLY_ANNOTATION_LIMIT } from '../../../lib/k8s/manifest-limits';
import { byKind, type Manifest } from '../../support/manifests';

const EXAMPLE_DIR = join(__dirname, '../../../dashboards/json');
const EXAMPLE = JSON.parse(readFileSync(join(EXAMPLE_DIR, 'edge-cpu.json'), 'utf8'));

/** A folder holding `files` (name to JSON value, or raw text). */
function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-json-'));
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

/** The example export with `edit` applied to a copy. */
function exported(edit: (d: any) => void = () => {}): any {
  const copy = structuredClone(EXAMPLE);
  edit(copy);
  return copy;
}

/** A Grafana provisioned with `dashboards`, checked against the stack's dashboard catalogue. */
function grafana(dashboards: readonly Dashboard[]) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  new Grafana(chart, 'Grafana', {
    instance: 'test',
    prometheusUrl: 'http://prometheus.monitoring.svc:9090',
    alertmanagerUrl: 'http://alertmanager.monitoring.svc:9093',
    adminSecret: { secretName: 'grafana-admin' },
    dashboards,
    catalogue: DASHBOARD_CATALOGUE.with({
      name: 'device:cpu_usage_percent:avg5m',
      type: 'gauge',
      unit: DASHBOARD_CATALOGUE.get('cpu_usage_percent')!.unit,
      help: 'recorded',
    }),
  });
  return Testing.synth(chart) as Manifest[];
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('loadDashboardJson', () => {
  test('resolves the example export: inputs gone, every datasource the provisioned one, its uid kept', () => {
    const [d] = loadDashboardJson(EXAMPLE_DIR) as any[];
    expect(d.uid).toBe('edge-cpu');
    for (const key of ['__inputs', '__elements', '__requires']) expect(d).not.toHaveProperty(key);
    const text = JSON.stringify(d);
    expect(text).not.toContain('DS_PROMETHEUS');
    expect(d.panels.map((p: any) => p.datasource)).toEqual(Array(3).fill({ type: 'prometheus', uid: 'prometheus' }));
    expect(d.templating.list[0].datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
    // The built-in annotation keeps Grafana's own datasource.
    expect(d.annotations.list[0].datasource).toEqual({ type: 'grafana', uid: '-- Grafana --' });
  });

  test('the example passes the stack’s checks and gets its own ConfigMap', () => {
    const manifests = grafana([...DASHBOARDS, ...loadDashboardJson(EXAMPLE_DIR)]);
    const cm = byKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'grafana-dashboard-edge-cpu') as any;
    expect(JSON.parse(cm.data['edge-cpu.json'])).toMatchObject({ uid: 'edge-cpu', title: 'Edge CPU' });
  });

  test('an older export: a datasource named by its input as a string becomes a { type, uid } reference', () => {
    const dir = folder({
      'old.json': exported((d) => {
        d.panels[0].datasource = '${DS_PROMETHEUS}';
        d.panels[0].targets[0].datasource = undefined;
      }),
    });
    const [d] = loadDashboardJson(dir) as any[];
    expect(d.panels[0].datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
    grafana([d]);
  });

  test('constant inputs and datasource variables resolve too', () => {
    const dir = folder({
      'vars.json': exported((d) => {
        d.__inputs.push({ name: 'VAR_SITE', type: 'constant', label: 'site', value: 'lab' });
        d.description = 'Site ${VAR_SITE}';
        d.templating.list.push({ name: 'ds', type: 'datasource', query: 'prometheus' });
        d.panels[1].datasource = { type: 'prometheus', uid: '${ds}' };
        d.panels[1].targets[0].datasource = { type: 'prometheus', uid: '$ds' };
      }),
    });
    const [d] = loadDashboardJson(dir) as any[];
    expect(d.description).toBe('Site lab');
    expect(d.panels[1].datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
    expect(d.panels[1].targets[0].datasource).toEqual({ type: 'prometheus', uid: 'prometheus' });
  });

  test('the dashboard of an API response ({ dashboard, meta }) is read from inside it', () => {
    const dir = folder({ 'api.json': { dashboard: exported(), meta: { slug: 'edge-cpu' } } });
    expect((loadDashboardJson(dir)[0] as any).uid).toBe('edge-cpu');
  });

  test('a dashboard without a uid gets one derived from its file name, the same on every run', () => {
    const noUid = exported((d) => {
      delete d.uid;
    });
    const long = 'Fleet CPU and Memory Overview for the Edge Devices (copy).json';
    const dir = folder({ 'Fleet CPU.json': noUid, [long]: { ...noUid, title: 'Other' } });
    const uids = loadDashboardJson(dir).map((d) => d.uid);
    // In file name order: ' ' sorts before '.'.
    expect(uids).toEqual([expect.stringMatching(/^fleet-cpu-and-memory-overview-f-[0-9a-f]{8}$/), 'fleet-cpu']);
    expect(loadDashboardJson(dir).map((d) => d.uid)).toEqual(uids);
    expect((uids[0] as string).length).toBeLessThanOrEqual(40);
  });

  test.each([
    [
      'malformed JSON',
      '{\n  "title": "x",\n  "panels": [\n}\n',
      /^dashboard file '.*bad\.json': not valid JSON at line 4, column 1: /,
    ],
    ['a JSON array', '[]', /^dashboard file '.*bad\.json': must be a dashboard's JSON object, got an array$/],
    [
      'an input needing a datasource that is not provisioned',
      exported((d) => {
        d.__inputs[0] = { name: 'DS_LOKI', type: 'datasource', pluginId: 'loki', label: 'Loki' };
      }),
      /^dashboard file '.*bad\.json': '__inputs' DS_LOKI needs a 'loki' datasource, which is not provisioned \(provisioned: prometheus \(prometheus\), alertmanager \(alertmanager\), jaeger \(jaeger\)\)$/,
    ],
    [
      'a ${DS_*} its inputs do not declare',
      exported((d) => {
        d.panels[2].datasource.uid = '${DS_INFLUXDB}';
      }),
      /^dashboard file '.*bad\.json': refers to '\$\{DS_INFLUXDB\}', which its '__inputs' do not declare$/,
    ],
    [
      'a uid Grafana or Kubernetes would refuse',
      exported((d) => {
        d.uid = 'aB_cD1';
      }),
      /^dashboard file '.*bad\.json': 'uid' must be 1 to 40 lower-case .*, got "aB_cD1"; change it in the file/,
    ],
    [
      'a library panel',
      exported((d) => {
        d.panels[0].libraryPanel = { uid: 'lib1', name: 'shared' };
      }),
      /^dashboard file '.*bad\.json': uses library panels, which file provisioning cannot create/,
    ],
  ])('fails with one sentence naming the file on %s', (_case, content, message) => {
    const line = failure(() => loadDashboardJson(folder({ 'bad.json': content })));
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });
});

describe('exported dashboards in Grafana: the typed dashboards’ checks, naming the file', () => {
  test.each([
    [
      'a datasource uid of another Grafana (an export not made for sharing)',
      (d: any) => {
        d.__inputs = undefined;
        for (const p of d.panels) p.datasource = p.targets[0].datasource = { type: 'prometheus', uid: 'prometheus' };
        d.templating.list[0].datasource.uid = 'P1809F7CD0C75ACF3';
      },
      /^dashboard file '.*x\.json': dashboard 'edge-cpu': variable 'device' uses datasource uid 'P1809F7CD0C75ACF3', which is not a provisioned datasource \(provisioned: prometheus, alertmanager\)$/,
    ],
    [
      'PromQL that does not parse',
      (d: any) => {
        d.panels[2].targets[0].expr = 'max by (device) (cpu_usage_percent{device=~"$device"}';
      },
      /^dashboard file '.*x\.json': dashboard 'edge-cpu': panel 'CPU samples' \(id 3\): target A is not valid PromQL/,
    ],
    [
      'a metric outside the catalogue',
      (d: any) => {
        d.panels[2].targets[0].expr = 'wake_words_total';
      },
      /^dashboard file '.*x\.json': dashboard 'edge-cpu': panel 'CPU samples' \(id 3\): target A selects metric 'wake_words_total', which is not in the metric catalogue$/,
    ],
  ])('fails on %s', (_case, edit, message) => {
    const dir = folder({ 'x.json': exported(edit) });
    expect(failure(() => grafana(loadDashboardJson(dir)))).toMatch(message);
  });

  test('allowMetrics lets a dashboard select metrics outside the catalogue', () => {
    const dir = folder({ 'x.json': exported((d) => (d.panels[2].targets[0].expr = 'wake_words_total')) });
    expect(() => grafana(loadDashboardJson(dir, { allowMetrics: ['wake_words_total'] }))).not.toThrow();
  });

  test('a uid already used by a typed dashboard fails, naming the file', () => {
    const dir = folder({ 'x.json': exported((d) => (d.uid = DASHBOARDS[0].uid)) });
    expect(failure(() => grafana([...DASHBOARDS, ...loadDashboardJson(dir)]))).toMatch(
      new RegExp(`^dashboard file '.*x\\.json': dashboard '${DASHBOARDS[0].uid}': 'uid' is used by dashboards`),
    );
  });
});

describe('a large exported dashboard', () => {
  /** The example with its raw-samples panel repeated until the file is about `bytes` long. */
  function large(bytes: number): any {
    return exported((d) => {
      const template = d.panels[2];
      for (let i = 0; JSON.stringify(d, null, 2).length < bytes; i++) {
        const id = 4 + i;
        d.panels.push({
          ...structuredClone(template),
          id,
          title: `CPU samples ${id}`,
          description: `Raw CPU samples of device group ${id}. ${'Shown for comparison with the average. '.repeat(40)}`,
          gridPos: { h: 9, w: 24, x: 0, y: 18 + 9 * i },
        });
      }
    });
  }

  test('above what client-side kubectl apply can record, it still gets its ConfigMap', () => {
    const manifests = grafana(loadDashboardJson(folder({ 'big.json': large(600_000) })));
    const cm = byKind(manifests, 'ConfigMap').find((m) => m.metadata.name === 'grafana-dashboard-edge-cpu') as any;
    const size = Buffer.byteLength(cm.data['edge-cpu.json']);
    expect(size).toBeGreaterThan(KUBECTL_APPLY_ANNOTATION_LIMIT);
    expect(size).toBeLessThan(CONFIGMAP_DATA_LIMIT);
  });

  test('above the API server’s 1 MiB ConfigMap limit, one sentence naming the file', () => {
    expect(failure(() => grafana(loadDashboardJson(folder({ 'huge.json': large(1_100_000) }))))).toMatch(
      /^dashboard file '.*huge\.json': dashboard 'edge-cpu': its JSON is \d+ bytes, over the 1048576 bytes \(1 MiB\) the API server accepts in its ConfigMap; split it into smaller dashboards$/,
    );
  });
});
