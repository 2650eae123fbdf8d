/**
 * Quantities with units. A threshold is never a bare number: it is a `Quantity` of a dimension,
 * and it is converted into the unit of the metric it is compared with, so milliseconds are never
 * compared with seconds, nor a percent with a 0-1 ratio, by accident.
 */

/** What a quantity measures. Two quantities can be converted into each other only within one. */
export type Dimension =
  | 'time'
  | 'power'
  | 'energy'
  | 'data'
  | 'fraction'
  | 'frequency'
  | 'temperature'
  | 'count'
  | 'cpu';

/** A unit of one dimension: `factor` of them make one base unit of the dimension. */
export interface Unit<D extends Dimension = Dimension> {
  readonly dimension: D;
  /** Short symbol shown after a value: `ms`, `mW`, `%`. Empty for plain counts. */
  readonly symbol: string;
  /** How many base units one of this unit is (seconds, watts, bytes, ratio, hertz, celsius, count). */
  readonly factor: number;
}

function unit<D extends Dimension>(dimension: D, symbol: string, factor: number): Unit<D> {
  return Object.freeze({ dimension, symbol, factor });
}

/** Every unit the stack knows. Metrics declare one of these; thresholds are made with them. */
export const Units = {
  seconds: unit('time', 's', 1),
  milliseconds: unit('time', 'ms', 1e-3),
  watts: unit('power', 'W', 1),
  milliwatts: unit('power', 'mW', 1e-3),
  joules: unit('energy', 'J', 1),
  bytes: unit('data', 'B', 1),
  /** SI megabytes (10^6 bytes), as the service contract's `memory_usage_mb` reports. */
  megabytes: unit('data', 'MB', 1e6),
  /** Binary units, as Kubernetes requests memory and storage (`512Mi`, `50Gi`). */
  mebibytes: unit('data', 'MiB', 2 ** 20),
  gibibytes: unit('data', 'GiB', 2 ** 30),
  ratio: unit('fraction', '', 1),
  percent: unit('fraction', '%', 1e-2),
  hertz: unit('frequency', 'Hz', 1),
  celsius: unit('temperature', '°C', 1),
  count: unit('count', '', 1),
  /** CPU time as Kubernetes counts it: cores, or millicores (`500m`). */
  cores: unit('cpu', 'cores', 1),
  millicores: unit('cpu', 'm', 1e-3),
} as const;

/** An amount of a unit. Immutable; `in()` converts within the dimension. */
export class Quantity<D extends Dimension = Dimension> {
  public constructor(
    public readonly amount: number,
    public readonly unit: Unit<D>,
  ) {}

  public get dimension(): D {
    return this.unit.dimension;
  }

  /** The amount expressed in `target`, rounded to 12 significant digits so 0.025 s is 25 ms, not 25.000000000000004. */
  public in(target: Unit<D>): number {
    if (target.dimension !== this.unit.dimension) {
      // Unreachable from typed code; guards values built from untyped input.
      throw new Error(`cannot convert ${this} (${this.unit.dimension}) into ${target.symbol} (${target.dimension})`);
    }
    if (target === this.unit) return this.amount;
    return roundSignificant((this.amount * this.unit.factor) / target.factor);
  }

  public isFinite(): boolean {
    return Number.isFinite(this.amount);
  }

  /** `25 ms`, `90%`, `16000 Hz`, `0.5` (a ratio or count has no symbol). */
  public toString(): string {
    return formatAmount(this.amount, this.unit);
  }
}

/** `25 ms`, `90%`: an amount written with its unit, as thresholds appear in alert texts. */
export function formatAmount(amount: number, u: Unit): string {
  if (u.symbol === '') return `${amount}`;
  if (u.symbol === '%') return `${amount}%`;
  return `${amount} ${u.symbol}`;
}

function roundSignificant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(12));
}

function factory<D extends Dimension>(u: Unit<D>) {
  return { of: (amount: number): Quantity<D> => new Quantity(amount, u), unit: u } as const;
}

export const Seconds = factory(Units.seconds);
export const Milliseconds = factory(Units.milliseconds);
export const Watts = factory(Units.watts);
export const Milliwatts = factory(Units.milliwatts);
export const Bytes = factory(Units.bytes);
export const Megabytes = factory(Units.megabytes);
export const Ratio = factory(Units.ratio);
export const Percent = factory(Units.percent);
export const Hertz = factory(Units.hertz);
export const Celsius = factory(Units.celsius);
export const Count = factory(Units.count);
export const Mebibytes = factory(Units.mebibytes);
export const Gibibytes = factory(Units.gibibytes);
export const Cores = factory(Units.cores);
export const Millicores = factory(Units.millicores);
