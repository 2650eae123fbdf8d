import {
  type AlertShaping,
  Celsius,
  Duration,
  Hertz,
  Megabytes,
  Milliseconds,
  Milliwatts,
  Percent,
  Seconds,
} from '../lib';

/** An alert's shaping, typed as AlertShaping so that `unshaped()` can strip it. */
const shaping = (s: AlertShaping): AlertShaping => s;

/**
 * Every alert threshold, declared once with its reason: the file a platform team edits in review. `shaping` buys quiet
 * while a metric hovers at its line with a later resolution (measured: bench/reports/alert-quality.md); smoothing
 * windows were measured and rejected, as README.md "Alert quality" records.
 */
export const THRESHOLDS = {
  deviceOffline: {
    /** A flaky link flaps the bare rule; 15m merges its episodes, and a device really back resolves 15m later. */
    shaping: shaping({ keepFiringFor: Duration.minutes(15) }),
    /** Four failed scrapes at the 30 s interval: one lost packet or a restart does not page. */
    for: Duration.minutes(2),
    /** A target gone from discovery writes no `up == 0`; its last `up` is remembered this long, then it is retired. */
    forgetAfter: Duration.hours(1),
  },
  throughput: {
    /** The bare rule flaps while throughput hovers at the line; 15m merges its episodes. */
    shaping: shaping({ keepFiringFor: Duration.minutes(15) }),
    /** Real time at the 16 kHz sample rate of the audio front end: below it, frames queue up and are dropped. */
    critical: Hertz.of(16_000),
    /** Start-up and model reloads dip below real time for seconds, not minutes. */
    for: Duration.minutes(5),
  },
  modelAccuracy: {
    /** The bare rule met the hovering goal already; 15m matches the other critical alerts. */
    shaping: shaping({ keepFiringFor: Duration.minutes(15) }),
    /** Below 90% keyword detection misses too often to ship (the model was released at 94%). */
    critical: Percent.of(90),
    /** Accuracy is measured on a sliding window of labelled samples; ten minutes smooths a noisy batch. */
    for: Duration.minutes(10),
  },
  accuracyDegradation: {
    /** None: the alert compares two means, which smooth it already; npm run alert-quality does not replay it. */
    shaping: shaping({}),
    /** A drop of this many points against the device's own baseline is a drift worth a look, even above the floor. */
    warning: Percent.of(5),
    /** The baseline is the mean over a whole shift of typical audio. */
    baseline: Duration.hours(6),
    /** The baseline ends this long ago, so a drop does not drag its own baseline down before it fires. */
    baselineOffset: Duration.hours(1),
    /** The current accuracy is a mean too, so one bad batch does not count as a drift. */
    window: Duration.minutes(10),
    /** A drift lasts, so it must hold this long; a bad batch of audio passes sooner. */
    for: Duration.minutes(15),
  },
  inferenceLatency: {
    /** The bare rule flaps while latency hovers at the line; 15m merges its episodes. */
    shaping: shaping({ keepFiringFor: Duration.minutes(15) }),
    /** Real-time audio needs < 25 ms per inference frame at 16 kHz on the reference device. */
    warning: Milliseconds.of(25),
    /** Garbage collection and thermal throttling spikes last seconds. */
    for: Duration.minutes(5),
  },
  powerConsumption: {
    /** A slow metric: a drain rarely recovers within 30m, so resolving that late costs little and stops flapping. */
    shaping: shaping({ keepFiringFor: Duration.minutes(30) }),
    /** The power budget of the always-on audio path on a coin-cell device. */
    warning: Milliwatts.of(3),
    /** Radio bursts draw more for seconds; only a sustained draw drains the battery. */
    for: Duration.minutes(10),
  },
  memoryUsage: {
    /** A slow metric: a leak rarely recovers within 30m, so resolving that late costs little and stops flapping. */
    shaping: shaping({ keepFiringFor: Duration.minutes(30) }),
    /** The reference device has 16 MB for the inference process; 10 MB leaves room for buffers and updates. */
    warning: Megabytes.of(10),
    /** A growing leak stays; a burst of buffered audio does not. */
    for: Duration.minutes(10),
  },
  deviceTemperature: {
    /** The bare rule flaps while the temperature hovers at the line; 15m merges its episodes. */
    shaping: shaping({ keepFiringFor: Duration.minutes(15) }),
    /** The reference SoC throttles at 80 °C; this warns before inference slows down. */
    warning: Celsius.of(75),
    /** A burst of inference heats the SoC for seconds. */
    for: Duration.minutes(5),
  },
  batteryLevel: {
    /** A slow metric: a charge rarely recovers within 30m, so resolving that late costs little and stops flapping. */
    shaping: shaping({ keepFiringFor: Duration.minutes(30) }),
    /** Below this a coin-cell device has hours left; replace or recharge it on the next round. */
    warning: Percent.of(20),
    /** The charge reading is noisy under load. */
    for: Duration.minutes(10),
  },
  prometheus: {
    /** How far back the self-monitoring alerts look: a window that bridges a missed scrape or two. */
    window: Duration.minutes(5),
    /** A failed reload keeps the old configuration running; this leaves time for a fix being rolled out. */
    configReloadFailedFor: Duration.minutes(10),
    /** A rule that fails keeps failing, and its alert is silently blind: any failure over this long fires. */
    ruleFailuresFor: Duration.minutes(15),
    /** A lasting share of failed notifications means some alerts never reach a human. */
    notificationErrors: Percent.of(1),
    /** Sustained failures only: a restarting Alertmanager peer should not fire it. */
    notificationErrorsFor: Duration.minutes(15),
    /** With no Alertmanager connected, every alert is lost. */
    notConnectedFor: Duration.minutes(10),
    /** Long-term storage falling this far behind the local head loses data if it never catches up. */
    remoteWriteBehind: Seconds.of(120),
    /** Sustained lag only: a queue catching up after a brief outage of the receiver should not fire it. */
    remoteWriteBehindFor: Duration.minutes(15),
    /** Share of a component's targets down (devices have DeviceOffline instead). */
    targetsDown: Percent.of(10),
    /** Sustained only: a rolling restart of a component should not fire it. */
    targetsDownFor: Duration.minutes(10),
  },
  batchJobs: {
    /** A nightly training run or CI suite pushes once a day; 26h leaves two hours for a slow or late run. */
    maxPushAge: Duration.hours(26),
    /** A push under way when the age passes is still counted. */
    for: Duration.minutes(5),
  },
  alertmanager: {
    /** How far back the self-monitoring alerts look: a window that bridges a missed scrape or two. */
    window: Duration.minutes(5),
    /** A failed reload keeps the old routing running; this leaves time for a fix being rolled out. */
    configReloadFailedFor: Duration.minutes(10),
    /** Retries hide single errors, so a lasting share of one integration's failures means alerts miss that channel. */
    notificationFailures: Percent.of(1),
    /** A Slack or SMTP hiccup clears within a retry or two. */
    notificationFailuresFor: Duration.minutes(5),
    /** A split cluster notifies twice; a restart settles the membership in seconds. */
    membersInconsistentFor: Duration.minutes(15),
    /** A peer up less than this share of the window counts as down (a peer restarting counts as up). */
    peerUpFraction: Percent.of(50),
    /** With this share of the peers down, one more failure and notifications stop. */
    clusterDown: Percent.of(50),
    /** Longer than a rolling restart of one peer. */
    clusterDownFor: Duration.minutes(5),
  },
} as const;

