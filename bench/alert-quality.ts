import { THRESHOLDS } from '../alerts';
import { type AlertQuality, alertQuality, FULL, formatSeconds, SHORT, thresholdsFor } from './alert-quality-scenarios';

/**
 * `npm run alert-quality`: every device alert replayed through long simulated histories by the
 * real promtool, bare ('before': the thresholds with every alert's shaping stripped) and as
 * shipped ('after'), with the goals met or missed. `--short` runs the test suite's lengths.
 */
async function main(): Promise<void> {
  const short = process.argv.includes('--short');
  const lengths = short ? SHORT : FULL;
  const started = Date.now();
  const rows: string[][] = [];
  let missed = 0;
  for (const variant of ['before', 'after'] as const) {
    for (const q of await alertQuality(thresholdsFor(variant, THRESHOLDS), lengths)) {
      const goals = goalText(q);
      if (variant === 'after' && goals !== 'met') missed++;
      rows.push([
        variant,
        q.alert,
        q.for.toPrometheus(),
        formatSeconds(q.detection),
        formatSeconds(q.driftDetection),
        q.hoveringPerHour.toFixed(2),
        q.falseAlarmsPer24h.toFixed(0),
        formatSeconds(q.resolve),
        goals,
      ]);
    }
  }
  const header = [
    'rules',
    'alert',
    'for',
    'detection (step)',
    'detection (drift/gone)',
    'notif./h hovering',
    'false alarms/24h',
    'resolve',
    'goals',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(
    [
      `alert quality: healthy fleet ${lengths.healthyDevices} devices x ${lengths.healthy}, hovering ${lengths.hovering}, step and drift faults 3-4h; one sample a minute, rules evaluated every 30s by promtool`,
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      '',
      `goals: 0 false alarms per 24h, <= 1 notification/h while hovering, detection of a step within for + 2 evaluation intervals; after: ${missed === 0 ? 'all met' : `${missed} alert(s) miss a goal`}`,
      `took ${((Date.now() - started) / 1000).toFixed(1)} s`,
      '',
    ].join('\n'),
  );
  if (missed > 0) process.exitCode = 1;
}

function goalText(q: AlertQuality): string {
  const miss = [
    !q.goals.healthy && 'false alarms',
    !q.goals.hovering && 'flapping',
    !q.goals.detection && 'slow detection',
  ].filter(Boolean);
  return miss.length === 0 ? 'met' : `missed: ${miss.join(', ')}`;
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 2;
});
