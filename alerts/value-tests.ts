import type { Comparison, Dimension, Duration, Quantity, RuleTestCase, Unit } from '../lib';

/**
 * Generated promtool tests for a threshold alert whose value is an expression over several series
 * (a ratio of two metrics, a difference, an `abs()`): `inputs(v)` gives constant input series for
 * which the expression evaluates to `v`. The cases mirror AlertRule.threshold's: just past the fire
 * level fires after `for`, just inside never fires; with a resolve level, fired then just inside
 * the resolve level keeps firing, fired then just past it resolves.
 */
export interface ValueInput {
  readonly series: string;
  readonly value: number;
}

/** What the tests read of the alert: the props it is built from. */
export interface ValueAlert<D extends Dimension> {
  readonly op: Comparison;
  readonly threshold: Quantity<D>;
  readonly resolve?: Quantity<D>;
  readonly unit: Unit<D>;
  readonly for: Duration;
}

export function valueTests<D extends Dimension>(
  rule: ValueAlert<D>,
  inputs: (v: number) => readonly ValueInput[],
  labels: Readonly<Record<string, string>>,
  interval: Duration,
  /** What the expression evaluates to for the inputs of `v`, exactly (float arithmetic included). @default - `v` */
  computed: (v: number) => number = (v) => v,
): RuleTestCase[] {
  const up = rule.op === '>' || rule.op === '>=';
  const limit = rule.threshold.in(rule.unit);
  const nudge = (x: number) => (x === 0 ? 1e-3 : Math.abs(x) * 1e-2);
  const round = (x: number) => Number(x.toPrecision(10));
  const past = round(up ? limit + nudge(limit) : limit - nudge(limit));
  const inside = round(up ? limit - nudge(limit) : limit + nudge(limit));
  const f = rule.for;
  const span = f.times(2).plus(interval.times(4));
  const n = Math.ceil(span.milliseconds / interval.milliseconds);
  const constant = (v: number) => inputs(v).map((i) => ({ series: i.series, values: `${i.value}x${n}` }));
  const then = (a: number, b: number) => {
    const [first, second] = [inputs(a), inputs(b)];
    return first.map((i, k) => ({ series: i.series, values: `${i.value}x${n - 1} ${second[k].value}x${n}` }));
  };
  const firesAt = f.plus(interval);
  const firing = (v: number) => [{ labels, value: computed(v) }];
  const cases: RuleTestCase[] = [
    {
      name: `just past ${rule.threshold} (${past}) fires after ${f}`,
      interval,
      input: constant(past),
      checks: [...(f.isZero() ? [] : [{ at: f.minus(interval), firing: [] }]), { at: firesAt, firing: firing(past) }],
    },
    {
      name: `just inside ${rule.threshold} (${inside}) never fires`,
      interval,
      input: constant(inside),
      checks: [
        { at: firesAt, firing: [] },
        { at: span, firing: [] },
      ],
    },
  ];
  if (rule.resolve !== undefined) {
    const resolve = rule.resolve.in(rule.unit);
    const inBand = round(up ? resolve + nudge(resolve) : resolve - nudge(resolve));
    const pastResolve = round(up ? resolve - nudge(resolve) : resolve + nudge(resolve));
    cases.push(
      {
        name: `fired, then inside the band just short of ${rule.resolve} (${inBand}), keeps firing`,
        interval,
        input: then(past, inBand),
        checks: [
          { at: firesAt, firing: firing(past) },
          { at: span.times(2), firing: firing(inBand) },
        ],
      },
      {
        name: `fired, then just past ${rule.resolve} (${pastResolve}), resolves`,
        interval,
        input: then(past, pastResolve),
        checks: [
          { at: firesAt, firing: firing(past) },
          { at: span.plus(interval.times(2)), firing: [] },
        ],
      },
    );
  }
  return cases;
}
