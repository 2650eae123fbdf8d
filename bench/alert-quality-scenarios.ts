import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { THRESHOLDS, type Thresholds, unshaped } from '../alerts';
import { stackConfig } from '../config';
import {
  type AlertRule,
  DEVICE_TARGETS,
  type Dimension,
  Duration,
  type Metric,
  PROMETHEUS_METRICS,
  type Quantity,
  SERVICE_METRICS,
  seriesText,
} from '../lib';
import { DEFAULT_EVALUATION_INTERVAL } from '../lib/core';
import { renderRuleFile } from '../lib/prometheus';
import { RuleGroup } from '../lib/rules';
import { FAMILIES, noise } from './fleet-history';

/**
 * The alert-quality harness: long simulated histories replayed through the stack's real rule
 * files by `promtool test rules`, which evaluates every rule (`for`, `keep_firing_for` and all)
 * at the group's interval over the input series. Each scenario is one promtool test whose
 * `promql_expr_test`s expect no firing `ALERTS` series at every evaluation; the failures promtool
 * prints ("got: {...alertname=..., device=...}") are read back into a firing timeline, from which
 * the figures follow. Nothing is mocked: the rule files are the ones the stack renders.
 */

/** One sample a minute; the real scrape interval is 30 s, so a failed scrape here lasts two. */
export const SAMPLE = Duration.minutes(1);
const SPM = 1; // samples per minute

export type ScenarioKind = 'healthy' | 'hovering' | 'step' | 'drift' | 'down' | 'gone';

/** One simulated history for one alert. Times are minutes from the start of the history. */
export interface QualityScenario {
  readonly alert: string;
  readonly kind: ScenarioKind;
  /** Input series in promtool's notation (explicit values, `_` for a missed scrape, `stale`). */
  readonly series: ReadonlyArray<{ readonly series: string; readonly values: string }>;
  readonly minutes: number;
  /** The part of the history the per-hour figures count (hovering), in minutes. */
  readonly measureFrom: number;
  /** When the fault starts (or, for a drift, when its noise-free value crosses the threshold) and ends. */
  readonly fault?: { readonly from: number; readonly until: number };
}

/** What the harness measured for one scenario: per device, every rising edge and resolution. */
export interface ScenarioResult {
  readonly scenario: QualityScenario;
  /** Evaluation times (s) at which the alert was firing, per device. */
  readonly firing: ReadonlyMap<string, readonly number[]>;
  /** Rising edges (new firing episodes) within the measured part, all devices. */
  readonly episodes: number;
  /** Seconds from the fault's start to the first firing evaluation. @default - not detected */
  readonly detection?: number;
  /** Seconds from the fault's end to the first evaluation not firing. @default - never resolved within the history */
  readonly resolve?: number;
}

interface Signal {
  readonly alert: string;
  readonly metric: Metric;
  readonly up: boolean; // fires above the threshold
  readonly limit: number;
  /** A healthy device's reading at minute i. */
  readonly healthy: (d: number, i: number) => number;
  /** The reading of a real fault (a step to it, or a drift towards it). */
  readonly fault: number;
  /** Single-sample spikes past the threshold on a healthy device (GC pauses, radio bursts). @default - none */
  readonly spike?: number;
}

const M = SERVICE_METRICS;
const family = (metric: Metric) => FAMILIES.find((f) => f.name === metric.name && f.job === DEVICE_TARGETS.job)!;
const fleetValue = (metric: Metric) => (d: number, i: number) => family(metric).value(d, 0, i);
const SALT = 7919;
/** A deterministic uniform in [0, 1) for a scenario's device, a purpose and a step. */
const u = (d: number, purpose: number, i: number) => noise(d + SALT * purpose, purpose, i);

