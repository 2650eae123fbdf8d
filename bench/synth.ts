/**
 * `npm run bench`: median wall time and peak memory of `npm run synth` and of the synth step
 * alone (the bundled app with V8's code cache, `node scripts/run-bundle.js`), beside the floor (node loading cdk8s and cdk8s-plus-27), all measured in one run with
 * the commands interleaved so that a noisy machine weighs on each alike.
 *
 * Goals: the whole `npm run synth` under 1 s median; the synth step within 1.5x the floor.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const gnuTime = '/usr/bin/time';

interface Command {
  readonly label: string;
  readonly argv: readonly string[];
}

interface Sample {
  readonly ms: number;
  readonly peakKiB: number | undefined;
}

const outdir = mkdtempSync(join(tmpdir(), 'bench-dist-'));
const commands: Command[] = [
  {
    label: 'floor: node -e require(cdk8s, cdk8s-plus-27)',
    argv: [process.execPath, '-e', 'require("cdk8s");require("cdk8s-plus-27")'],
  },
  { label: 'synth step: node scripts/run-bundle.js', argv: [process.execPath, 'scripts/run-bundle.js'] },
  { label: 'npm run synth (type-check + bundle + synth)', argv: ['npm', 'run', '--silent', 'synth'] },
];

function measure(command: Command): Sample {
  const rssFile = join(outdir, 'rss');
  const withTime = existsSync(gnuTime);
  const argv = withTime ? [gnuTime, '-f', '%M', '-o', rssFile, ...command.argv] : command.argv;
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    env: { ...process.env, CDK8S_OUTDIR: join(outdir, 'dist') },
    stdio: 'pipe',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command.label} failed: ${result.stderr}`);
  const peakKiB = withTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { ms, peakKiB };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const samples = new Map<string, Sample[]>(commands.map((c) => [c.label, []]));
for (const command of commands) measure(command); // warm the file cache once
for (let i = 0; i < runs; i++) for (const command of commands) samples.get(command.label)!.push(measure(command));

const rows = commands.map((c) => {
  const s = samples.get(c.label)!;
  const peaks = s.flatMap((x) => (x.peakKiB === undefined ? [] : [x.peakKiB]));
  return {
    label: c.label,
    ms: median(s.map((x) => x.ms)),
    min: Math.min(...s.map((x) => x.ms)),
    peakMiB: peaks.length ? median(peaks) / 1024 : NaN,
  };
});
const floor = rows[0].ms;

console.log(`${runs} interleaved runs each on ${require('node:os').cpus().length} cores, node ${process.version}`);
console.log(['command'.padEnd(48), 'median ms', '  min ms', 'x floor', 'peak RSS MiB'].join('  '));
for (const row of rows) {
  console.log(
    [
      row.label.padEnd(48),
      row.ms.toFixed(0).padStart(9),
      row.min.toFixed(0).padStart(8),
      (row.ms / floor).toFixed(2).padStart(7),
      row.peakMiB.toFixed(1).padStart(12),
    ].join('  '),
  );
}
if (!existsSync(gnuTime)) console.log(`peak memory needs GNU time at ${gnuTime} (Debian package 'time')`);
const [, step, whole] = rows;
console.log(
  `goal: npm run synth under 1000 ms median: ${whole.ms.toFixed(0)} ms, ${whole.ms < 1000 ? 'met' : 'MISSED'}`,
);
console.log(
  `goal: synth step within 1.5x the floor: ${(step.ms / floor).toFixed(2)}x, ${step.ms / floor <= 1.5 ? 'met' : 'MISSED'}`,
);
rmSync(outdir, { recursive: true, force: true });
