import { spawn } from 'node:child_process';
import { freePort, waitFor } from './http';

export interface RunningExporter {
  readonly address: string;
  stop(): Promise<void>;
}

/** Debian's real node_exporter on a loopback port. */
export async function startNodeExporter(): Promise<RunningExporter> {
  const port = await freePort();
  let output = '';
  const child = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const failed = new Promise<never>((_, reject) =>
    child.on('error', (e) => reject(new Error(`prometheus-node-exporter could not be run (${e.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`))),
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await Promise.race([
      failed,
      waitFor('node_exporter /metrics', async () => {
        if (child.exitCode !== null) throw new Error(`node_exporter exited: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined;
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: `127.0.0.1:${port}`, stop };
}