/** The signals of the alerts on one metric's threshold, from the thresholds under test. */
function signals(T: Thresholds): Signal[] {
  const lim = <D extends Dimension>(metric: Metric<D>, q: Quantity<D>) => q.in(metric.unit);
  return [
    {
      alert: 'HighInferenceLatency',
      metric: M.inferenceLatency,
      up: true,
      limit: lim(M.inferenceLatency, T.inferenceLatency.warning),
      healthy: fleetValue(M.inferenceLatency),
      fault: 40,
      spike: 60,
    },
    {
      alert: 'HighPowerConsumption',
      metric: M.powerConsumption,
      up: true,
      limit: lim(M.powerConsumption, T.powerConsumption.warning),
      healthy: fleetValue(M.powerConsumption),
      fault: 4.5,
      spike: 5,
    },
    {
      alert: 'HighMemoryUsage',
      metric: M.memoryUsage,
      up: true,
      limit: lim(M.memoryUsage, T.memoryUsage.warning),
      healthy: fleetValue(M.memoryUsage),
      fault: 14,
    },
    {
      alert: 'LowThroughput',
      metric: M.samplesPerSecond,
      up: false,
      limit: lim(M.samplesPerSecond, T.throughput.critical),
      healthy: fleetValue(M.samplesPerSecond),
      fault: 12_000,
      spike: 8000,
    },
    {
      alert: 'LowModelAccuracy',
      metric: M.modelAccuracy,
      up: false,
      limit: lim(M.modelAccuracy, T.modelAccuracy.critical),
      healthy: fleetValue(M.modelAccuracy),
      fault: 0.85,
      spike: 0.8,
    },
    {
      alert: 'DeviceTooHot',
      metric: M.deviceTemperature,
      up: true,
      limit: lim(M.deviceTemperature, T.deviceTemperature.warning),
      healthy: fleetValue(M.deviceTemperature),
      fault: 85,
      spike: 80,
    },
    // A healthy battery of the fleet history never reaches 20% within a day.
    {
      alert: 'BatteryLow',
      metric: M.batteryLevel,
      up: false,
      limit: lim(M.batteryLevel, T.batteryLevel.warning),
      healthy: fleetValue(M.batteryLevel),
      fault: 10,
    },
  ];
}

/** The device labels of simulated device `d`, as the scrape configuration sets them. */
const labelsOf = (d: number) => ({
  job: DEVICE_TARGETS.job,
  instance: `10.0.0.${10 + d}:8080`,
  [DEVICE_TARGETS.deviceLabel]: `edge-${String(d + 1).padStart(2, '0')}`,
});
const num = (v: number) => String(Math.round(v * 10_000) / 10_000);

/**
 * A slow wander in [-1, 1]: uniform values at knots ten minutes apart, cosine-interpolated. A
 * loaded device's latency drifts over minutes, so a hovering metric stays on one side of the
 * threshold for minutes at a time (what makes a bare rule flap), plus fast jitter on top.
 */
function wander(d: number, i: number): number {
  const knot = 10 * SPM;
  const k = Math.floor(i / knot);
  const f = (i - k * knot) / knot;
  const a = 2 * u(d, 3, k) - 1;
  const b = 2 * u(d, 3, k + 1) - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a * (1 - w) + b * w;
}

/** `limit` +/- 15%: 60% of the amplitude slow wander, 40% fast uniform jitter. */
const hover = (limit: number, d: number, i: number) =>
  limit * (1 + 0.15 * (0.6 * wander(d, i) + 0.4 * (2 * u(d, 4, i) - 1)));

export interface ScenarioLengths {
  /** Length of the healthy fleet's history. */
  readonly healthy: Duration;
  /** Devices of the healthy fleet. */
  readonly healthyDevices: number;
  /** Length of the hovering history. */
  readonly hovering: Duration;
}

export const FULL: ScenarioLengths = { healthy: Duration.hours(24), healthyDevices: 3, hovering: Duration.hours(6) };
export const SHORT: ScenarioLengths = { healthy: Duration.hours(4), healthyDevices: 2, hovering: Duration.hours(2) };

const minutesOf = (d: Duration) => Math.round(d.milliseconds / 60_000);

