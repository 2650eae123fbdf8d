import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { PROMETHEUS_OPERATOR_VERSION } from '../../../lib/k8s/images';

const ROOT = resolve(__dirname, '../../..');
const CRDS = join(ROOT, 'crds/prometheus-operator');

test('the pinned CRDs are the four kinds operator mode renders, all of the pinned operator version', () => {
  const crds = readdirSync(CRDS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(CRDS, f), 'utf8')));
  expect(crds.map((c) => c.spec.names.kind).sort()).toEqual([
    'AlertmanagerConfig',
    'PodMonitor',
    'PrometheusRule',
    'ServiceMonitor',
  ]);
  for (const crd of crds) {
    expect(`v${crd.metadata.annotations['operator.prometheus.io/version']}`).toBe(PROMETHEUS_OPERATOR_VERSION);
  }
});

test('lib/operator/imports/ is what cdk8s import makes of the pinned CRDs, offline', () => {
  const result = spawnSync('bash', ['scripts/import-crds.sh', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr.replace(/Importing resources, this may take a few moments...\n/g, '')).toBe('');
  expect(result.status).toBe(0);
});
