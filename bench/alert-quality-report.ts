import type { Duration } from '../lib';
import { markdownCell, markdownTable } from '../lib/core';
import { type AlertQuality, formatSeconds, type ScenarioLengths } from './alert-quality-scenarios';

/** Where `npm run alert-quality` writes its results, relative to the repository; alerts/thresholds.ts links here. */
export const QUALITY_REPORT = 'bench/reports/alert-quality.md';

/** One measured alert: the bare rules ('before', every shaping stripped) or the ones that ship ('after'). */
export interface QualityRow {
  readonly variant: 'before' | 'after';
  readonly quality: AlertQuality;
}

/** What the run was: the history lengths, the rule evaluation interval and the promtool that evaluated them. */
export interface QualityRun {
  readonly lengths: ScenarioLengths;
  readonly evaluationInterval: Duration;
  /** `promtool --version`'s version, e.g. `3.13.2`. */
  readonly promtool: string;
}

const HEADER = [
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

/** The goals one alert missed, or `met`. */
export function goalText(q: AlertQuality): string {
  const miss = [
    !q.goals.healthy && 'false alarms',
    !q.goals.hovering && 'flapping',
    !q.goals.detection && 'slow detection',
  ].filter(Boolean);
  return miss.length === 0 ? 'met' : `missed: ${miss.join(', ')}`;
}

/** How many shipped ('after') alerts miss a goal. */
export function missedGoals(rows: readonly QualityRow[]): number {
  return rows.filter((r) => r.variant === 'after' && goalText(r.quality) !== 'met').length;
}

const hours = (d: Duration) => `${d.milliseconds / 3_600_000} h`;

/**
 * The results as Markdown, the same bytes for the same measurements: no timings or dates, rows in the order
 * measured, tables padded as Biome formats them.
 */
export function renderQualityReport(run: QualityRun, rows: readonly QualityRow[]): string {
  const { lengths } = run;
  const missed = missedGoals(rows);
  const table = rows.map(({ variant, quality: q }) => [
    variant,
    q.alert,
    q.for.toPrometheus(),
    formatSeconds(q.detection),
    formatSeconds(q.driftDetection),
    q.hoveringPerHour.toFixed(2),
    q.falseAlarmsPer24h.toFixed(0),
    formatSeconds(q.resolve),
    goalText(q),
  ]);
  return [
    '# Alert quality',
    '',
    'Written by `npm run alert-quality` (`bench/alert-quality.ts`); the comments of `alerts/thresholds.ts` link here.',
    `Histories: a healthy fleet of ${lengths.healthyDevices} devices for ${hours(lengths.healthy)}, ` +
      `${hours(lengths.hovering)} hovering at the threshold +/- 15%, step and drift faults of 3-4 h;`,
    `one sample a minute, rules evaluated every ${run.evaluationInterval} by promtool ${markdownCell(run.promtool)}.`,
    '"before" is the thresholds with every shaping stripped (`unshaped(THRESHOLDS)`), "after" what ships.',
    '',
    ...markdownTable(
      HEADER,
      table.map((r) => r.map(markdownCell)),
    ),
    '',
    'Goals: 0 false alarms per 24 h, at most 1 notification an hour while hovering, detection of a step within `for` +',
    `2 evaluation intervals. After: ${missed === 0 ? 'all met' : `${missed} alert(s) miss a goal`}.`,
    '',
  ].join('\n');
}