/** Every scenario of every measured alert, for one set of thresholds. `only` narrows to some alerts. */
export function qualityScenarios(T: Thresholds, lengths: ScenarioLengths, only?: readonly string[]): QualityScenario[] {
  const out: QualityScenario[] = [];
  const want = (alert: string) => only === undefined || only.includes(alert);
  const render = (values: Array<number | '_' | 'stale'>) =>
    values.map((v) => (typeof v === 'number' ? num(v) : v)).join(' ');
  const gap = (d: number, i: number) => u(d, 5, i) < 0.01;

  for (const s of signals(T).filter((x) => want(x.alert))) {
    const series = (d: number) => seriesText(s.metric.name, labelsOf(d));
    const healthyAt = (d: number, i: number): number | '_' =>
      gap(d, i) ? '_' : s.spike !== undefined && u(d, 6, i) < 0.005 ? s.spike : s.healthy(d, i);
    const hm = minutesOf(lengths.healthy);
    out.push({
      alert: s.alert,
      kind: 'healthy',
      minutes: hm,
      measureFrom: 0,
      series: Array.from({ length: lengths.healthyDevices }, (_, d) => ({
        series: series(d),
        values: render(Array.from({ length: hm + 1 }, (_, i) => healthyAt(d, i))),
      })),
    });
    const vm = minutesOf(lengths.hovering);
    out.push({
      alert: s.alert,
      kind: 'hovering',
      minutes: vm,
      measureFrom: 0,
      series: [
        {
          series: series(0),
          values: render(Array.from({ length: vm + 1 }, (_, i) => (gap(0, i) ? '_' : hover(s.limit, 0, i)))),
        },
      ],
    });
    // A step past the threshold at 60m, lasting an hour, with +/-5% noise; then healthy again.
    const from = 60;
    const until = 120;
    const end = 180;
    out.push({
      alert: s.alert,
      kind: 'step',
      minutes: end,
      measureFrom: 0,
      fault: { from, until },
      series: [
        {
          series: series(0),
          values: render(
            Array.from({ length: end + 1 }, (_, i) =>
              i >= from && i < until ? s.fault * (1 + 0.05 * (2 * u(0, 7, i) - 1)) : s.healthy(0, i),
            ),
          ),
        },
      ],
    });
    // A slow drift from the healthy reading to the fault value over two hours (a leak, a draining
    // battery, a heating enclosure), held for half an hour, then a restart: healthy again.
    const driftFrom = 30;
    const driftMinutes = 120;
    const driftEnd = driftFrom + driftMinutes + 30;
    const base = s.healthy(0, driftFrom);
    const crossAt = driftFrom + Math.ceil((driftMinutes * (s.limit - base)) / (s.fault - base));
    out.push({
      alert: s.alert,
      kind: 'drift',
      minutes: driftEnd + 60,
      measureFrom: 0,
      fault: { from: crossAt, until: driftEnd },
      series: [
        {
          series: series(0),
          values: render(
            Array.from({ length: driftEnd + 61 }, (_, i) => {
              if (i < driftFrom || i >= driftEnd) return s.healthy(0, i);
              const f = Math.min(1, (i - driftFrom) / driftMinutes);
              return (base + (s.fault - base) * f) * (1 + 0.01 * (2 * u(0, 8, i) - 1));
            }),
          ),
        },
      ],
    });
  }

  if (want('DeviceOffline')) {
    const up = (d: number) => seriesText(PROMETHEUS_METRICS.up.name, labelsOf(d));
    const hm = minutesOf(lengths.healthy);
    // A healthy device misses a scrape now and then: `up` is 0 for that sample.
    out.push({
      alert: 'DeviceOffline',
      kind: 'healthy',
      minutes: hm,
      measureFrom: 0,
      series: Array.from({ length: lengths.healthyDevices }, (_, d) => ({
        series: up(d),
        values: Array.from({ length: hm + 1 }, (_, i) => (u(d, 5, i) < 0.01 ? 0 : 1)).join(' '),
      })),
    });
    // A flaky link: a third of the scrapes fail, in runs (the wander), for hours.
    const vm = minutesOf(lengths.hovering);
    out.push({
      alert: 'DeviceOffline',
      kind: 'hovering',
      minutes: vm,
      measureFrom: 0,
      series: [
        {
          series: up(0),
          values: Array.from({ length: vm + 1 }, (_, i) =>
            0.5 * wander(0, i) + 0.5 * (2 * u(0, 4, i) - 1) > 0.3 ? 0 : 1,
          ).join(' '),
        },
      ],
    });
    out.push({
      alert: 'DeviceOffline',
      kind: 'down',
      minutes: 180,
      measureFrom: 0,
      fault: { from: 60, until: 120 },
      series: [{ series: up(0), values: `1x59 0x59 1x60` }],
    });
    // Gone from discovery at 60m (a stale marker, then no samples), back at 120m.
    out.push({
      alert: 'DeviceOffline',
      kind: 'gone',
      minutes: 180,
      measureFrom: 0,
      fault: { from: 60, until: 120 },
      series: [{ series: up(0), values: `1x59 stale _x59 1x60` }],
    });
  }
  return out;
}

/** The stack's rule groups for a set of thresholds, as the stack renders them. */
export function ruleGroups(T: Thresholds): RuleGroup[] {
  const config = stackConfig(T);
  return config.alertGroups.map(
    (g) =>
      new RuleGroup({
        name: g.name,
        interval: config.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL,
        rules: g.rules,
        records: g.records,
        runbookBaseUrl: config.runbookBaseUrl,
      }),
  );
}

