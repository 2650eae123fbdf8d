import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A user's mistake, made where a user makes it (alerts/thresholds.ts, config.ts), ends the real
 * command with one line naming the object, the field and the value: exit code 1, no stack trace,
 * no bundle source, dist/ untouched. Each case edits a copy of the project and runs its synth.
 */

const ROOT = resolve(__dirname, '../..');
const COPIED = ['lib', 'alerts', 'dashboards', 'scripts', 'dist', 'config.ts', 'main.ts', 'package.json'];
const COPIED_TOO = ['tsconfig.json', 'tsconfig.app.json', 'cdk8s.yaml'];

interface Edit {
  readonly file: string;
  readonly from: RegExp;
  readonly to: string;
}

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly distBefore: string;
  readonly distAfter: string;
}

function distHash(dir: string): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

/** A copy of the project with `edits` applied; node_modules is shared through a symlink. */
function projectWith(edits: readonly Edit[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
  for (const entry of [...COPIED, ...COPIED_TOO]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const edit of edits) {
    const path = join(dir, edit.file);
    const text = readFileSync(path, 'utf8');
    if (!edit.from.test(text)) throw new Error(`${edit.file}: ${edit.from} not found; the case needs updating`);
    writeFileSync(path, text.replace(edit.from, edit.to));
  }
  return dir;
}

function runIn(dir: string, command: string, args: readonly string[]): Promise<Outcome> {
  const distBefore = distHash(join(dir, 'dist'));
  const env = { ...process.env };
  delete env.CDK8S_OUTDIR;
  delete env.DEBUG;
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (status) => {
      const distAfter = distHash(join(dir, 'dist'));
      rmSync(dir, { recursive: true, force: true });
      done({ status, stdout, stderr, distBefore, distAfter });
    });
  });
}

/** The custom-alert example of the README, with `props` changed, as a group added in config.ts. */
function customAlert(props: string): Edit[] {
  return [
    {
      file: 'config.ts',
      from: /export const config: StackConfig = stackConfig\(\);/,
      to: `import { AlertRule as CustomRule, AlertText as CustomText } from './lib';
const readme = {
  name: 'BatteryLowCustom',
  expr: 'battery_level_percent < 10',
  for: Duration.minutes(5),
  severity: 'warning',
  summary: CustomText.template('Battery low on {{ $labels.device }}'),
  description: CustomText.template('Battery at {{ $value }}%'),
} as const;
const custom = new CustomRule({ ...readme, ${props} });
const base = stackConfig();
export const config: StackConfig = { ...base, alertGroups: [...base.alertGroups, { name: 'team-audio', rules: [custom] }] };`,
    },
  ];
}

function stackOption(option: string): Edit[] {
  return [
    {
      file: 'config.ts',
      from: /export const config: StackConfig = stackConfig\(\);/,
      to: `export const config: StackConfig = { ...stackConfig(), ${option} };`,
    },
  ];
}

const threshold = (from: RegExp, to: string): Edit[] => [{ file: 'alerts/thresholds.ts', from, to }];

