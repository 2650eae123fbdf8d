import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const main = join(root, 'build/main.js');

function synth(outdir: string, script?: string) {
  const args = script ? ['-e', script] : [main];
  return spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: outdir },
  });
}

/** Every file under `dir`, by its path relative to it (`standalone/0000-namespace.k8s.yaml`). */
function files(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: 'npm test' compiles it with tsc first`);
});

describe('npm run synth', () => {
  test('two synths write identical bytes', () => {
    const base = mkdtempSync(join(tmpdir(), 'synth-'));
    const [a, b] = [join(base, 'a'), join(base, 'b')];
    expect(synth(a).status).toBe(0);
    expect(synth(b).status).toBe(0);
    const names = Object.keys(files(a));
    expect([...new Set(names.map((n) => n.split('/')[0]))]).toEqual([
      'beside-kube-prometheus-stack',
      'operator',
      'production',
      'staging',
      'standalone',
    ]);
    const standalone = names.filter((n) => n.startsWith('standalone/')).map((n) => n.slice('standalone/'.length));
    expect(standalone[0]).toBe('0000-namespace.k8s.yaml');
    expect(standalone.map((n) => n.replace(/^\d{4}-/, ''))).toEqual(
      expect.arrayContaining([
        'prometheus.k8s.yaml',
        'alertmanager.k8s.yaml',
        'grafana.k8s.yaml',
        'otel-collector.k8s.yaml',
        'hardware-exporter.k8s.yaml',
      ]),
    );
    expect(files(b)).toEqual(files(a));
  });

  test('a failed synth prints one sentence and leaves the previous output untouched', () => {
    const base = mkdtempSync(join(tmpdir(), 'synth-'));
    const outdir = join(base, 'dist');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'previous.k8s.yaml'), 'kind: Previous\n');
    const bad = `
      const { config } = require('./build/config');
      const lib = require('./build/lib');
      const broken = new lib.AlertRule({ name: 'CustomAlert', expr: 'battery_level_percent < 10', for: lib.Duration.seconds(10),
        severity: 'warning', summary: lib.AlertText.template('low'), description: lib.AlertText.template('low') });
      lib.synthOrExit((app) => new lib.MonitoringStack(app, 'x', { ...config, alertGroups: [...config.alertGroups, { name: 'custom', rules: [broken] }] }));
    `;
    const result = synth(outdir, bad);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `synth failed, nothing written to ${outdir}: alert 'CustomAlert': 'for' must be 0s or at least the evaluation interval (30s), got 10s\n`,
    );
    expect(files(outdir)).toEqual({ 'previous.k8s.yaml': 'kind: Previous\n' });
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('a successful synth replaces the previous output whole', () => {
    const base = mkdtempSync(join(tmpdir(), 'synth-'));
    const outdir = join(base, 'dist');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'stale.k8s.yaml'), 'kind: Stale\n');
    expect(synth(outdir).status).toBe(0);
    expect(Object.keys(files(outdir))).not.toContain('stale.k8s.yaml');
    expect(readdirSync(base)).toEqual(['dist']);
  });
});
