import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from '../../lib';
import { freePort, LOOPBACK, waitUntil } from './loopback';
import { spawnProgram, stopProcess } from './processes';
import { run } from './programs';

/** The version of a Prometheus-family program, from `<program> --version` (`0.35.0`). */
export function programVersion(program: string): string {
  const result = run(program, ['--version'], '/');
  const match = /version (\d+\.\d+\.\d+)/.exec(result.stdout + result.stderr);
  if (!match) throw new Error(`${program} --version printed no version: ${result.stdout}${result.stderr}`);
  return match[1];
}

/** One running Alertmanager peer on loopback. */
export interface AlertmanagerPeer {
  readonly index: number;
  /** Web port (API, UI, /metrics). */
  readonly web: number;
  /** Gossip port. */
  readonly cluster: number;
  /** `http://127.0.0.1:<web>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** The peer's log file (stdout and stderr). */
  readonly log: string;
}

export interface AlertmanagerClusterOptions {
  /** The configuration file every peer reads. */
  readonly configFile: string;
  /** Folder for the peers' data folders and logs. */
  readonly dir: string;
  /** The container args of the rendered StatefulSet: every flag is kept but paths, addresses and peers. @default - none */
  readonly containerArgs?: readonly string[];
  /** @default 3 */
  readonly peers?: number;
}

/** How long a peer waits per position before it notifies, in the tests (15 s by default). */
export const TEST_PEER_TIMEOUT = Duration.seconds(1);

/**
 * Gossip settings for a cluster on loopback: a peer waits 1 s per position before notifying
 * (15 s by default) and membership settles in about a second, so a test stays short.
 */
const FAST_GOSSIP: readonly string[] = [
  `--cluster.peer-timeout=${TEST_PEER_TIMEOUT.seconds}s`,
  '--cluster.gossip-interval=100ms',
  '--cluster.pushpull-interval=1s',
  '--cluster.probe-interval=500ms',
  '--cluster.probe-timeout=200ms',
  '--cluster.reconnect-interval=1s',
];

const ALERTMANAGER_BIN = 'alertmanager';

/**
 * Starts Alertmanager peers (the pinned build) gossiping on 127.0.0.1 with the rendered StatefulSet's flags
 * (paths, listen and advertise addresses and the peer list replaced by loopback ones, FAST_GOSSIP
 * added), and waits (bounded) until every peer is ready in a cluster of all of them. Every process
 * is tracked (test/support/processes.ts); on a failed start the peers already started are stopped.
 */
export async function startAlertmanagerCluster(options: AlertmanagerClusterOptions): Promise<AlertmanagerPeer[]> {
  const count = options.peers ?? 3;
  const ports: Array<{ web: number; cluster: number }> = [];
  for (let i = 0; i < count; i++) ports.push({ web: await freePort(), cluster: await freePort() });
  const replaced = (index: number): Record<string, string> => ({
    '--config.file': options.configFile,
    '--storage.path': join(options.dir, `data-${index}`),
    '--web.listen-address': `${LOOPBACK}:${ports[index].web}`,
    '--cluster.listen-address': `${LOOPBACK}:${ports[index].cluster}`,
    '--cluster.advertise-address': `${LOOPBACK}:${ports[index].cluster}`,
  });
  const peers: AlertmanagerPeer[] = [];
  for (const [index, { web, cluster }] of ports.entries()) {
    const swap = replaced(index);
    const rendered = (options.containerArgs ?? [])
      .filter((a) => !a.startsWith('--cluster.peer='))
      .map((arg) => {
        const [flag] = arg.split('=');
        return flag in swap ? `${flag}=${swap[flag]}` : arg;
      });
    const given = new Set(rendered.map((a) => a.split('=')[0]));
    const args = [
      ...rendered,
      ...Object.entries(swap)
        .filter(([flag]) => !given.has(flag))
        .map(([flag, value]) => `${flag}=${value}`),
      ...ports.filter((_, j) => j !== index).map((p) => `--cluster.peer=${LOOPBACK}:${p.cluster}`),
      ...FAST_GOSSIP,
    ];
    const log = join(options.dir, `alertmanager-${index}.log`);
    const out = openSync(log, 'w');
    const child = spawnProgram(ALERTMANAGER_BIN, args, { stdio: ['ignore', out, out] });
    closeSync(out);
    peers.push({ index, web, cluster, url: `http://${LOOPBACK}:${web}`, process: child, log });
  }
  const timeout = 30_000;
  const settled = await waitUntil(async () => {
    const states = await Promise.all(
      peers.map((p) =>
        fetch(`${p.url}/api/v2/status`)
          .then((r) => r.json() as Promise<{ cluster: { status: string; peers: unknown[] } }>)
          .then(
            (s) => s.cluster.status === 'ready' && s.cluster.peers.length === count,
            () => false,
          ),
      ),
    );
    return states.every(Boolean);
  }, timeout);
  if (!settled) {
    const logs = peers.map(
      (p) => `--- alertmanager-${p.index}:\n${readFileSync(p.log, 'utf8').split('\n').slice(-10).join('\n')}`,
    );
    await Promise.all(peers.map((p) => stopProcess(p.process)));
    throw new Error(
      `the ${count} Alertmanager peers did not form a ready cluster within ${timeout / 1000}s:\n${logs.join('\n')}`,
    );
  }
  return peers;
}
