import { QUALITY_REPORT, type QualityRow, renderQualityReport, stormGoal } from '../../../bench/alert-quality-report';
import { type AlertQuality, FULL } from '../../../bench/alert-quality-scenarios';
import { STORM_SCENARIOS, type StormResult } from '../../../bench/alert-storm';
import { Duration } from '../../../lib';

/** The report `npm run alert-quality` writes, rendered from fixed figures: no promtool needed. */
const quality = (overrides: Partial<AlertQuality> = {}): AlertQuality => ({
  alert: 'HighInferenceLatency',
  for: Duration.minutes(5),
  detection: 300,
  driftDetection: 330,
  hoveringPerHour: 1 / 3,
  falseAlarmsPer24h: 0,
  resolve: 30,
  goals: { healthy: true, hovering: true, detection: true, resolution: true },
  ...overrides,
});
const run = { lengths: FULL, evaluationInterval: Duration.seconds(30), promtool: '3.13.2' };
const rows: QualityRow[] = [
  {
    variant: 'before',
    quality: quality({
      hoveringPerHour: 7 / 6,
      resolve: 900,
      goals: { healthy: true, hovering: false, detection: true, resolution: false },
    }),
  },
  { variant: 'after', quality: quality() },
];

describe('the alert-quality report', () => {
  test('is written next to the benchmark, where alerts/thresholds.ts links', () => {
    expect(QUALITY_REPORT).toBe('bench/reports/alert-quality.md');
  });

  test('holds the run, a Biome-aligned table of the figures and the goals, and no timing', () => {
    const lines = renderQualityReport(run, rows).split('\n');
    expect(lines[0]).toBe('# Alert quality');
    expect(lines).toContain('one sample a minute, rules evaluated every 30s by promtool 3.13.2.');
    const table = lines.filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(4);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[2].split('|').map((c) => c.trim())).toEqual([
      '',
      'before',
      'HighInferenceLatency',
      '5m',
      '5m',
      '5m30s',
      '1.17',
      '0',
      '15m',
      'missed: flapping, late resolution',
      '',
    ]);
    expect(table[3]).toMatch(/\| after {2}\| HighInferenceLatency \| 5m {2}\| .* \| 0\.33 .* \| 30s .* \| met .*\|$/);
    expect(lines.at(-2)).toBe('2 evaluation intervals, resolution within 5m of a clear recovery. After: all met.');
    expect(renderQualityReport(run, rows)).not.toMatch(/took|\d{4}-\d{2}-\d{2}/);
  });

  test('is the same bytes for the same figures, and says when a shipped alert misses a goal', () => {
    expect(renderQualityReport(run, rows)).toBe(renderQualityReport(run, rows));
    const missed = [
      {
        variant: 'after' as const,
        quality: quality({ goals: { healthy: false, hovering: true, detection: true, resolution: true } }),
      },
    ];
    expect(renderQualityReport(run, missed)).toContain('After: 1 alert(s) miss a goal.');
  });

  test('adds the storm table when storms ran: notifications per receiver integration, and the goal per fault', () => {
    const counts = { 'critical/slack': 1, 'critical/email': 1, 'critical/webhook': 1, 'warning/slack': 0 };
    const storms: StormResult[] = [
      { scenario: STORM_SCENARIOS[0], variant: 'before', counts: { ...counts, 'critical/slack': 3000 }, titles: [] },
      { scenario: STORM_SCENARIOS[0], variant: 'after', counts, titles: [] },
      { scenario: STORM_SCENARIOS[4], variant: 'after', counts, namedDevice: true, titles: [] },
      {
        scenario: STORM_SCENARIOS[4],
        variant: 'after',
        counts: { ...counts, 'critical/email': 2 },
        namedDevice: true,
        titles: [],
      },
    ];
    expect(storms.map(stormGoal)).toEqual(['missed', 'met', 'met', 'missed']);
    const text = renderQualityReport({ ...run, alertmanager: '0.35.0', stormFactor: 0.1 }, rows, storms);
    expect(text).toContain('## Storms');
    expect(text).toMatch(/\| before \| regional network cut[^|]*\| 3000 +\| 1 +\| 1 +\| 0 +\|/);
  });
});