const CASES: ReadonlyArray<readonly [string, readonly Edit[], RegExp]> = [
  [
    'a negative threshold',
    threshold(/Hertz\.of\(16_000\)/, 'Hertz.of(-16_000)'),
    /^alert 'LowThroughput': 'threshold' must be .*non-negative.*, got -16000 Hz$/,
  ],
  [
    'a NaN threshold',
    threshold(/Milliseconds\.of\(25\)/, 'Milliseconds.of(Number.NaN)'),
    /^alert 'HighInferenceLatency': 'threshold' must be a finite.*, got NaN ms$/,
  ],
  [
    'an infinite threshold',
    threshold(/Milliwatts\.of\(3\)/, 'Milliwatts.of(Number.POSITIVE_INFINITY)'),
    /^alert 'HighPowerConsumption': 'threshold' must be a finite.*, got Infinity mW$/,
  ],
  [
    'a percentage above 100',
    threshold(/Percent\.of\(90\)/, 'Percent.of(190)'),
    /^alert 'LowModelAccuracy': 'threshold' must be at most 100% \(it is a fraction\), got 190%$/,
  ],
  [
    'a resolve level outside its fire level',
    threshold(/resolve: Milliseconds\.of\(20\)/, 'resolve: Milliseconds.of(30)'),
    /^alert 'HighInferenceLatency': 'resolve' must be below 'threshold' \(25 ms\) for an alert firing above it, got 30 ms$/,
  ],
  [
    'a fleet share above 100%',
    threshold(/share: Percent\.of\(10\)/, 'share: Percent.of(110)'),
    /^alert 'Fleet\w+': 'threshold' must be at most 100% \(it is a fraction\), got 110%$/,
  ],
  [
    'a negative duration',
    threshold(/for: Duration\.minutes\(5\)/, 'for: Duration.minutes(-5)'),
    /^alert '\w+': 'for' must not be negative, got -300000ms$/,
  ],
  [
    'a duration of a fraction of a millisecond',
    threshold(/for: Duration\.minutes\(5\)/, 'for: Duration.seconds(0.0005)'),
    /^alert '\w+': 'for' must be a whole number of milliseconds, got 0.5ms$/,
  ],
  [
    'a custom alert with a bad name',
    customAlert(`name: 'Battery Low',`),
    /^alert 'Battery Low': 'name' must match .*$/,
  ],
  [
    'a custom alert whose PromQL has a typo',
    customAlert(`expr: 'battery_level_percent < ',`),
    /^alert 'BatteryLowCustom': 'expr' is not valid PromQL .*$/,
  ],
  [
    'a custom alert on a metric outside the catalogue',
    customAlert(`expr: 'batery_level_percent < 10',`),
    /^alert 'BatteryLowCustom': .*'batery_level_percent'.*catalogue.*$/,
  ],
  [
    'a custom alert with a broken annotation template',
    customAlert(`summary: CustomText.template('Battery low on {{ $labels.device '),`),
    /^alert 'BatteryLowCustom': 'summary' is not a valid Go template: the action opened at offset 15 is never closed$/,
  ],
  [
    'a node selector value Kubernetes would reject',
    stackOption(`hardwareExporter: { nodeSelector: { 'liquid-audio-nets.dev/edge-device': 'yes please' } }`),
    /^DaemonSet 'monitoring-hardware\/node-exporter': spec.template.spec.nodeSelector 'liquid-audio-nets.dev\/edge-device' value 'yes please' must be .*$/,
  ],
  [
    'a custom alert whose for is shorter than the evaluation interval',
    customAlert(`for: Duration.seconds(10),`),
    /^alert 'BatteryLowCustom': 'for' must be 0s or at least the evaluation interval \(30s\), got 10s$/,
  ],
  [
    'an instance name longer than a label value may be',
    stackOption(`instance: '${'x'.repeat(64)}'`),
    /^stack 'liquid-audio-nets': 'instance' must be at most 63 characters, got 64: 'x+'$/,
  ],
  ['a namespace Kubernetes would reject', stackOption(`namespace: 'Monitoring_NS'`), /^namespace 'Monitoring_NS': .*$/],
  [
    'a Prometheus with no replicas',
    stackOption(`prometheus: { replicas: 0 }`),
    /^prometheus.*'replicas' must be .*got 0$/i,
  ],
];

/** Every case, run two at a time: a synth is a type-check and a bundle on the machine's cores. */
const outcomes = new Map<string, Promise<Outcome>>();
function outcome(name: string, edits: readonly Edit[]): Promise<Outcome> {
  let pending = outcomes.get(name);
  if (!pending) {
    pending = runIn(projectWith(edits), 'bash', ['scripts/synth.sh']);
    outcomes.set(name, pending);
  }
  return pending;
}

describe('npm run synth on bad input', () => {
  test.concurrent.each(CASES)('fails with one line on %s', async (name, edits, line) => {
    const result = await outcome(name, edits);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synth failed, nothing written to \S+: /);
    expect(lines[0].replace(/^synth failed, nothing written to \S+: /, '')).toMatch(line);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.distAfter).toBe(result.distBefore);
  });

  test('the bad-threshold case through npm run synth: one line on stderr, exit 1', async () => {
    const result = await runIn(projectWith(CASES[0][1]), 'npm', ['run', 'synth']);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/'LowThroughput'.*-16000 Hz$/)]);
    expect(result.distAfter).toBe(result.distBefore);
  });

  test('DEBUG=1 adds the stack, mapped to the TypeScript sources', async () => {
    const dir = projectWith(CASES[0][1]);
    const result = await new Promise<Outcome>((done) => {
      const distBefore = distHash(join(dir, 'dist'));
      const child = spawn('bash', ['scripts/synth.sh'], { cwd: dir, env: { ...process.env, DEBUG: '1' } });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('close', (status) => {
        const distAfter = distHash(join(dir, 'dist'));
        rmSync(dir, { recursive: true, force: true });
        done({ status, stdout: '', stderr, distBefore, distAfter });
      });
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/at .*alerts\/device\.ts:\d+:\d+/);
    expect(result.distAfter).toBe(result.distBefore);
  });
});
