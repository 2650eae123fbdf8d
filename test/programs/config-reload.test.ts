/**
 * Reload, not restart: the pinned Prometheus and Alertmanager run with the rendered args beside the
 * pinned prometheus-config-reloader run with the rendered sidecar args (pointed at loopback), over
 * folders laid out as kubelet lays out a ConfigMap volume (files linked through `..data`, swapped
 * atomically on an update). A rule added on disk becomes active, and a changed route takes effect,
 * with the server process unchanged and no scrape missed. The figures are printed.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { DEFAULT_RECEIVER_SECRETS, DEFAULT_TIMING, defaultRouting } from '../../alerts';
import { config } from '../../config';
import { Duration, MonitoringStack } from '../../lib';
import { Alertmanager } from '../../lib/alertmanager/alertmanager';
import { secretFilePath } from '../../lib/k8s/secret-ref';
import { type AlertmanagerPeer, startAlertmanagerCluster } from '../support/alertmanager';
import { freePort, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { spawnProgram, stopProcess } from '../support/processes';
import { getJson, localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';

jest.setTimeout(120_000);

const SCRAPE_INTERVAL = Duration.seconds(1);
const workDir = mkdtempSync(join(tmpdir(), 'config-reload-'));
const running: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((c) => stopProcess(c)));
  rmSync(workDir, { recursive: true, force: true });
});

/**
 * A folder as kubelet writes a ConfigMap volume: the files in a timestamped folder, `..data`
 * linking to it, and each key a link through `..data`. `update` writes a new folder and renames a
 * new `..data` link over the old one, the one atomic step kubelet's projected-volume sync takes.
 */
class ConfigMapVolume {
  private generation = 0;
  public constructor(public readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  public update(data: Readonly<Record<string, string>>): void {
    const version = `..${Date.now()}_${this.generation++}`;
    mkdirSync(join(this.dir, version));
    for (const [key, text] of Object.entries(data)) writeFileSync(join(this.dir, version, key), text);
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    for (const key of Object.keys(data)) {
      try {
        symlinkSync(join('..data', key), join(this.dir, key));
      } catch {
        // The key's link exists already: it follows `..data`.
      }
    }
  }
}

/** The rendered sidecar's args with each watched mount folder mapped to its local folder and the server on loopback. */
function reloaderArgs(
  rendered: readonly string[],
  dirs: Readonly<Record<string, string>>,
  serverPort: number,
  listenPort: number,
): string[] {
  return rendered.map((arg) => {
    const [flag, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (flag === '--watched-dir') {
      if (!(value in dirs)) throw new Error(`no local folder for the watched folder ${value}`);
      return `${flag}=${dirs[value]}`;
    }
    if (flag === '--reload-url') return `${flag}=${value.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${serverPort}`)}`;
    if (flag === '--listen-address') return `${flag}=127.0.0.1:${listenPort}`;
    return arg;
  });
}

interface RunningReloader {
  readonly child: ChildProcess;
  readonly log: () => string;
  readonly url: string;
}

async function startReloader(
  rendered: readonly string[],
  dirs: Readonly<Record<string, string>>,
  serverPort: number,
  name: string,
): Promise<RunningReloader> {
  const listenPort = await freePort();
  const args = reloaderArgs(rendered, dirs, serverPort, listenPort);
  const log = join(workDir, `${name}.log`);
  let output = '';
  const child = spawnProgram('prometheus-config-reloader', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  child.on('exit', () => writeFileSync(log, output));
  running.push(child);
  const url = `http://127.0.0.1:${listenPort}`;
  // The probe path of the rendered sidecar answers; the first reload (at start) is done.
  await waitFor(`${name} /healthz`, async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined));
  await waitFor(`${name} watching`, async () => (/Started|watching/i.test(output) ? true : undefined));
  return { child, log: () => output, url };
}

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]);
}

/** Each active alert as `name labels activeAt`: a reload that lost its state would give a new activeAt. */
function activeAlerts(rules: any): string[] {
  return rules.data.groups
    .flatMap((g: any) => g.rules)
    .filter((r: any) => r.type === 'alerting')
    .flatMap((r: any) => r.alerts.map((a: any) => `${r.name} ${JSON.stringify(a.labels)} ${a.activeAt}`))
    .sort();
}

