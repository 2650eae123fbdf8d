import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Dimension, Duration, type Metric, type Quantity, SERVICE_METRICS } from '../../lib';
import { exposition, nominalReadings } from './device-simulator';
import { LOOPBACK, sleep } from './loopback';

/**
 * A fleet of simulated liquid-audio-nets devices on loopback, each serving the service contract's
 * metrics on /metrics and each driven by a scenario: its readings are a function of time, and a
 * fault may take its target down (the server stops) or out of discovery (the test's `discovery`
 * hook drops it from Prometheus' targets).
 */

/** A device's readings, by metric, in the metric's own unit. */
export type Readings = Map<Metric, number>;

/** When a fault starts and ends, after the fleet's clock started. */
export interface FaultWindow {
  readonly from: Duration;
  readonly until: Duration;
}

/** What a fault does to the device's target. */
export type TargetFault =
  /** It keeps serving; only the readings change. */
  | 'serving'
  /** Its HTTP server stops: the scrape fails, `up` is 0. */
  | 'down'
  /** It leaves service discovery: no scrape at all, so no `up` series either. */
  | 'gone';

export interface Scenario {
  /** What happens, as the report names it: `slow inference`. */
  readonly name: string;
  /** @default - no fault: the device stays nominal */
  readonly fault?: FaultWindow;
  /** The readings during the fault, from the nominal ones and the time since the fault began. @default - the nominal readings */
  readonly during?: (nominal: Readings, sinceFault: Duration) => Readings;
  /** @default 'serving' */
  readonly target?: TargetFault;
}

/** A reading changed to `value`, converted into the metric's unit. */
function set<D extends Dimension>(readings: Readings, metric: Metric<D>, value: Quantity<D>): Readings {
  return new Map(readings).set(metric, value.in(metric.unit));
}

const M = SERVICE_METRICS;

/** The scenarios of the end-to-end suite, one per kind of fault. */
export const SCENARIOS = {
  nominal: (): Scenario => ({ name: 'nominal' }),
  slowInference: (fault: FaultWindow, latency: Quantity<'time'>): Scenario => ({
    name: 'slow inference',
    fault,
    during: (r) => set(r, M.inferenceLatency, latency),
  }),
  powerSpike: (fault: FaultWindow, power: Quantity<'power'>): Scenario => ({
    name: 'power spike',
    fault,
    during: (r) => set(r, M.powerConsumption, power),
  }),
  /** A leak: memory grows by `perSecond` from the nominal value until the fault ends (the process restarts). */
  memoryGrowth: (fault: FaultWindow, perSecond: Quantity<'data'>): Scenario => ({
    name: 'memory growth',
    fault,
    during: (r, since) =>
      new Map(r).set(M.memoryUsage, r.get(M.memoryUsage)! + perSecond.in(M.memoryUsage.unit) * since.seconds),
  }),
  accuracyDrop: (fault: FaultWindow, accuracy: Quantity<'fraction'>): Scenario => ({
    name: 'accuracy drop',
    fault,
    during: (r) => set(r, M.modelAccuracy, accuracy),
  }),
  accuracyDegrading: (fault: FaultWindow, accuracy: Quantity<'fraction'>): Scenario => ({
    name: 'accuracy degrading',
    fault,
    during: (r) => set(r, M.modelAccuracy, accuracy),
  }),
  throughputBelowRealTime: (fault: FaultWindow, rate: Quantity<'frequency'>): Scenario => ({
    name: 'throughput below real time',
    fault,
    during: (r) => set(r, M.samplesPerSecond, rate),
  }),
  deviceDown: (fault: FaultWindow): Scenario => ({ name: 'device down (target down)', fault, target: 'down' }),
  deviceGone: (fault: FaultWindow): Scenario => ({ name: 'device gone (from discovery)', fault, target: 'gone' }),
} as const;

export interface DeviceSpec {
  /** The device, as Prometheus labels it: the node its pod runs on. */
  readonly name: string;
  readonly scenario: Scenario;
  /** The readings when no fault is on. @default nominalReadings() */
  readonly nominal?: Readings;
  /** The /metrics body for a set of readings. @default exposition (HELP and TYPE from the catalogue) */
  readonly render?: (readings: Readings) => string;
}

export interface SimulatedDevice {
  readonly spec: DeviceSpec;
  readonly name: string;
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  /** The pod's name, as discovery reports it. */
  readonly pod: string;
}

/** What happened to one device, in wall-clock milliseconds. */
export interface FaultRecord {
  readonly device: string;
  readonly scenario: string;
  /** When the fault took effect: readings switched, server closed, or the device dropped from discovery's list. */
  readonly startedAt: number;
  /** When it was over: readings back, server listening again, or the device back on discovery's list. */
  readonly endedAt: number;
}