/** The shape of the thresholds; the alert builders take any value of it. */
export type Thresholds = typeof THRESHOLDS;

/**
 * A copy of `thresholds` with every duration multiplied by `factor` and every amount unchanged:
 * the same rules on a compressed clock (an end-to-end run scales a 5-minute `for` down to 5 s).
 */
export function scaleDurations<T>(thresholds: T, factor: number): T {
  if (!(factor > 0) || !Number.isFinite(factor))
    throw new Error(`scaleDurations: 'factor' must be a positive number, got ${factor}`);
  const scale = (value: unknown): unknown => {
    if (value instanceof Duration) return Duration.millis(Math.max(1, Math.round(value.milliseconds * factor)));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scale(v)]));
    }
    return value;
  };
  return scale(thresholds) as T;
}

/**
 * A copy of `thresholds` with every alert's shaping removed: the bare comparisons with the same
 * thresholds and `for`, as the seed had them (`npm run alert-quality` measures both).
 */
export function unshaped<T>(thresholds: T): T {
  const strip = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'shaping' ? {} : strip(v)]));
    }
    return value;
  };
  return strip(thresholds) as T;
}

/**
 * `build` remembered per thresholds value: the stack and the named exports share one set of rules
 * built from THRESHOLDS instead of parsing every expression twice.
 */
export function perThresholds<R>(build: (thresholds: Thresholds) => R): (thresholds?: Thresholds) => R {
  const built = new WeakMap<Thresholds, R>();
  return (thresholds: Thresholds = THRESHOLDS) => {
    let result = built.get(thresholds);
    if (result === undefined) {
      result = build(thresholds);
      built.set(thresholds, result);
    }
    return result;
  };
}