describe('Prometheus: a rule added on disk becomes active through the reloader, without a restart', () => {
  let prometheus: RunningPrometheus;
  let reloader: RunningReloader;
  let ruleFiles: Record<string, string> = {};
  let rulesVolume: ConfigMapVolume;

  beforeAll(async () => {
    const app = Testing.app();
    new MonitoringStack(app, 'stack', {
      ...config,
      prometheus: { scrapeInterval: SCRAPE_INTERVAL, scrapeTimeout: SCRAPE_INTERVAL },
    });
    const manifests = Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[];
    const configMaps = byKind(manifests, 'ConfigMap');
    const configText = configMaps.find((m) => m.metadata.name === 'prometheus-config')!.data![
      'prometheus.yml' as never
    ] as string;
    ruleFiles = configMaps.find((m) => m.metadata.name === 'prometheus-rules')!.data as unknown as Record<
      string,
      string
    >;
    const containers = (byKind(manifests, 'StatefulSet')[0] as any).spec.template.spec.containers;
    const server = containers.find((c: any) => c.name === 'prometheus');
    const sidecar = containers.find((c: any) => c.name === 'config-reloader');
    expect(server.args).toContain('--web.enable-lifecycle');

    rulesVolume = new ConfigMapVolume(join(workDir, 'prometheus', 'rules'));
    rulesVolume.update(ruleFiles);
    const configVolume = new ConfigMapVolume(join(workDir, 'prometheus', 'config'));
    const port = await freePort();
    const localConfig = localCopy(configText, {
      targets: { prometheus: [{ address: `127.0.0.1:${port}` }] },
      alertmanagers: [`127.0.0.1:${await freePort()}`],
      rulesDir: rulesVolume.dir,
      secretsDir: join(workDir, 'secrets'),
    });
    configVolume.update({ 'prometheus.yml': localConfig });
    prometheus = await startPrometheus(localConfig, server.args, { POD_NAME: 'prometheus-0' }, port);
    running.push(prometheus.process);
    const mounts = Object.fromEntries(
      sidecar.volumeMounts.map((m: any) => [m.mountPath, m.name === 'rules' ? rulesVolume.dir : configVolume.dir]),
    );
    reloader = await startReloader(sidecar.args, mounts, port, 'prometheus-reloader');
    // Before the change: self-scrapes stored, and an alert active (the always-firing watchdog) whose state must survive.
    await waitFor('a few self-scrapes', async () => {
      const query = encodeURIComponent('count_over_time(up{job="prometheus"}[10s])');
      const { data } = await getJson(prometheus.url, `/api/v1/query?query=${query}`);
      return Number(data.result[0]?.value[1] ?? 0) >= 3 ? true : undefined;
    });
    await waitFor(
      'an active alert',
      async () => (activeAlerts(await getJson(prometheus.url, '/api/v1/rules')).length > 0 ? true : undefined),
      90_000,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  test('the new rule is active within seconds; reload successful; the same process; no scrape missed', async () => {
    const pid = prometheus.process.pid;
    const [file] = Object.keys(ruleFiles).sort();
    const edited = parse(ruleFiles[file]);
    edited.groups[0].rules.push({ record: 'reload_probe:added', expr: 'vector(1)' });
    const before = await getJson(prometheus.url, '/api/v1/rules');
    const ruleCount = (d: any) => d.data.groups.reduce((n: number, g: any) => n + g.rules.length, 0);

    const changedAt = Date.now();
    rulesVolume.update({ ...ruleFiles, [file]: stringify(edited) });
    const after = await waitFor('the added rule in /api/v1/rules', async () => {
      const now = await getJson(prometheus.url, '/api/v1/rules');
      const found = now.data.groups.flatMap((g: any) => g.rules).some((r: any) => r.name === 'reload_probe:added');
      return found ? now : undefined;
    });
    const activeMs = Date.now() - changedAt;
    const evaluated = await waitFor('the added rule evaluated', async () => {
      const { data } = await getJson(prometheus.url, `/api/v1/query?query=reload_probe:added`);
      return data.result.length === 1 ? Date.now() - changedAt : undefined;
    });

    expect(ruleCount(after)).toBe(ruleCount(before) + 1);
    expect(await metric(prometheus.url, 'prometheus_config_last_reload_successful')).toBe(1);
    expect(prometheus.process.pid).toBe(pid);
    expect(prometheus.process.exitCode).toBeNull();
    // Alerts already active keep their state (same activeAt): nothing is re-sent as new.
    const activeBefore = activeAlerts(before);
    const activeAfter = activeAlerts(await getJson(prometheus.url, '/api/v1/rules'));
    const reactivated = activeBefore.filter((a) => !activeAfter.includes(a));
    expect(activeBefore.length).toBeGreaterThan(0);
    expect(reactivated).toEqual([]);
    const group = after.data.groups.find((g: any) => g.rules.some((r: any) => r.name === 'reload_probe:added'));

    // Every self-scrape sample from 10 s before the change to now, raw: no gap wider than 1.5 intervals.
    await new Promise((r) => setTimeout(r, 3 * SCRAPE_INTERVAL.milliseconds));
    const window = Math.ceil((Date.now() - changedAt) / 1000) + 10;
    const { data } = await getJson(
      prometheus.url,
      `/api/v1/query?query=${encodeURIComponent(`up{job="prometheus"}[${window}s]`)}`,
    );
    const stamps: number[] = data.result[0].values.map((v: [number, string]) => v[0] * 1000);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    const widest = Math.max(...gaps);
    const span = (stamps[stamps.length - 1] - stamps[0]) / 1000;
    const lost = gaps.reduce((n, g) => n + Math.max(0, Math.round(g / SCRAPE_INTERVAL.milliseconds) - 1), 0);
    expect(data.result[0].values.every((v: [number, string]) => v[1] === '1')).toBe(true);
    expect(widest).toBeLessThanOrEqual(1.5 * SCRAPE_INTERVAL.milliseconds);
    expect(lost).toBe(0);

    const reloaderRss = rssKiB(reloader.child.pid!);
    console.log(
      [
        'Prometheus reload (figures of this run):',
        `  rule file changed -> new rule listed in /api/v1/rules: ${activeMs} ms`,
        `  rule file changed -> new rule's first result queryable: ${evaluated} ms (its group evaluates every ${group.interval} s)`,
        `  self-scrape every ${SCRAPE_INTERVAL}: ${stamps.length} samples over ${span} s across the reload, widest gap ${widest} ms, samples lost ${lost}`,
        `  alerts active before and after: ${activeBefore.length} and ${activeAfter.length}, with a new activeAt: ${reactivated.length}`,
        `  prometheus pid ${pid} before and ${prometheus.process.pid} after; reloader RSS ${Math.round(reloaderRss / 1024)} MiB`,
      ].join('\n'),
    );
  });
});

describe('Alertmanager: a changed route takes effect through the reloader, without a restart', () => {
  let peer: AlertmanagerPeer;
  let configVolume: ConfigMapVolume;
  let reloader: RunningReloader;
  const render = (groupWait: Duration, secretsRoot: string) => {
    const chart = new Chart(Testing.app(), 'alertmanager', { namespace: 'monitoring' });
    const am = new Alertmanager(chart, 'Alertmanager', {
      routing: defaultRouting({ timing: { ...DEFAULT_TIMING, groupWait } }),
      secretsRoot,
    });
    const sts = byKind(Testing.synth(chart) as Manifest[], 'StatefulSet')[0] as any;
    return { am, template: sts.spec.template };
  };

  beforeAll(async () => {
    const secretsRoot = join(workDir, 'am-secrets');
    for (const ref of Object.values(DEFAULT_RECEIVER_SECRETS)) {
      const file = secretFilePath(secretsRoot, ref);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, 'http://127.0.0.1:9/unused');
    }
    const { am, template } = render(Duration.seconds(30), secretsRoot);
    const server = template.spec.containers.find((c: any) => c.name === 'alertmanager');
    const sidecar = template.spec.containers.find((c: any) => c.name === 'config-reloader');
    configVolume = new ConfigMapVolume(join(workDir, 'alertmanager', 'config'));
    configVolume.update({ 'alertmanager.yml': am.configText });
    const dir = join(workDir, 'alertmanager');
    peer = (
      await startAlertmanagerCluster({
        configFile: join(configVolume.dir, 'alertmanager.yml'),
        dir,
        containerArgs: server.args,
        peers: 1,
      })
    )[0];
    running.push(peer.process);
    const mounts = { [sidecar.volumeMounts[0].mountPath]: configVolume.dir };
    reloader = await startReloader(sidecar.args, mounts, peer.web, 'alertmanager-reloader');
  });

  test('the new group_wait is in /api/v2/status within seconds; the same process; the pod template unchanged', async () => {
    const pid = peer.process.pid;
    const hashBefore = await metric(peer.url, 'alertmanager_config_hash');
    const changed = render(Duration.seconds(10), join(workDir, 'am-secrets'));
    expect(changed.template).toEqual(render(Duration.seconds(30), join(workDir, 'am-secrets')).template);

    const changedAt = Date.now();
    configVolume.update({ 'alertmanager.yml': changed.am.configText });
    await waitFor('group_wait 10s in /api/v2/status', async () => {
      const status = await getJson(peer.url, '/api/v2/status');
      return parse(status.config.original).route.group_wait === '10s' ? true : undefined;
    });
    const appliedMs = Date.now() - changedAt;

    expect(await metric(peer.url, 'alertmanager_config_last_reload_successful')).toBe(1);
    expect(await metric(peer.url, 'alertmanager_config_hash')).not.toBe(hashBefore);
    expect(peer.process.pid).toBe(pid);
    expect(peer.process.exitCode).toBeNull();
    expect(reloader.child.exitCode).toBeNull();
    console.log(
      [
        'Alertmanager reload (figures of this run):',
        `  alertmanager.yml changed -> new group_wait in /api/v2/status: ${appliedMs} ms`,
        `  alertmanager pid ${pid} before and ${peer.process.pid} after; reloader RSS ${Math.round(rssKiB(reloader.child.pid!) / 1024)} MiB`,
      ].join('\n'),
    );
  });
});