/** An action at a time of the fleet's clock (hardware readings changing, say). */
export interface TimedEvent {
  readonly at: Duration;
  readonly action: () => Promise<void> | void;
}

export interface FleetRunOptions {
  /** Makes Prometheus discover exactly `present` (a 'gone' fault starts or ends); resolves once it does. Called one at a time. */
  readonly discovery: (present: readonly SimulatedDevice[]) => Promise<void>;
  /** Further actions on the same clock. @default - none */
  readonly events?: readonly TimedEvent[];
}

interface DeviceState {
  readonly device: SimulatedDevice;
  server: Server;
  faultSince?: number;
  gone: boolean;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export class Fleet {
  /** Wall-clock time the scenarios' clock started at (`run`), 0 before. */
  public startedAt = 0;
  private readonly states: DeviceState[];

  private constructor(states: DeviceState[]) {
    this.states = states;
  }

  /** Starts every device, nominal, each on a free loopback port. */
  public static async start(specs: readonly DeviceSpec[]): Promise<Fleet> {
    const names = specs.map((s) => s.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`fleet: device '${twice}' is listed twice; device names must be unique`);
    const states: DeviceState[] = [];
    const fleet = new Fleet(states);
    try {
      for (const spec of specs) {
        const server = fleet.server(spec);
        const port = await listen(server, 0);
        states.push({
          device: {
            spec,
            name: spec.name,
            port,
            address: `${LOOPBACK}:${port}`,
            pod: `liquid-audio-nets-${spec.name}`,
          },
          server,
          gone: false,
        });
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  public get devices(): readonly SimulatedDevice[] {
    return this.states.map((s) => s.device);
  }

  public device(name: string): SimulatedDevice {
    const state = this.states.find((s) => s.device.name === name);
    if (!state)
      throw new Error(`fleet: no device '${name}' (devices: ${this.states.map((s) => s.device.name).join(', ')})`);
    return state.device;
  }

  /** The devices service discovery currently finds. */
  public present(): readonly SimulatedDevice[] {
    return this.states.filter((s) => !s.gone).map((s) => s.device);
  }

  /** The readings a device reports now. */
  public readings(name: string): Readings {
    const state = this.states.find((s) => s.device.name === name)!;
    const { spec } = state.device;
    const nominal = spec.nominal ?? nominalReadings();
    if (state.faultSince === undefined || !spec.scenario.during) return nominal;
    return spec.scenario.during(nominal, Duration.millis(Date.now() - state.faultSince));
  }

  /**
   * Starts the clock and plays every device's scenario and every event; resolves, with what
   * happened to each faulty device, when the last fault has ended.
   */
  public async run(options: FleetRunOptions): Promise<FaultRecord[]> {
    this.startedAt = Date.now();
    const t0 = this.startedAt;
    const until = (d: Duration) => sleep(Math.max(0, t0 + d.milliseconds - Date.now()));
    // Discovery changes one at a time: two devices leaving together must not race their reloads.
    let discoveryChain: Promise<void> = Promise.resolve();
    const rediscover = () => (discoveryChain = discoveryChain.then(() => options.discovery(this.present())));

    const play = async (state: DeviceState): Promise<FaultRecord> => {
      const { scenario } = state.device.spec;
      const fault = scenario.fault!;
      const target = scenario.target ?? 'serving';
      await until(fault.from);
      if (target === 'down') await close(state.server);
      // A device leaves discovery when it is dropped from the list (its pod deleted), not when Prometheus notices.
      const startedAt = Date.now();
      state.faultSince = startedAt;
      if (target === 'gone') {
        state.gone = true;
        await rediscover();
      }
      await until(fault.until);
      state.faultSince = undefined;
      if (target === 'down') {
        state.server = this.server(state.device.spec);
        await listen(state.server, state.device.port);
      }
      const endedAt = Date.now();
      if (target === 'gone') {
        state.gone = false;
        await rediscover();
      }
      return { device: state.device.name, scenario: scenario.name, startedAt, endedAt };
    };
    const events = (options.events ?? []).map(async (e) => {
      await until(e.at);
      await e.action();
    });
    const [records] = await Promise.all([
      Promise.all(this.states.filter((s) => s.device.spec.scenario.fault).map(play)),
      Promise.all(events),
    ]);
    return records;
  }

  public async stop(): Promise<void> {
    await Promise.all(this.states.map((s) => (s.server.listening ? close(s.server) : undefined)));
  }

  private server(spec: DeviceSpec): Server {
    return createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const readings = this.readings(spec.name);
      const render = spec.render ?? exposition;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(render(readings));
    });
  }
}
