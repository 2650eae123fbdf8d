import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { THRESHOLDS } from '../alerts';
import { missedGoals, QUALITY_REPORT, type QualityRow, renderQualityReport } from './alert-quality-report';
import { alertQuality, FULL, ruleGroups, SHORT, thresholdsFor } from './alert-quality-scenarios';
import { usePinnedPrograms } from './pinned-programs';

/**
 * `npm run alert-quality`: every device alert replayed through long simulated histories by the
 * real promtool, bare ('before': the thresholds with every alert's shaping stripped) and as
 * shipped ('after'), with the goals met or missed. The full run writes bench/reports/alert-quality.md;
 * `--short` runs the test suite's lengths and only prints.
 */
async function main(): Promise<void> {
  usePinnedPrograms();
  const short = process.argv.includes('--short');
  const lengths = short ? SHORT : FULL;
  const started = Date.now();
  const rows: QualityRow[] = [];
  for (const variant of ['before', 'after'] as const) {
    for (const quality of await alertQuality(thresholdsFor(variant, THRESHOLDS), lengths))
      rows.push({ variant, quality });
  }
  const report = renderQualityReport(
    { lengths, evaluationInterval: ruleGroups(THRESHOLDS)[0].interval, promtool: promtoolVersion() },
    rows,
  );
  process.stdout.write(report);
  if (!short) {
    const target = join(__dirname, '../..', QUALITY_REPORT);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, report);
    process.stdout.write(`wrote ${QUALITY_REPORT}\n`);
  }
  process.stdout.write(`took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (missedGoals(rows) > 0) process.exitCode = 1;
}

/** The version `promtool --version` reports (`3.13.2`), or its first line when it has no version. */
function promtoolVersion(): string {
  const result = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return /version (\S+)/.exec(text)?.[1] ?? (text.split('\n')[0].trim() || 'unknown');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
});
