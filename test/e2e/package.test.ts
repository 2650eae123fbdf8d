import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { byKind, loadDist } from '../support/dist';
import { scratchLockfile } from '../support/scratch-app';

/**
 * The library as another cdk8s app gets it: `npm pack`, the tarball installed into a scratch app
 * outside the repository with `npm ci --offline` (the dependencies from npm's cache, a registry
 * never asked), the app type-checked against the package's .d.ts, then synthesized with one
 * custom alert; the pinned promtool judges the rule file it renders.
 */
jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** A proxy nobody listens on: anything that tried the network would fail instead of reaching it. */
const NO_NETWORK = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  npm_config_proxy: 'http://127.0.0.1:9',
  npm_config_https_proxy: 'http://127.0.0.1:9',
};

const APP = `import { App } from 'cdk8s';
import { AlertRule, AlertText, Duration, MonitoringStack } from 'liquid-audio-nets-monitoring';

const batteryLow = new AlertRule({
  name: 'EdgeSiteBatteryCritical',
  expr: 'battery_level_percent < 5',
  for: Duration.minutes(5),
  severity: 'critical',
  summary: AlertText.template('Device {{ $labels.device }} battery below 5%'),
  description: AlertText.template('Battery at {{ $value }}% on {{ $labels.device }}.'),
});

const app = new App({ outdir: 'dist' });
new MonitoringStack(app, 'edge', {
  namespace: 'edge-monitoring',
  runbookBaseUrl: 'https://runbooks.example.org/edge.md',
  alertGroups: [{ name: 'edge-site', rules: [batteryLow] }],
  alertmanager: {
    routing: {
      receivers: [
        { name: 'oncall', webhook: [{ url: { secretName: 'edge-receivers', key: 'oncall-url' } }] },
        { name: 'dead-mans-switch', webhook: [{ url: { secretName: 'edge-receivers', key: 'dms-url' } }] },
      ],
      defaultReceiver: 'oncall',
      routes: [],
      deadMansSwitch: { receiver: 'dead-mans-switch' },
    },
  },
});
app.synth();
`;

let scratch: string;
let tarballFiles: string[];

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'build/lib/index.js')))
    throw new Error("build/lib/index.js is missing: 'npm test' compiles it with tsc first");
  scratch = mkdtempSync(join(tmpdir(), 'package-test-'));
  const packed = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], ROOT),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = packed[0].files.map((f) => f.path).sort();
  const tarball = join(scratch, packed[0].filename);

  const app = join(scratch, 'app');
  mkdirSync(app);
  const { packageJson, lockfile } = scratchLockfile(
    'scratch-cdk8s-app',
    { name: pkg.name, version: pkg.version, file: tarball, manifest: pkg },
    ['cdk8s', 'constructs'],
  );
  writeFileSync(join(app, 'package.json'), JSON.stringify(packageJson, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lockfile, null, 2));
  writeFileSync(join(app, 'main.ts'), APP);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, types: [] },
      files: ['main.ts'],
    }),
  );
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app, NO_NETWORK);
  run(TSC, ['-p', '.'], app);
  run(process.execPath, ['main.js'], app);
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packed library', () => {
  test('ships the compiled library and its types only: no tests, benches, sources or dist/', () => {
    const outside = tarballFiles.filter((f) => !/^build\/lib\/.+\.(js|d\.ts)$/.test(f));
    expect(outside.sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(tarballFiles).toContain('build/lib/index.d.ts');
    const sourcesOrTests = /\.test\.|^test\/|^bench\/|^dist\/|^(?!.*\.d\.ts$).*\.ts$/;
    expect(tarballFiles.filter((f) => sourcesOrTests.test(f))).toEqual([]);
  });

  test('is installed from the tarball, not linked to the repository', () => {
    const installed = join(scratch, 'app/node_modules', pkg.name);
    expect(readFileSync(join(installed, 'package.json'), 'utf8')).toContain(`"version": "${pkg.version}"`);
    expect(existsSync(join(installed, 'build/lib/index.js'))).toBe(true);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  });

  test("renders the scratch app's stack in its namespace, with its custom alert", () => {
    const docs = loadDist(join(scratch, 'app/dist'));
    const statefulSets = byKind(docs, 'StatefulSet').map((d) => d.object.metadata);
    expect(statefulSets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'prometheus', namespace: 'edge-monitoring' }),
        expect.objectContaining({ name: 'alertmanager', namespace: 'edge-monitoring' }),
      ]),
    );
    const rules = byKind(docs, 'ConfigMap').find((d) => d.object.metadata?.name === 'prometheus-rules');
    const files = (rules?.object.data ?? {}) as Record<string, string>;
    expect(Object.keys(files)).toEqual(['edge-site.rules.yaml']);
    expect(files['edge-site.rules.yaml']).toContain('alert: EdgeSiteBatteryCritical');
  });

  test("the pinned promtool accepts the app's rule file", () => {
    const docs = loadDist(join(scratch, 'app/dist'));
    const rules = byKind(docs, 'ConfigMap').find((d) => d.object.metadata?.name === 'prometheus-rules');
    const file = join(scratch, 'edge-site.rules.yaml');
    const data = (rules?.object.data ?? {}) as Record<string, string>;
    writeFileSync(file, data['edge-site.rules.yaml'] ?? '');
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(check.stdout).toMatch(/SUCCESS: 1 rules found/);
    expect(check.status).toBe(0);
  });
});