/** The alert rule named `name` in `groups`. */
export function ruleNamed(groups: readonly RuleGroup[], name: string): AlertRule {
  const rule = groups.flatMap((g) => g.rules).find((r) => r.name === name);
  if (!rule) throw new Error(`alert-quality: no alert rule '${name}' in the stack`);
  return rule;
}

/** Seconds in a Prometheus duration as promtool prints it (`1h2m30s`). */
function parseSeconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h' | 'm' | 's' | 'ms'];
  return total;
}

/** Reads promtool's failure output into evaluation times (s) at which the alert fired, per device. */
export function parseFiring(output: string): Map<string, number[]> {
  const firing = new Map<string, number[]>();
  const blocks = output.split(/(?:^|\n)\s*expr: /).slice(1);
  for (const block of blocks) {
    const time = /time: ([0-9hms.]+),/.exec(block);
    const got = /got: (.*)/.exec(block);
    if (!time || !got) continue;
    const at = parseSeconds(time[1]);
    for (const [, device] of got[1].matchAll(/device="([^"]*)"/g))
      firing.set(device, [...(firing.get(device) ?? []), at]);
  }
  for (const times of firing.values()) times.sort((a, b) => a - b);
  return firing;
}

function runPromtool(dir: string, file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['test', 'rules', file], { cwd: dir });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', (e) =>
      reject(
        new Error(`promtool could not be run (${e.message}); install it with 'bash scripts/install-test-deps.sh'`),
      ),
    );
    child.on('close', (code) => {
      if (code === 0 || out.includes('got:')) resolve(out);
      else
        reject(new Error(`promtool test rules ${file} failed without alerts (exit ${code}):\n${out.slice(0, 2000)}`));
    });
  });
}

