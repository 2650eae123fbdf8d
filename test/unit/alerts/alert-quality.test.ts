import { THRESHOLDS } from '../../../alerts';
import {
  alertQuality,
  measure,
  parseFiring,
  RESOLVE_GOAL,
  replay,
  ruleGroups,
  ruleNamed,
  SHORT,
  thresholdsFor,
} from '../../../bench/alert-quality-scenarios';
import { Duration } from '../../../lib';

/**
 * The short version of `npm run alert-quality`: the shipped rules replayed by the real promtool
 * through a 4-hour healthy fleet, 2 hours hovering at the threshold, a step fault and a drift, for
 * a few alerts, asserting the goals. A retuned threshold or shaping that starts flapping fails here.
 */
const ALERTS = ['HighInferenceLatency', 'LowThroughput', 'DeviceOffline'];

describe('alert quality, judged by promtool over simulated histories', () => {
  test('the harness reads a firing timeline promtool produced: a step of 40 ms fires after for, and resolves at the first evaluation back at 12 ms, below its resolve level', async () => {
    const groups = ruleGroups(THRESHOLDS);
    const rule = ruleNamed(groups, 'HighInferenceLatency');
    const series = [
      {
        series: 'inference_latency_ms{device="edge-01", instance="10.0.0.10:8080", job="liquid-audio-nets"}',
        values: '12x59 40x59 12x60',
      },
    ];
    const scenario = {
      alert: rule.name,
      kind: 'step' as const,
      minutes: 180,
      measureFrom: 0,
      fault: { from: 60, until: 120 },
      series,
    };
    const [result] = await replay(groups, [scenario]);
    expect(result.detection).toBe(rule.for.seconds);
    expect(result.resolve).toBe(rule.keepFiringFor.seconds);
    expect(result.episodes).toBe(1);
    expect(result.firing.get('edge-01')![0]).toBe(60 * 60 + rule.for.seconds);
  });

  test('measure counts rising edges per device, not evaluations', () => {
    const firing = parseFiring(
      [
        '    expr: "ALERTS", time: 1m,\n        exp: nil\n        got: {__name__="ALERTS", device="a"} 1E+00, {__name__="ALERTS", device="b"} 1E+00\n',
        '    expr: "ALERTS", time: 1m30s,\n        exp: nil\n        got: {__name__="ALERTS", device="a"} 1E+00\n',
        '    expr: "ALERTS", time: 3m,\n        exp: nil\n        got: {__name__="ALERTS", device="a"} 1E+00\n',
      ].join(''),
    );
    expect(Object.fromEntries(firing)).toEqual({ a: [60, 90, 180], b: [60] });
    expect(measure({ alert: 'X', kind: 'healthy', minutes: 5, measureFrom: 0, series: [] }, firing, 30).episodes).toBe(
      3,
    );
  });

  test('bare rules flap while a metric hovers at the threshold (so the goal below can fail)', async () => {
    const [throughput] = await alertQuality(thresholdsFor('bare'), SHORT, ['LowThroughput']);
    expect(throughput.hoveringPerHour).toBeGreaterThan(1);
  });

  describe.each(ALERTS)('%s as shipped', (alert) => {
    let quality: Awaited<ReturnType<typeof alertQuality>>[number];
    beforeAll(async () => {
      [quality] = await alertQuality(thresholdsFor('after'), SHORT, [alert]);
    });
    test('raises no false alarm on a healthy fleet with noise, daily load and missed scrapes', () =>
      expect(quality.falseAlarmsPer24h).toBe(0));
    test('notifies at most once an hour while its metric hovers at the threshold', () =>
      expect(quality.hoveringPerHour).toBeLessThanOrEqual(1));
    test('detects a real fault within for + two evaluation intervals', () => {
      expect(quality.detection).toBeDefined();
      expect(quality.detection!).toBeLessThanOrEqual(quality.for.plus(Duration.seconds(60)).seconds);
      expect(quality.driftDetection).toBeDefined();
    });
    test('resolves after recovery, within keepFiringFor + two evaluation intervals', () => {
      const rule = ruleNamed(ruleGroups(THRESHOLDS), alert);
      expect(quality.resolve).toBeDefined();
      expect(quality.resolve!).toBeLessThanOrEqual(rule.keepFiringFor.plus(Duration.seconds(60)).seconds);
      expect(quality.resolve!).toBeLessThanOrEqual(RESOLVE_GOAL.seconds);
    });
  });
});
