import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { THRESHOLDS } from '../alerts';
import { missedGoals, QUALITY_REPORT, type QualityRow, renderQualityReport, stormGoal } from './alert-quality-report';
import { alertQuality, FULL, ruleGroups, SHORT, thresholdsFor } from './alert-quality-scenarios';
import { runStorm, STORM_SCENARIOS, type StormResult } from './alert-storm';
import { usePinnedPrograms } from './pinned-programs';

/** The storms' clock runs ten times fast: the 10 minutes a goal counts take one. */
const STORM_FACTOR = 0.1;

/**
 * `npm run alert-quality`: every device alert replayed through long simulated histories by the
 * real promtool, bare, with the hold times shipped before the resolve bands ('before') and as
 * shipped ('after'), with the goals met or missed; then the storms (bench/alert-storm.ts) against
 * the real Alertmanager. The full run writes bench/reports/alert-quality.md; `--short` runs the
 * test suite's lengths, no storms, and only prints.
 */
async function main(): Promise<void> {
  usePinnedPrograms();
  const short = process.argv.includes('--short');
  const lengths = short ? SHORT : FULL;
  const started = Date.now();
  const rows: QualityRow[] = [];
  for (const variant of ['bare', 'before', 'after'] as const) {
    for (const quality of await alertQuality(thresholdsFor(variant, THRESHOLDS), lengths))
      rows.push({ variant, quality });
  }
  // The storms run in real time on a compressed clock: the full run only.
  const storms: StormResult[] = [];
  if (!short) {
    for (const scenario of STORM_SCENARIOS) {
      for (const variant of ['before', 'after'] as const) {
        const result = await runStorm(scenario, variant, STORM_FACTOR);
        process.stdout.write(
          `storm ${variant}: ${scenario.name}: ${JSON.stringify(result.counts)}, ${result.dropped ?? 0} batches dropped, first titles ${JSON.stringify(result.titles.slice(0, 3))}\n`,
        );
        storms.push(result);
      }
    }
  }
  const report = renderQualityReport(
    {
      lengths,
      evaluationInterval: ruleGroups(THRESHOLDS)[0].interval,
      promtool: programVersion('promtool'),
      ...(short ? {} : { alertmanager: programVersion('alertmanager'), stormFactor: STORM_FACTOR }),
    },
    rows,
    storms,
  );
  process.stdout.write(report);
  if (!short) {
    const target = join(__dirname, '../..', QUALITY_REPORT);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, report);
    process.stdout.write(`wrote ${QUALITY_REPORT}\n`);
  }
  process.stdout.write(`took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (missedGoals(rows) > 0 || storms.some((s) => s.variant === 'after' && stormGoal(s) !== 'met'))
    process.exitCode = 1;
}

/** The version `<program> --version` reports (`3.13.2`), or its first line when it has no version. */
function programVersion(program: string): string {
  const result = spawnSync(program, ['--version'], { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return /version (\S+)/.exec(text)?.[1] ?? (text.split('\n')[0].trim() || 'unknown');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
});
