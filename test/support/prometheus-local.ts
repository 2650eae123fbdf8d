import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PROMETHEUS_SECRETS_ROOT } from '../../lib/prometheus/prometheus-config';
import { freePort, waitFor } from './http';
import { spawnProgram, stopProcess } from './processes';

/** A target as Kubernetes discovery would report it: an address and its `__meta_kubernetes_*` labels. */
export interface DiscoveredTarget {
  readonly address: string;
  readonly meta?: Readonly<Record<string, string>>;
}

export interface LocalCopyOptions {
  /** Per job, the targets discovery would find; a job not named here gets none. */
  readonly targets: Readonly<Record<string, readonly DiscoveredTarget[]>>;
  /** Alertmanager addresses replacing the in-cluster peers. */
  readonly alertmanagers: readonly string[];
  /** Folder holding the rule files, replacing the mounted ConfigMap. */
  readonly rulesDir: string;
  /** Folder holding the Secrets' files (`<secretsDir>/<secret>/<key>`), replacing the mounted Secrets. */
  readonly secretsDir: string;
  /**
   * Per job, a file that lists its targets (`file_sd_configs`) instead of a fixed list: Prometheus
   * picks up a rewritten file without a reload, as Kubernetes discovery picks up a pod that comes
   * or goes. Write it with `writeFileSdTargets` (`targets` is not read for such a job).
   * @default - every job gets static targets
   */
  readonly fileSd?: Readonly<Record<string, string>>;
}

/** Writes the targets of a `fileSd` job, whole (renamed into place, so Prometheus never reads half a file). */
export function writeFileSdTargets(file: string, targets: readonly DiscoveredTarget[]): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(targets.map((t) => ({ targets: [t.address], labels: { ...t.meta } }))));
  renameSync(`${file}.tmp`, file);
}

/**
 * A loopback copy of a rendered prometheus.yml: every discovery block (kubernetes_sd_configs,
 * which needs a cluster with running pods, and the in-cluster DNS names of static jobs) is
 * swapped for static targets (or a watched targets file, `fileSd`) that carry the labels discovery
 * would set, so the real relabelling rules run unchanged; mounted paths point at local folders.
 * Nothing else is touched.
 */
export function localCopy(configText: string, options: LocalCopyOptions): string {
  const config = parse(configText);
  for (const job of config.scrape_configs as Array<Record<string, unknown>>) {
    delete job.kubernetes_sd_configs;
    const name = job.job_name as string;
    const file = options.fileSd?.[name];
    if (file) {
      delete job.static_configs;
      job.file_sd_configs = [{ files: [file] }];
      continue;
    }
    const targets = options.targets[name] ?? [];
    job.static_configs = targets.map((t) => ({ targets: [t.address], labels: { ...t.meta } }));
  }
  for (const am of config.alerting.alertmanagers) am.static_configs = [{ targets: [...options.alertmanagers] }];
  config.rule_files = (config.rule_files as string[]).map((f) => join(options.rulesDir, f.split('/').pop()!));
  const text = stringify(config, { lineWidth: 0 });
  return text.split(PROMETHEUS_SECRETS_ROOT).join(options.secretsDir);
}

export interface RunningPrometheus {
  readonly url: string;
  readonly process: ChildProcess;
  readonly logs: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the pinned `prometheus` on a loopback port with `configText`, the container args of the
 * rendered StatefulSet (paths and listen address replaced), and `env`. Resolves when /-/ready answers.
 */
export async function startPrometheus(
  configText: string,
  containerArgs: readonly string[],
  env: Readonly<Record<string, string>>,
  port?: number,
  /** Whether the server is ready on `port`. @default - GET /-/ready over plain HTTP answers 200 */
  isReady?: (port: number) => Promise<boolean>,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  mkdirSync(join(dir, 'data'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, configText);
  port ??= await freePort();
  const replaced: Record<string, string> = {
    '--config.file': configFile,
    '--storage.tsdb.path': join(dir, 'data'),
    '--web.listen-address': `127.0.0.1:${port}`,
  };
  const args = containerArgs.map((arg) => {
    const [flag] = arg.split('=');
    return flag in replaced ? `${flag}=${replaced[flag]}` : arg;
  });
  let output = '';
  const child = spawnProgram('prometheus', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const spawnError = new Promise<never>((_, reject) =>
    child.on('error', (e) =>
      reject(
        new Error(
          `prometheus could not be run (${e.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`,
        ),
      ),
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  /** Stops it and removes its configuration and data. */
  const stop = () => stopProcess(child).then(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await Promise.race([
      spawnError,
      waitFor('prometheus /-/ready', async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
        if (isReady) return (await isReady(port!)) ? true : undefined;
        const res = await fetch(`${url}/-/ready`);
        return res.ok ? true : undefined;
      }),
    ]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, process: child, logs: () => output, stop };
}

/** GET `${url}${path}` as JSON, failing on a non-2xx answer. */
export async function getJson<T = any>(url: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
