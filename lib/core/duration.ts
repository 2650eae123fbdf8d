/**
 * A span of time in milliseconds, rendered in Prometheus' form (`1h30m`), never a bare string.
 * Whoever consumes a duration validates it against its own rules and names itself in the error.
 */
export class Duration {
  /** The zero duration: a rule that fires on its first matching evaluation. */
  public static readonly ZERO = new Duration(0);

  public static millis(amount: number): Duration {
    return new Duration(amount);
  }
  public static seconds(amount: number): Duration {
    return new Duration(amount * 1000);
  }
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60_000);
  }
  public static hours(amount: number): Duration {
    return new Duration(amount * 3_600_000);
  }
  public static days(amount: number): Duration {
    return new Duration(amount * 86_400_000);
  }

  /**
   * A duration written in Prometheus' form (`5m`, `1h30m`, `0`), as a rule file holds it; undefined
   * when Prometheus' own parser (model.ParseDuration: units y, w, d, h, m, s, ms, largest first) would refuse it.
   */
  public static parse(text: string): Duration | undefined {
    if (text === '0') return Duration.ZERO;
    const match = PROMETHEUS_DURATION.exec(text);
    if (text === '' || !match) return undefined;
    let total = 0;
    PARSE_UNITS.forEach((size, i) => {
      if (match[i + 1] !== undefined) total += Number(match[i + 1]) * size;
    });
    return Number.isSafeInteger(total) ? new Duration(total) : undefined;
  }

  private constructor(public readonly milliseconds: number) {}

  public get seconds(): number {
    return this.milliseconds / 1000;
  }

  public isValid(): boolean {
    return Number.isFinite(this.milliseconds) && this.milliseconds >= 0 && Number.isInteger(this.milliseconds);
  }

  public isZero(): boolean {
    return this.milliseconds === 0;
  }

  public plus(other: Duration): Duration {
    return new Duration(this.milliseconds + other.milliseconds);
  }

  public minus(other: Duration): Duration {
    return new Duration(this.milliseconds - other.milliseconds);
  }

  public times(factor: number): Duration {
    return new Duration(this.milliseconds * factor);
  }

  public compareTo(other: Duration): number {
    return this.milliseconds - other.milliseconds;
  }

  /**
   * The Prometheus form: the largest units first, no zero parts (`90s` is `1m30s`, zero is `0s`).
   * Weeks and years are never used, so every rendered duration reads the same way.
   */
  public toPrometheus(): string {
    if (!this.isValid()) {
      throw new Error(`duration: ${this.describeInvalid()}`);
    }
    if (this.milliseconds === 0) return '0s';
    let rest = this.milliseconds;
    let out = '';
    for (const [suffix, size] of UNITS) {
      const count = Math.floor(rest / size);
      if (count > 0) {
        out += `${count}${suffix}`;
        rest -= count * size;
      }
    }
    return out;
  }

  /**
   * Go's `time.ParseDuration` form (`168h`, `1h30m`, `500ms`), which Go programs' flags and YAML
   * fields read: Go has no days, so whole days become hours.
   */
  public toGo(): string {
    if (!this.isValid()) throw new Error(`duration: ${this.describeInvalid()}`);
    if (this.milliseconds === 0) return '0s';
    let rest = this.milliseconds;
    let out = '';
    for (const [suffix, size] of UNITS.slice(1)) {
      const count = Math.floor(rest / size);
      if (count > 0) {
        out += `${count}${suffix}`;
        rest -= count * size;
      }
    }
    return out;
  }

  /** Why this duration cannot be rendered, for error messages of the consumers. */
  public describeInvalid(): string {
    if (!Number.isFinite(this.milliseconds)) return `must be a finite number, got ${this.milliseconds}ms`;
    if (this.milliseconds < 0) return `must not be negative, got ${this.milliseconds}ms`;
    return `must be a whole number of milliseconds, got ${this.milliseconds}ms`;
  }

  public toString(): string {
    return this.isValid() ? this.toPrometheus() : `${this.milliseconds}ms`;
  }
}

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Prometheus' duration syntax, each unit at most once and the largest first. */
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
/** Milliseconds per unit of PROMETHEUS_DURATION's groups; a year is 365 days, as in Prometheus. */
const PARSE_UNITS = [31_536_000_000, 604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
