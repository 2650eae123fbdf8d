import type { Duration } from '../lib';
import { markdownCell, markdownTable } from '../lib/core';
import {
  type AlertQuality,
  formatSeconds,
  type QualityVariant,
  RESOLVE_GOAL,
  type ScenarioLengths,
} from './alert-quality-scenarios';
import { STORM_DEVICES, STORM_WINDOW, type StormResult } from './alert-storm';

/** Where `npm run alert-quality` writes its results, relative to the repository; alerts/thresholds.ts links here. */
export const QUALITY_REPORT = 'bench/reports/alert-quality.md';

/** One measured alert: the bare rules, the previous hold times ('before') or the ones that ship ('after'). */
export interface QualityRow {
  readonly variant: QualityVariant;
  readonly quality: AlertQuality;
}

/** What the run was: the history lengths, the rule evaluation interval and the promtool that evaluated them. */
export interface QualityRun {
  readonly lengths: ScenarioLengths;
  readonly evaluationInterval: Duration;
  /** `promtool --version`'s version, e.g. `3.13.2`. */
  readonly promtool: string;
  /** `alertmanager --version`'s version, for the storms. @default - no storms run */
  readonly alertmanager?: string;
  /** The storms' clock compression (0.1: ten times faster). @default - no storms run */
  readonly stormFactor?: number;
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
    !q.goals.resolution && 'late resolution',
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
export function renderQualityReport(
  run: QualityRun,
  rows: readonly QualityRow[],
  storms: readonly StormResult[] = [],
): string {
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
    '"bare" is the thresholds with every shaping and resolve band stripped (`unshaped(THRESHOLDS)`), "before" the',
    'keep_firing_for hold times (15-30m) the alerts shipped with before their resolve bands, "after" what ships.',
    '',
    ...markdownTable(
      HEADER,
      table.map((r) => r.map(markdownCell)),
    ),
    '',
    'Goals: 0 false alarms per 24 h, at most 1 notification an hour while hovering, detection of a step within `for` +',
    `2 evaluation intervals, resolution within ${RESOLVE_GOAL} of a clear recovery. After: ${missed === 0 ? 'all met' : `${missed} alert(s) miss a goal`}.`,
    '',
    ...(storms.length > 0 ? renderStorms(run, storms) : []),
  ].join('\n');
}

/** The storm rows: notifications per receiver integration in the first 10 minutes of each fault. */
function renderStorms(run: QualityRun, storms: readonly StormResult[]): string[] {
  const integrations = Object.keys(storms[0].counts);
  const rows = storms.map((s) => [
    s.variant,
    s.scenario.name,
    ...integrations.map((i) => String(s.counts[i])),
    s.more === undefined ? '-' : `${s.more}`,
    s.namedDevice === undefined ? '-' : s.namedDevice ? 'yes' : 'no',
    stormGoal(s),
  ]);
  return [
    '## Storms',
    '',
    `The pinned Alertmanager ${markdownCell(run.alertmanager ?? 'unknown')} cluster (the rendered StatefulSet's peers, flags and`,
    `alertmanager.yml) receives the alerts of a fault on ${STORM_DEVICES.toLocaleString('en-US')} devices as the Prometheus HA`,
    'pair posts them (both servers to every peer, batches of 256, re-sent every resend delay), on a clock compressed',
    `${run.stormFactor === undefined ? '' : `x${Math.round(1 / run.stormFactor)} `}(group_wait, group_interval, resend delay and the window scaled alike). Counted: notifications each`,
    `receiver integration got in the first ${STORM_WINDOW} of the fault. "before" is the routing before fleet-aware`,
    'alerting (grouped by alert name and device, no fleet alerts or their inhibitions).',
    '',
    ...markdownTable(
      ['rules', 'fault', ...integrations, '"and N more"', 'names the device', 'goal'],
      rows.map((r) => r.map(markdownCell)),
    ),
    '',
    `Goals: a fleet-wide fault at most ${STORM_GOAL} notifications per receiver integration in the first ${STORM_WINDOW}; a`,
    'single-device fault 1 that names the device.',
    '',
  ];
}

/** A fleet-wide fault's most notifications per integration. */
export const STORM_GOAL = 2;

/** `met` or what the storm missed; the single-device fault must reach each integration of its receiver exactly once. */
export function stormGoal(s: StormResult): string {
  const counts = Object.values(s.counts);
  if (s.scenario.names !== undefined) {
    const reached = counts.filter((n) => n > 0);
    return reached.length > 0 && reached.every((n) => n === 1) && s.namedDevice ? 'met' : 'missed';
  }
  return Math.max(...counts) <= STORM_GOAL ? 'met' : 'missed';
}
