import {
  type AlertShaping,
  Celsius,
  Count,
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
 * Every alert threshold, declared once with its reason: the file a platform team edits in review. A threshold alert
 * fires past its fire level and, once firing, resolves only past its `resolve` level inside it: the band gives quiet
 * while a metric hovers at its line and a clear recovery resolves at the next evaluation (measured:
 * bench/reports/alert-quality.md). Smoothing windows and long hold times were measured and rejected, as README.md
 * "Alert quality" records.
 */
export const THRESHOLDS = {
  deviceOffline: {
    /** A flaky link flaps the bare rule; 5m merges episodes a few failed scrapes apart, and a device back resolves 5m later. */
    shaping: shaping({ keepFiringFor: Duration.minutes(5) }),
    /** Four failed scrapes at the 30 s interval: one lost packet or a restart does not page. */
    for: Duration.minutes(2),
    /** A target gone from discovery writes no `up == 0`; its last `up` is remembered this long, then it is retired. */
    forgetAfter: Duration.hours(1),
  },
  throughput: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** Real time at the 16 kHz sample rate of the audio front end: below it, frames are queued and then dropped. */
    critical: Hertz.of(16_000),
    /** 12.5% headroom over real time: a device back at 18 kHz has drained its queue; healthy devices run at 20-24 kHz. */
    resolve: Hertz.of(18_000),
    /** Start-up and model reloads dip below real time for seconds, not minutes. */
    for: Duration.minutes(5),
  },
  modelAccuracy: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** Below 90% keyword detection misses too often to ship (the model was released at 94%). */
    critical: Percent.of(90),
    /** Two points above the floor, below the 93-97% a healthy release scores: a batch just over 90% is not a recovery. */
    resolve: Percent.of(92),
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
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** Real-time audio needs < 25 ms per inference frame at 16 kHz on the reference device. */
    warning: Milliseconds.of(25),
    /** 20% inside the budget: a device back under 20 ms has recovered; a healthy one runs at 10-20 ms. */
    resolve: Milliseconds.of(20),
    /** Garbage collection and thermal throttling spikes last seconds. */
    for: Duration.minutes(5),
  },
  powerConsumption: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** The power budget of the always-on audio path on a coin-cell device. */
    warning: Milliwatts.of(3),
    /** Just above the 1.5-2.6 mW a healthy device draws over its daily cycle, so a device back to normal resolves. */
    resolve: Milliwatts.of(2.7),
    /** Radio bursts draw more for seconds; only a sustained draw drains the battery. */
    for: Duration.minutes(10),
  },
  memoryUsage: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** The reference device has 16 MB for the inference process; 10 MB leaves room for buffers and updates. */
    warning: Megabytes.of(10),
    /** Above the 5-7 MB of a healthy process: a leak fixed by a restart resolves, one hovering at 9-10 MB does not. */
    resolve: Megabytes.of(8),
    /** A growing leak stays; a burst of buffered audio does not. */
    for: Duration.minutes(10),
  },
  deviceTemperature: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** The reference SoC throttles at 80 °C; this warns before inference slows down. */
    warning: Celsius.of(75),
    /** Well above the 40-55 °C of a healthy device: an enclosure cooled by 5 °C has recovered. */
    resolve: Celsius.of(70),
    /** A burst of inference heats the SoC for seconds. */
    for: Duration.minutes(5),
  },
  batteryLevel: {
    /** No keep_firing_for: the resolve band holds the alert while the value hovers, and lets go as soon as it clearly recovers. */
    shaping: shaping({}),
    /** Below this a coin-cell device has hours left; replace or recharge it on the next round. */
    warning: Percent.of(20),
    /** A recharge or replacement: a reading back over 25% is not the noise of a loaded 20% cell. */
    resolve: Percent.of(25),
    /** The charge reading is noisy under load. */
    for: Duration.minutes(10),
  },
  fleet: {
    /**
     * A device alert firing on this share of the devices is one fleet-wide fault (a regional network cut, a bad model
     * rollout): the fleet alert pages once and mutes the per-device alerts. 10% of 10,000 devices is 1,000 pages otherwise.
     */
    share: Percent.of(10),
    /** Below this share the fleet alert resolves: devices recovering one by one do not flap it. */
    resolveShare: Percent.of(5),
    /** How many devices a notification names before it says how many more there are. */
    listed: Count.of(10),
    /** No device reporting for this long means Prometheus cannot see the fleet (its network, discovery), not 10,000 faults. */
    noDevicesFor: Duration.minutes(2),
  },
  nodeFilesystem: {
    /** A root or data filesystem (an SD card) predicted to be full within this horizon is worth a look today. */
    fillHorizon: Duration.hours(24),
    /** The trend is fitted over this window: long enough that a log rotation or an update does not count as a trend. */
    trendWindow: Duration.hours(6),
    /** A prediction must hold this long: an hour of steady growth, not a burst of writes. */
    fillFor: Duration.hours(1),
    /** Less free space than this share is nearly full now: writes, logs and updates start to fail soon. */
    freeCritical: Percent.of(5),
    /** Back above this share the nearly-full alert resolves (cleaned up, not a few files deleted). */
    freeResolve: Percent.of(8),
    /** A full filesystem stays full; a temporary file written and deleted does not page. */
    freeFor: Duration.minutes(5),
  },
  nodeClock: {
    /** TLS handshakes and token lifetimes start failing at offsets of seconds; 50 ms is far before that, and far past NTP's own error. */
    offset: Seconds.of(0.05),
    /** Back inside this offset the clock has been stepped or slewed back. */
    offsetResolve: Seconds.of(0.02),
    /** NTP slews an offset away within minutes; a lasting one means no working time source. */
    offsetFor: Duration.minutes(10),
    /** The kernel's clock unsynchronised for this long: a boot waits for NTP for a minute or two, not ten. */
    unsyncedFor: Duration.minutes(10),
  },
  nodeMemory: {
    /** Less than this share of the device's memory available: the kernel reclaims hard, and the OOM killer is next. */
    availableCritical: Percent.of(10),
    /** Back above this share the pressure is over. */
    availableResolve: Percent.of(15),
    /** A short burst of page cache is reclaimed within a minute or two. */
    availableFor: Duration.minutes(5),
    /** The OOM killer ran in this window: the inference process or the kubelet may be the one killed. */
    oomWindow: Duration.minutes(15),
  },
  nodeTextfile: {
    /** The exporter's textfile collector failing to read a `*.prom` file means a device's own sensor readings are gone. */
    errorFor: Duration.minutes(15),
  },
  training: {
    /**
     * A training run whose loss has not gone down over this window has stopped converging (a learning rate too high,
     * a bad batch of data): no point in spending the device's power on it.
     */
    plateauWindow: Duration.hours(1),
    /** The loss must fall by at least this share of itself over the window to count as still decreasing. */
    minImprovement: Percent.of(1),
    /** The loss is averaged over this long at both ends of the window, so one noisy batch is not a trend. */
    lossWindow: Duration.minutes(10),
    /** A plateau must last this long beyond the window; a noisy stretch of batches does not count. */
    plateauFor: Duration.minutes(30),
    /** Validation accuracy this many points below the model accuracy on live samples: the model fits its training data, not the world. */
    divergence: Percent.of(5),
    /** Back inside this many points the divergence resolves. */
    divergenceResolve: Percent.of(3),
    /** Validation runs once per epoch: an hour covers a few of them. */
    divergenceFor: Duration.hours(1),
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
 * A copy of `thresholds` with every alert's shaping and resolve level removed: the bare comparisons
 * with the same thresholds and `for`, as the seed had them (`npm run alert-quality` measures both).
 */
export function unshaped<T>(thresholds: T): T {
  const strip = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([k]) => k !== 'resolve')
          .map(([k, v]) => [k, k === 'shaping' ? {} : strip(v)]),
      );
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