/** Replays every scenario through the rule files of `groups` with promtool; `parallel` processes at a time. */
export async function replay(
  groups: readonly RuleGroup[],
  scenarios: readonly QualityScenario[],
  parallel = 2,
): Promise<ScenarioResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alert-quality-'));
  try {
    for (const g of groups) writeFileSync(join(dir, g.fileName), renderRuleFile(g));
    const interval = groups[0].interval;
    const step = interval.seconds;
    const results: ScenarioResult[] = new Array(scenarios.length);
    let next = 0;
    const worker = async () => {
      while (next < scenarios.length) {
        const n = next++;
        const s = scenarios[n];
        const file = `scenario-${n}.test.yaml`;
        const evals = Math.floor((s.minutes * 60) / step);
        const expr = `ALERTS{alertname="${s.alert}",alertstate="firing"}`;
        // Only the alert's own group (its recording rules included) is evaluated: the other groups
        // cannot change its state, and the fleet aggregates would triple promtool's time.
        const group = groups.find((g) => g.rules.some((r) => r.name === s.alert));
        if (!group) throw new Error(`alert-quality: no alert rule '${s.alert}' in the stack`);
        const test = {
          rule_files: [group.fileName],
          evaluation_interval: interval.toPrometheus(),
          tests: [
            {
              name: `${s.alert} ${s.kind}`,
              interval: SAMPLE.toPrometheus(),
              input_series: s.series,
              promql_expr_test: Array.from({ length: evals + 1 }, (_, k) => ({
                expr,
                eval_time: Duration.seconds(k * step).toPrometheus(),
                exp_samples: [],
              })),
            },
          ],
        };
        writeFileSync(join(dir, file), stringify(test, { lineWidth: 0 }));
        const firing = parseFiring(await runPromtool(dir, file));
        results[n] = measure(s, firing, step);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures of one scenario from its firing timeline (evaluations every `step` seconds). */
export function measure(
  scenario: QualityScenario,
  firing: ReadonlyMap<string, readonly number[]>,
  step: number,
): ScenarioResult {
  let episodes = 0;
  const from = scenario.measureFrom * 60;
  for (const times of firing.values()) {
    times.forEach((t, k) => {
      if (t >= from && (k === 0 || times[k - 1] !== t - step)) episodes++;
    });
  }
  let detection: number | undefined;
  let resolve: number | undefined;
  if (scenario.fault) {
    const start = scenario.fault.from * 60;
    const end = scenario.fault.until * 60;
    const times = [...firing.values()].flat();
    const first = times.filter((t) => t >= start).sort((a, b) => a - b)[0];
    if (first !== undefined && first <= end) detection = first - start;
    const set = new Set(times);
    for (let t = end; t <= scenario.minutes * 60; t += step) {
      if (!set.has(t)) {
        resolve = t - end;
        break;
      }
    }
  }
  return { scenario, firing, episodes, detection, resolve };
}

/** Per alert, the measured figures, and whether each goal is met. */
export interface AlertQuality {
  readonly alert: string;
  readonly for: Duration;
  /** Detection after a step fault (or a target down / gone for DeviceOffline), seconds. */
  readonly detection?: number;
  /** Detection after a slow drift's noise-free value crossed the threshold, seconds. */
  readonly driftDetection?: number;
  readonly hoveringPerHour: number;
  readonly falseAlarmsPer24h: number;
  /** Time to resolve after the step fault ended, seconds. */
  readonly resolve?: number;
  readonly goals: {
    readonly healthy: boolean;
    readonly hovering: boolean;
    readonly detection: boolean;
    /** Resolved within RESOLVE_GOAL of a clear recovery. */
    readonly resolution: boolean;
  };
}

/** A clear recovery (the metric back to its healthy level) resolves the alert within this. */
export const RESOLVE_GOAL = Duration.minutes(5);

/** Folds the scenario results into one row per alert. */
export function summarise(groups: readonly RuleGroup[], results: readonly ScenarioResult[]): AlertQuality[] {
  const interval = groups[0].interval;
  const alerts = [...new Set(results.map((r) => r.scenario.alert))];
  return alerts.map((alert) => {
    const of = (kind: ScenarioKind) => results.find((r) => r.scenario.alert === alert && r.scenario.kind === kind);
    const rule = ruleNamed(groups, alert);
    const healthy = of('healthy')!;
    const hovering = of('hovering')!;
    const step = of('step') ?? of('down')!;
    const falseAlarmsPer24h = (healthy.episodes * 24 * 60) / healthy.scenario.minutes;
    const hoveringPerHour = (hovering.episodes * 60) / (hovering.scenario.minutes - hovering.scenario.measureFrom);
    const budget = rule.for.plus(interval.times(2)).seconds;
    return {
      alert,
      for: rule.for,
      detection: step.detection,
      driftDetection: (of('drift') ?? of('gone'))?.detection,
      hoveringPerHour,
      falseAlarmsPer24h,
      resolve: step.resolve,
      goals: {
        healthy: falseAlarmsPer24h === 0,
        hovering: hoveringPerHour <= 1,
        detection: step.detection !== undefined && step.detection <= budget,
        resolution: step.resolve !== undefined && step.resolve <= RESOLVE_GOAL.seconds,
      },
    };
  });
}

/** The rules a run measures: bare comparisons, the hold times shipped before the resolve bands, or what ships. */
export type QualityVariant = 'bare' | 'before' | 'after';

/**
 * The keep_firing_for each alert shipped with before its resolve band (the flapping fix that left a
 * recovered alert firing 15-30 minutes), with no band: the 'before' rows.
 */
const PREVIOUS_HOLDS: Readonly<Record<string, Duration>> = {
  deviceOffline: Duration.minutes(15),
  throughput: Duration.minutes(15),
  modelAccuracy: Duration.minutes(15),
  inferenceLatency: Duration.minutes(15),
  powerConsumption: Duration.minutes(30),
  memoryUsage: Duration.minutes(30),
  deviceTemperature: Duration.minutes(15),
  batteryLevel: Duration.minutes(30),
};

/** The thresholds of a run: 'bare' (every shaping and band stripped), 'before' (the previous hold times) or 'after'. */
export function thresholdsFor(variant: QualityVariant, T: Thresholds = THRESHOLDS): Thresholds {
  if (variant === 'after') return T;
  const bare = unshaped(T);
  if (variant === 'bare') return bare;
  const held = Object.fromEntries(
    Object.entries(bare).map(([key, entry]) =>
      key in PREVIOUS_HOLDS ? [key, { ...entry, shaping: { keepFiringFor: PREVIOUS_HOLDS[key] } }] : [key, entry],
    ),
  );
  return held as unknown as Thresholds;
}

/** Measures every alert (or `only` some) for a set of thresholds. */
export async function alertQuality(
  T: Thresholds,
  lengths: ScenarioLengths,
  only?: readonly string[],
  parallel = 2,
): Promise<AlertQuality[]> {
  const groups = ruleGroups(T);
  return summarise(groups, await replay(groups, qualityScenarios(T, lengths, only), parallel));
}

/** `5m30s`, or `-` when there is nothing to show. */
export function formatSeconds(s: number | undefined): string {
  return s === undefined ? '-' : Duration.seconds(s).toPrometheus();
}
