/**
 * Synth at scale: median wall time and peak memory of synthesizing the stack grown through the
 * public API to 10, 100 and 1,000 alert rules and to 4, 20 and 100 dashboards of 12 panels, beside
 * the floor (node loading cdk8s and cdk8s-plus-27), with the growth factor between sizes.
 * Goals: 1,000 rules and 100 dashboards under 3 s and 300 MiB; cost no worse than linear.
 *
 * SCALE_RUNS sets the runs per size (default 5); SCALE_SMOKE=1 runs the smallest sizes once (the
 * test suite does, so the harness cannot rot).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const smoke = process.env.SCALE_SMOKE === '1';
const runs = smoke ? 1 : Number(process.env.SCALE_RUNS ?? 5);
const gnuTime = '/usr/bin/time';
const work = mkdtempSync(join(tmpdir(), 'scale-'));

/** The dashboards of the rule sizes, and the rules of the dashboard sizes. */
const BASE_DASHBOARDS = 4;
const BASE_RULES = 10;

interface Case {
  readonly label: string;
  readonly argv: readonly string[];
  readonly rules?: number;
  readonly dashboards?: number;
}

function synthCase(rules: number, dashboards: number): Case {
  return {
    label: `${rules} rules, ${dashboards} dashboards`,
    rules,
    dashboards,
    argv: [
      process.execPath,
      'build/bench/scale-synth.js',
      '--rules',
      String(rules),
      '--dashboards',
      String(dashboards),
      '--outdir',
      join(work, 'out'),
    ],
  };
}

const floor: Case = {
  label: 'floor: require cdk8s, cdk8s-plus-27',
  argv: [process.execPath, '-e', 'require("cdk8s");require("cdk8s-plus-27")'],
};
const ruleSizes = smoke ? [BASE_RULES] : [BASE_RULES, 100, 1000];
const dashboardSizes = smoke ? [4] : [4, 20, 100];
const cases: Case[] = [
  floor,
  ...ruleSizes.map((r) => synthCase(r, BASE_DASHBOARDS)),
  ...dashboardSizes.filter((d) => d !== BASE_DASHBOARDS).map((d) => synthCase(BASE_RULES, d)),
];
if (!smoke) cases.push(synthCase(1000, 100));

function measure(c: Case): { ms: number; peakMiB: number } {
  const rss = join(work, 'rss');
  const withTime = existsSync(gnuTime);
  const argv = withTime ? [gnuTime, '-f', '%M', '-o', rss, ...c.argv] : [...c.argv];
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'pipe' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${c.label} failed: ${result.stderr}`);
  const peakMiB = withTime ? Number(readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024 : NaN;
  return { ms, peakMiB };
}

const median = (v: readonly number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = new Map(cases.map((c) => [c, [] as { ms: number; peakMiB: number }[]]));
if (!smoke) for (const c of cases) measure(c);
for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c)!.push(measure(c));
const rows = cases.map((c) => ({
  c,
  ms: median(samples.get(c)!.map((s) => s.ms)),
  mib: median(samples.get(c)!.map((s) => s.peakMiB)),
}));
const floorMs = rows[0].ms;

console.log(`synth at scale: ${runs} run(s) per size, interleaved, ${cpus().length} cores, node ${process.version}`);
console.log(['size'.padEnd(40), 'median ms', 'above floor', 'peak MiB'].join('  '));
for (const r of rows)
  console.log(
    [
      r.c.label.padEnd(40),
      r.ms.toFixed(0).padStart(9),
      (r.ms - floorMs).toFixed(0).padStart(11),
      r.mib.toFixed(1).padStart(8),
    ].join('  '),
  );

/** Growth of the cost above the floor between consecutive sizes, against the growth of the size. */
function growth(kind: 'rules' | 'dashboards', sizes: readonly number[]): void {
  const of = (n: number) =>
    rows.find(
      (r) => r.c[kind] === n && (kind === 'rules' ? r.c.dashboards === BASE_DASHBOARDS : r.c.rules === BASE_RULES),
    )!;
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [of(sizes[i - 1]), of(sizes[i])];
    const factor = (b.ms - floorMs) / (a.ms - floorMs);
    console.log(
      `growth ${kind} ${sizes[i - 1]} -> ${sizes[i]} (x${sizes[i] / sizes[i - 1]}): time above floor x${factor.toFixed(2)}, ${factor <= sizes[i] / sizes[i - 1] ? 'no worse than linear' : 'WORSE than linear'}`,
    );
  }
}
if (!smoke) {
  growth('rules', ruleSizes);
  growth('dashboards', dashboardSizes);
  const big = rows[rows.length - 1];
  console.log(
    `goal: 1000 rules + 100 dashboards under 3000 ms and 300 MiB: ${big.ms.toFixed(0)} ms, ${big.mib.toFixed(1)} MiB, ${big.ms < 3000 && big.mib < 300 ? 'met' : 'MISSED'}`,
  );
}
rmSync(work, { recursive: true, force: true });
