/**
 * The rendered Prometheus configuration and rules, judged by promtool and run by Prometheus at the
 * pinned version on loopback: discovery is swapped for static targets carrying the labels
 * Kubernetes discovery would set, so the real relabelling runs; it scrapes a simulated device and
 * a real node_exporter, evaluates every rule, and remote-writes to a receiver with a token read
 * from a Secret file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { config } from '../../config';
import { DEFAULT_NAMESPACE, Duration, HARDWARE_EXPORTER_PORT, MonitoringStack, PROMETHEUS_METRICS } from '../../lib';
import { nominalReadings, startDevice } from '../support/device-simulator';
import { freePort, type LoopbackServer, serve, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { type RunningExporter, startNodeExporter } from '../support/node-exporter';
import { run } from '../support/programs';
import { getJson, localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';

jest.setTimeout(120_000);

const TOKEN = 'remote-write-token-for-tests';
let prometheus: RunningPrometheus | undefined;
let exporter: RunningExporter | undefined;
let device: LoopbackServer | undefined;
let receiver: LoopbackServer | undefined;
const remoteWrites: Array<{ authorization?: string; bytes: number }> = [];
let configText = '';
let localConfig = '';
let groupCount = 0;
let ruleCount = 0;
const workDir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));

beforeAll(async () => {
  receiver = await serve((req, res, body) => {
    remoteWrites.push({ authorization: req.headers.authorization, bytes: body.length });
    res.writeHead(204).end();
  });
  // Timing compressed by options (intervals), not by editing the rendered files.
  const app = Testing.app();
  const stack = new MonitoringStack(app, 'stack', {
    ...config,
    evaluationInterval: Duration.seconds(5),
    prometheus: {
      scrapeInterval: Duration.seconds(2),
      scrapeTimeout: Duration.seconds(2),
      remoteWrite: [
        {
          url: `http://${receiver.address}/api/v1/push`,
          name: 'test-receiver',
          bearerToken: { secretName: 'remote-write', key: 'token' },
          queue: { batchSendDeadline: Duration.seconds(1) },
        },
      ],
    },
  });
  const manifests = Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[];
  const configMaps = byKind(manifests, 'ConfigMap');
  configText = configMaps.find((m) => m.metadata.name === 'prometheus-config')!.data!['prometheus.yml' as never];
  const ruleFiles = configMaps.find((m) => m.metadata.name === 'prometheus-rules')!.data as unknown as Record<
    string,
    string
  >;
  const container = (byKind(manifests, 'StatefulSet')[0] as any).spec.template.spec.containers[0];
  groupCount = Object.keys(ruleFiles).length;
  ruleCount = stack.ruleGroups.reduce((n, g) => n + g.rules.length + g.records.length, 0);

  const rulesDir = join(workDir, 'rules');
  const secretsDir = join(workDir, 'secrets');
  mkdirSync(rulesDir);
  mkdirSync(join(secretsDir, 'remote-write'), { recursive: true });
  for (const [file, text] of Object.entries(ruleFiles)) writeFileSync(join(rulesDir, file), text);
  writeFileSync(join(secretsDir, 'remote-write', 'token'), TOKEN);

  // Sensors this machine lacks, as the textfile collector exports them on a device.
  const textfiles = join(workDir, 'textfile');
  mkdirSync(textfiles);
  writeFileSync(
    join(textfiles, 'sensors.prom'),
    [
      '# TYPE node_hwmon_temp_celsius gauge',
      'node_hwmon_temp_celsius{chip="platform_test",sensor="temp1"} 48.5',
      '# TYPE node_power_supply_capacity gauge',
      'node_power_supply_capacity{power_supply="BAT0"} 76',
      '',
    ].join('\n'),
  );
  const hardwareManifests = Testing.synth(chartById(app.charts, 'hardware-exporter')) as Manifest[];
  const exporterArgs = (byKind(hardwareManifests, 'DaemonSet')[0] as any).spec.template.spec.containers[0].args;
  exporter = await startNodeExporter(exporterArgs, { textfileDirectory: textfiles });
  device = await startDevice(nominalReadings);
  const port = await freePort();
  const podMeta = (namespace: string, pod: string, node: string) => ({
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_pod_name: pod,
    __meta_kubernetes_pod_node_name: node,
    __meta_kubernetes_pod_ip: '127.0.0.1',
    __meta_kubernetes_pod_phase: 'Running',
  });
  localConfig = localCopy(configText, {
    targets: {
      prometheus: [{ address: `127.0.0.1:${port}` }],
      'liquid-audio-nets': [
        {
          address: '127.0.0.1',
          meta: {
            ...podMeta('audio', 'liquid-audio-nets-abc12', 'edge-01'),
            __meta_kubernetes_pod_label_liquid_audio_nets_dev_scrape: 'true',
            __meta_kubernetes_pod_annotation_prometheus_io_port: String(device.port),
          },
        },
        // A pod that did not opt in: discovery sees it, relabelling drops it.
        { address: '127.0.0.1', meta: { ...podMeta('audio', 'unrelated-pod', 'edge-02') } },
      ],
      'hardware-exporter': [
        {
          address: exporter.address,
          meta: {
            ...podMeta(`${DEFAULT_NAMESPACE}-hardware`, 'node-exporter-x7k2p', 'edge-01'),
            __meta_kubernetes_pod_container_port_number: String(HARDWARE_EXPORTER_PORT),
          },
        },
      ],
    },
    alertmanagers: [`127.0.0.1:${await freePort()}`],
    rulesDir,
    secretsDir,
  });
  writeFileSync(join(workDir, 'prometheus.yml'), localConfig);
  prometheus = await startPrometheus(localConfig, container.args, { POD_NAME: 'prometheus-0' }, port);
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
  await device?.close();
  await receiver?.close();
});

describe('the rendered prometheus.yml', () => {
  test('promtool check config accepts the file exactly as rendered, Kubernetes discovery included', () => {
    writeFileSync(join(workDir, 'original.yml'), configText);
    const result = run('promtool', ['check', 'config', 'original.yml'], workDir);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: original.yml is valid prometheus config file syntax/);
    expect(result.status).toBe(0);
    expect(configText).toContain('kubernetes_sd_configs');
  });

  test('promtool check config refuses a broken copy, so the check can fail', () => {
    writeFileSync(join(workDir, 'broken.yml'), configText.replace('kubernetes_sd_configs', 'kubernetes_sd_config'));
    const result = run('promtool', ['check', 'config', 'broken.yml'], workDir);
    expect(result.stdout + result.stderr).toMatch(/field kubernetes_sd_config not found/);
    expect(result.status).not.toBe(0);
  });

  test('promtool check config accepts the loopback copy, rule files included', () => {
    const result = run('promtool', ['check', 'config', 'prometheus.yml'], workDir);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: .*prometheus.yml is valid prometheus config file syntax/);
    expect((result.stdout + result.stderr).match(/SUCCESS: (\d+) rules found/g)?.length).toBe(groupCount);
    expect(result.status).toBe(0);
  });
});

describe('Prometheus running the rendered configuration', () => {
  test('loads every rule group and evaluates every rule without error', async () => {
    const groups = await waitFor('every rule evaluated once', async () => {
      const { data } = await getJson(prometheus!.url, '/api/v1/rules');
      const rules = data.groups.flatMap((g: any) => g.rules);
      return rules.length === ruleCount &&
        rules.every((r: any) => r.lastEvaluation && !r.lastEvaluation.startsWith('0001'))
        ? data.groups
        : undefined;
    });
    expect(groups).toHaveLength(groupCount);
    const unhealthy = groups.flatMap((g: any) => g.rules).filter((r: any) => r.health !== 'ok');
    expect(unhealthy.map((r: any) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });

  test('scrapes the device found by its opt-in label, labelled with its device, and drops pods that did not opt in', async () => {
    const targets = await waitFor('device and exporter targets up', async () => {
      const { data } = await getJson(prometheus!.url, '/api/v1/targets');
      const up = data.activeTargets.filter((t: any) => t.health === 'up').map((t: any) => t.labels.job);
      return ['liquid-audio-nets', 'hardware-exporter', 'prometheus'].every((j) => up.includes(j)) ? data : undefined;
    });
    const deviceTarget = targets.activeTargets.find((t: any) => t.labels.job === 'liquid-audio-nets');
    expect(deviceTarget.labels).toMatchObject({
      device: 'edge-01',
      namespace: 'audio',
      pod: 'liquid-audio-nets-abc12',
      instance: device!.address,
    });
    expect(deviceTarget.scrapeUrl).toBe(`http://${device!.address}/metrics`);
    expect(targets.activeTargets.filter((t: any) => t.labels.job === 'liquid-audio-nets')).toHaveLength(1);
    expect(
      targets.droppedTargets.some((t: any) => t.discoveredLabels.__meta_kubernetes_pod_name === 'unrelated-pod'),
    ).toBe(true);
  });

  test('the device metrics and the real node_exporter metrics carry the device label', async () => {
    const latency = await waitFor('inference_latency_ms', async () => {
      const { data } = await getJson(prometheus!.url, '/api/v1/query?query=inference_latency_ms');
      return data.result.length ? data.result : undefined;
    });
    expect(latency).toEqual([
      expect.objectContaining({
        metric: expect.objectContaining({ device: 'edge-01', job: 'liquid-audio-nets' }),
        value: [expect.any(Number), '12.5'],
      }),
    ]);
    const { data } = await getJson(
      prometheus!.url,
      '/api/v1/query?query=count%20by%20(device)%20(node_cpu_seconds_total%7Bjob%3D%22hardware-exporter%22%7D)',
    );
    expect(data.result).toEqual([expect.objectContaining({ metric: { device: 'edge-01' } })]);
  });

  test('every metric the self-monitoring alerts use is on its /metrics', async () => {
    const text = await waitFor('remote-write metrics', async () => {
      const body = await (await fetch(`${prometheus!.url}/metrics`)).text();
      return body.includes('prometheus_remote_storage_queue_highest_sent_timestamp_seconds') ? body : undefined;
    });
    const names = Object.values(PROMETHEUS_METRICS)
      .map((m) => m.name)
      // Series Prometheus writes for each target rather than exposes.
      .filter((n) => n !== PROMETHEUS_METRICS.up.name && n !== PROMETHEUS_METRICS.scrapeSamplesScraped.name);
    expect(names.filter((n) => !new RegExp(`^${n}[{ ]`, 'm').test(text))).toEqual([]);
  });

  test('records the hardware metrics from the real node_exporter: CPU from real data, sensors from the textfile collector', async () => {
    const query = async (q: string) =>
      (await getJson(prometheus!.url, `/api/v1/query?query=${encodeURIComponent(q)}`)).data.result;
    const cpu = await waitFor('cpu_usage_percent recorded', async () => {
      const result = await query('cpu_usage_percent{source="node-exporter"}');
      return result.length ? result : undefined;
    });
    expect(cpu).toHaveLength(1);
    expect(cpu[0].metric).toEqual({ __name__: 'cpu_usage_percent', device: 'edge-01', source: 'node-exporter' });
    const busy = Number(cpu[0].value[1]);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(100);
    expect(await query('device_temperature_celsius{source="node-exporter"}')).toEqual([
      expect.objectContaining({
        metric: { __name__: 'device_temperature_celsius', device: 'edge-01', source: 'node-exporter' },
        value: [expect.any(Number), '48.5'],
      }),
    ]);
    expect(await query('battery_level_percent{source="node-exporter"}')).toEqual([
      expect.objectContaining({
        metric: { __name__: 'battery_level_percent', device: 'edge-01', source: 'node-exporter' },
        value: [expect.any(Number), '76'],
      }),
    ]);
  });

  test('remote-writes with the bearer token read from the mounted Secret file', async () => {
    await waitFor('a remote-write request', async () => (remoteWrites.length > 0 ? true : undefined));
    expect(remoteWrites[0].authorization).toBe(`Bearer ${TOKEN}`);
    expect(remoteWrites[0].bytes).toBeGreaterThan(0);
    expect(configText).not.toContain(TOKEN);
  });
});
