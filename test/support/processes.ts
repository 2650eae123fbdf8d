import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The real programs a test starts (Prometheus, Alertmanager, node_exporter) never outlive it:
 * each is started through util-linux's `setpriv --pdeathsig KILL`, so the kernel kills it when
 * the test process dies, however it dies (a failed run, Ctrl-C, a killed jest worker: jest's
 * sandbox gives tests no real `process.on('exit')`), and every one is tracked, so a suite can stop
 * them in afterAll and assert that none is left.
 */
const running = new Set<ChildProcess>();

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** The path of `program` on PATH; a missing program fails with the way to install it (never a skip). */
export function whichProgram(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(
    `${program} could not be run (not found on PATH); install the test dependencies with 'bash scripts/install-test-deps.sh'`,
  );
}

/** Starts `program` tied to this process's life (killed when it dies) and tracks it until it exits. */
export function spawnProgram(program: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const path = whichProgram(program);
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', path, ...args], options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** The tracked programs still running (a suite asserts this is empty after its cleanup). */
export function stillRunning(): readonly ChildProcess[] {
  return [...running].filter(alive);
}

/** Stops `child` with SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!alive(child)) return resolve();
    const timer = setTimeout(() => {
      if (alive(child)) child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
