/**
 * `npm run bench`: synth time per environment, and how it grows as environments are added. In one
 * warmed node process (the modules loaded once, as `npm run synth` loads them), each measurement
 * renders and writes a StagedApp into a temporary folder; figures are medians of interleaved runs.
 *
 * Goal: growth linear in the number of environments, each added one costing about what one alone
 * costs (a least-squares line through the counts, its fit R^2 at least 0.98).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

process.chdir(resolve(__dirname, '../..')); // config.ts reads alerts/rules/ and dashboards/json/ from the root
const { environments, examples } = require('../config') as typeof import('../config');
const { renderStack, StagedApp } = require('../lib') as typeof import('../lib');

const runs = Number(process.env.BENCH_RUNS ?? 9);
const counts = [1, 2, 4, 8, 16];
const outdir = mkdtempSync(join(tmpdir(), 'bench-environments-'));
const targets = { ...examples, ...environments };

/** Milliseconds to render and write `configs`, each into a folder of its own. */
function synth(configs: readonly (readonly [string, (typeof targets)[string]])[]): number {
  const start = process.hrtime.bigint();
  const app = new StagedApp({ outdir: join(outdir, 'dist') });
  for (const [name, config] of configs) renderStack(app.folder(name), 'liquid-audio-nets', config);
  app.synth();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** N environments: the named ones in turn, numbered so each folder is new. */
const fleet = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const names = Object.keys(environments);
    const name = names[i % names.length];
    return [`${name}-${i}`, environments[name]] as const;
  });

const single = Object.entries(targets);
const singleSamples = new Map<string, number[]>(single.map(([name]) => [name, []]));
const growthSamples = new Map<number, number[]>(counts.map((n) => [n, []]));
for (const [name, config] of single) synth([[name, config]]); // warm the JIT once per shape
synth(fleet(2));
for (let r = 0; r < runs; r++) {
  for (const [name, config] of single) singleSamples.get(name)!.push(synth([[name, config]]));
  for (const n of counts) growthSamples.get(n)!.push(synth(fleet(n)));
}

console.log(`${runs} interleaved runs on ${cpus().length} cores, node ${process.version}, one warmed process`);
console.log(['folder of dist/'.padEnd(32), 'median ms'].join('  '));
for (const [name, samples] of singleSamples)
  console.log([name.padEnd(32), median(samples).toFixed(1).padStart(9)].join('  '));

const points = counts.map((n) => ({ n, ms: median(growthSamples.get(n)!) }));
console.log(['environments in one synth'.padEnd(32), 'median ms', 'ms each'].join('  '));
for (const { n, ms } of points)
  console.log([String(n).padEnd(32), ms.toFixed(1).padStart(9), (ms / n).toFixed(1).padStart(7)].join('  '));

// Least squares: ms = fixed + perEnvironment * n, and how well a line explains the points.
const meanN = points.reduce((s, p) => s + p.n, 0) / points.length;
const meanMs = points.reduce((s, p) => s + p.ms, 0) / points.length;
const slope =
  points.reduce((s, p) => s + (p.n - meanN) * (p.ms - meanMs), 0) / points.reduce((s, p) => s + (p.n - meanN) ** 2, 0);
const intercept = meanMs - slope * meanN;
const residual = points.reduce((s, p) => s + (p.ms - (intercept + slope * p.n)) ** 2, 0);
const total = points.reduce((s, p) => s + (p.ms - meanMs) ** 2, 0);
const r2 = 1 - residual / total;
console.log(`fit: ${intercept.toFixed(1)} ms fixed + ${slope.toFixed(1)} ms per environment, R^2 ${r2.toFixed(4)}`);
console.log(`goal: linear growth (R^2 >= 0.98): ${r2.toFixed(4)}, ${r2 >= 0.98 ? 'met' : 'MISSED'}`);
rmSync(outdir, { recursive: true, force: true });
