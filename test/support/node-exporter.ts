import { freePort, waitFor } from './http';
import { spawnProgram, stopProcess } from './processes';

export interface RunningExporter {
  readonly address: string;
  stop(): Promise<void>;
}

/** How the DaemonSet's in-container paths map onto this machine for a loopback run. */
export interface ExporterPaths {
  /** Folder of `*.prom` files standing in for the device's textfile folder (sensors this machine lacks). */
  readonly textfileDirectory: string;
}

/**
 * The real node_exporter (the pinned build) on a loopback port, with the container args of the rendered
 * DaemonSet: the host mounts (/host/proc, /host/sys, /host/root) become this machine's own, the
 * textfile folder a test folder, the listen address a loopback port; every other flag as rendered.
 */
export async function startNodeExporter(
  containerArgs: readonly string[],
  paths: ExporterPaths,
): Promise<RunningExporter> {
  const port = await freePort();
  const replaced: Record<string, string> = {
    '--path.procfs': '/proc',
    '--path.sysfs': '/sys',
    '--path.rootfs': '/',
    '--web.listen-address': `127.0.0.1:${port}`,
    '--collector.textfile.directory': paths.textfileDirectory,
  };
  const args = containerArgs.map((arg) => {
    const [flag] = arg.split('=');
    return flag in replaced ? `${flag}=${replaced[flag]}` : arg;
  });
  let output = '';
  const child = spawnProgram('node_exporter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const failed = new Promise<never>((_, reject) =>
    child.on('error', (e) =>
      reject(
        new Error(
          `prometheus-node-exporter could not be run (${e.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`,
        ),
      ),
    ),
  );
  const stop = () => stopProcess(child);
  try {
    await Promise.race([
      failed,
      waitFor('node_exporter /metrics', async () => {
        if (child.exitCode !== null) throw new Error(`node_exporter exited with ${child.exitCode}: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined;
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address: `127.0.0.1:${port}`, stop };
}
