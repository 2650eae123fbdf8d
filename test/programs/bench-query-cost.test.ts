import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The query-cost benchmark at its smallest size (a real Prometheus, live), so the harness cannot rot. */
const root = resolve(__dirname, '../..');

beforeAll(() => {
  if (!existsSync(join(root, 'build/bench/query-cost.js')))
    throw new Error("build/bench/query-cost.js is missing: 'npm test' compiles it with tsc first");
});

test('the query-cost harness backfills a small fleet with promtool, times every panel in the real Prometheus and measures memory', () => {
  const result = spawnSync(process.execPath, ['build/bench/query-cost.js'], {
    cwd: root,
    env: { ...process.env, FLEET_SIZES: '20', QUERY_RUNS: '1', BEFORE_RUNS: '1', LIVE_SECONDS: '25' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(
    /^20 devices: [\d.]+ GiB of OpenMetrics backfilled in [\d.]+ s; [\d.]+ disk bytes per sample$/m,
  );
  expect(result.stdout).toMatch(/^performance \/ Inference latency +[\d.]+ +[\d.]+ +3$/m);
  // Figures are the benchmark's to print, not a test's to time: only the line's presence is checked.
  expect(result.stdout).toMatch(/^goal: every panel query under 50 ms median at 20 devices: (met|MISSED .*)$/m);
  expect(result.stdout).toMatch(/^memory per active series \(heap in use, \d+ head series scraped live\): \d+ bytes$/m);
}, 150_000);
