/**
 * The node-health alerts read node_exporter's own series: every metric their expressions select is
 * on the /metrics of the pinned node_exporter, run with the args of the rendered DaemonSet (its
 * collectors turned on explicitly), with the type the metric catalogue declares.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { NODE_HEALTH_ALERTS } from '../../alerts';
import { config } from '../../config';
import { DEFAULT_CATALOGUE, MonitoringStack } from '../../lib';
import { analysePromQL } from '../../lib/core';
import { HARDWARE_COLLECTORS } from '../../lib/hardware/hardware-exporter';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { type RunningExporter, startNodeExporter } from '../support/node-exporter';

const workDir = mkdtempSync(join(tmpdir(), 'node-health-'));
let exporter: RunningExporter | undefined;
let args: string[] = [];
let exposition = '';

beforeAll(async () => {
  const app = Testing.app();
  new MonitoringStack(app, 'stack', config);
  const manifests = Testing.synth(chartById(app.charts, 'hardware-exporter')) as Manifest[];
  args = (byKind(manifests, 'DaemonSet')[0] as any).spec.template.spec.containers[0].args;
  const textfiles = join(workDir, 'textfile');
  mkdirSync(textfiles);
  // A file the collector cannot parse: node_textfile_scrape_error reports it.
  writeFileSync(join(textfiles, 'broken.prom'), 'this is not the exposition format\n');
  exporter = await startNodeExporter(args, { textfileDirectory: textfiles });
  exposition = await (await fetch(`http://${exporter.address}/metrics`)).text();
});

afterAll(async () => {
  await exporter?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** `# TYPE name type` lines of the exposition. */
const typeOf = (name: string) => new RegExp(`^# TYPE ${name} (\\S+)$`, 'm').exec(exposition)?.[1];

describe('the node-health alerts, against the pinned node_exporter', () => {
  test('the DaemonSet turns on the collectors they read', () => {
    for (const c of ['filesystem', 'timex', 'meminfo', 'vmstat', 'textfile'] as const) {
      expect(HARDWARE_COLLECTORS).toContain(c);
      expect(args).toContain(`--collector.${c}`);
    }
  });

  test('every metric they select is exposed, with the type of the catalogue', () => {
    const names = [...new Set(NODE_HEALTH_ALERTS.flatMap((r) => analysePromQL(r.expr).metricNames))]
      .filter((n) => n !== 'ALERTS')
      .sort();
    expect(names.length).toBeGreaterThanOrEqual(8);
    for (const name of names) {
      const declared = DEFAULT_CATALOGUE.get(name)?.type;
      // vmstat's fields are exposed untyped; oom_kill only ever counts up, so the catalogue calls it a counter.
      const expected = name === 'node_vmstat_oom_kill' ? 'untyped' : declared;
      expect([name, typeOf(name)]).toEqual([name, expected]);
    }
  });

  test('the textfile collector reports a file it cannot parse', () => {
    expect(exposition).toMatch(/^node_textfile_scrape_error 1$/m);
  });
});
