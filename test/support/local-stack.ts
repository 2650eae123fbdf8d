import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import {
  DEFAULT_RECEIVER_SECRETS,
  DEFAULT_TIMING,
  defaultRouting,
  scaleDurations,
  THRESHOLDS,
  type Thresholds,
} from '../../alerts';
import { stackConfig } from '../../config';
import {
  Celsius,
  DEVICE_TARGETS,
  Duration,
  HARDWARE_EXPORTER_PORT,
  MonitoringStack,
  type NotificationTiming,
  Percent,
  type Quantity,
  type SecretKeyRef,
  Units,
} from '../../lib';
import { ALERTMANAGER_PORTS } from '../../lib/alertmanager/alertmanager';
import { ALERTMANAGER_SECRETS_ROOT } from '../../lib/alertmanager/alertmanager-config';
import { secretFilePath } from '../../lib/k8s/secret-ref';
import { type AlertmanagerPeer, startAlertmanagerCluster } from './alertmanager';
import { type DeviceSpec, Fleet, type SimulatedDevice } from './fleet';
import { type GrafanaStandIn, startGrafanaStandIn } from './grafana-standin';
import { freePort, waitFor } from './http';
import { HttpSink, LOOPBACK, SmtpSink } from './loopback';
import { byKind, chartById, type Manifest } from './manifests';
import { type RunningExporter, startNodeExporter } from './node-exporter';
import { stopProcess } from './processes';
import {
  type DiscoveredTarget,
  getJson,
  localCopy,
  type RunningPrometheus,
  startPrometheus,
  writeFileSdTargets,
} from './prometheus-local';

/**
 * The whole stack on loopback, from the rendered manifests: the pinned Prometheus (every replica of
 * the StatefulSet), Alertmanager (every peer, gossiping) and node_exporter, each run with the
 * configuration and flags taken from the synthesized ConfigMaps and pod specs; discovery swapped
 * for targets carrying the `__meta_kubernetes_*` labels (localCopy; the devices in a file that
 * Prometheus watches, so one can leave discovery without a reload), Secrets written to
 * temporary files, receivers pointed at sinks the test reads, and a fleet of simulated devices.
 *
 * Time is compressed by options only: `scaleDurations(THRESHOLDS, factor)` for every rule's
 * `for` and window, the Alertmanager route's timing scaled by the same factor, and short scrape
 * and evaluation intervals. The rules, routes and relabelling are the ones that ship.
 */

/** Where the receivers' URLs point on the HTTP sink. */
export const RECEIVER_PATHS = {
  slackCritical: '/slack/critical',
  slackWarnings: '/slack/warnings',
  pager: '/pager',
  deadMansSwitch: '/dead-mans-switch',
} as const;

/** The namespace the simulated devices' pods run in. */
export const DEVICE_NAMESPACE = 'audio';

export interface LocalStackOptions {
  /** Every duration of the thresholds and of the Alertmanager route's timing is multiplied by this. */
  readonly factor: number;
  readonly devices: readonly DeviceSpec[];
  /** The device whose node the real node_exporter runs on (the hardware-exporter job's target). */
  readonly hardwareDevice: string;
  /** The scrape and rule evaluation interval. @default Duration.seconds(1) */
  readonly interval?: Duration;
}

/** What the stack's rendered manifests hold, as the processes read it. */
export interface RenderedConfig {
  readonly prometheusYml: string;
  readonly ruleFiles: Readonly<Record<string, string>>;
  readonly alertmanagerYml: string;
}

/** The node_exporter's textfile sensors of the hardware device. */
export interface Sensors {
  readonly temperature: Quantity<'temperature'>;
  readonly battery: Quantity<'fraction'>;
}

export interface LocalStack {
  readonly factor: number;
  readonly thresholds: Thresholds;
  /** The Alertmanager root route's timing, scaled. */
  readonly timing: NotificationTiming;
  readonly interval: Duration;
  readonly stack: MonitoringStack;
  readonly rendered: RenderedConfig;
  readonly prometheus: readonly RunningPrometheus[];
  readonly alertmanagers: readonly AlertmanagerPeer[];
  readonly exporter: RunningExporter;
  readonly grafana: GrafanaStandIn;
  readonly fleet: Fleet;
  readonly http: HttpSink;
  readonly smtp: SmtpSink;
  /** The SMTP password written to the Secret file. */
  readonly smtpPassword: string;
  /** Makes every Prometheus server discover exactly `present` of the devices; resolves once both do. */
  discover(present: readonly SimulatedDevice[]): Promise<void>;
  setSensors(sensors: Sensors): void;
  /** Stops every process and server the stack started and removes its files. */
  stop(): Promise<void>;
}

/** A device's sensors inside every threshold. */
export const NOMINAL_SENSORS: Sensors = { temperature: Celsius.of(41), battery: Percent.of(80) };

type Data = Record<string, string>;

function configMapData(manifests: readonly Manifest[], name: string): Data {
  const map = byKind(manifests, 'ConfigMap').find((m) => m.metadata.name === name);
  if (!map)
    throw new Error(
      `no ConfigMap '${name}' among ${byKind(manifests, 'ConfigMap')
        .map((m) => m.metadata.name)
        .join(', ')}`,
    );
  return (map as unknown as { data: Data }).data;
}

function workload(manifests: readonly Manifest[], kind: string): { replicas: number; args: string[] } {
  const [object] = byKind(manifests, kind) as any[];
  if (!object) throw new Error(`no ${kind} among the rendered manifests`);
  return { replicas: object.spec.replicas ?? 1, args: object.spec.template.spec.containers[0].args ?? [] };
}

function writeSecret(root: string, ref: SecretKeyRef, value: string): void {
  const file = secretFilePath(root, ref);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, value);
}

/** Starts the stack; on any failure, stops whatever it had started and rethrows. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-stack-'));
  const stops: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) {
      try {
        await s();
      } catch {
        // Keep stopping the rest.
      }
    }
  };
  try {
    const interval = options.interval ?? Duration.seconds(1);
    const http = await HttpSink.start();
    stops.push(() => http.close());
    const smtp = await SmtpSink.start();
    stops.push(() => smtp.close());

    // The shipped stack configuration, on a compressed clock.
    const thresholds = scaleDurations(THRESHOLDS, options.factor);
    const timing = scaleDurations(DEFAULT_TIMING, options.factor);
    const base = stackConfig(thresholds);
    const app = Testing.app();
    const stack = new MonitoringStack(app, 'stack', {
      ...base,
      evaluationInterval: interval,
      prometheus: { ...base.prometheus, scrapeInterval: interval, scrapeTimeout: interval },
      alertmanager: {
        ...base.alertmanager,
        routing: defaultRouting({ timing, smarthost: { host: LOOPBACK, port: smtp.port }, requireTls: false }),
      },
    });
    const prometheusManifests = Testing.synth(chartById(app.charts, 'prometheus')) as Manifest[];
    const alertmanagerManifests = Testing.synth(chartById(app.charts, 'alertmanager')) as Manifest[];
    const hardwareManifests = Testing.synth(chartById(app.charts, 'hardware-exporter')) as Manifest[];
    const rendered: RenderedConfig = {
      prometheusYml: configMapData(prometheusManifests, `${stack.prometheus.name}-config`)['prometheus.yml'],
      // The rule files, from every ConfigMap they fill (a large rule set spans several).
      ruleFiles: Object.assign(
        {},
        ...stack.rules.configMapNames.map((name) => configMapData(prometheusManifests, name)),
      ),
      alertmanagerYml: configMapData(alertmanagerManifests, `${stack.alertmanager.name}-config`)['alertmanager.yml'],
    };

    // Alertmanager: the receivers' Secrets as files, the rendered configuration reading them.
    const secretsRoot = join(dir, 'alertmanager-secrets');
    const smtpPassword = randomBytes(12).toString('hex');
    const secrets = new Map<SecretKeyRef, string>([
      [DEFAULT_RECEIVER_SECRETS.slackCriticalWebhookUrl, http.url(RECEIVER_PATHS.slackCritical)],
      [DEFAULT_RECEIVER_SECRETS.slackWarningsWebhookUrl, http.url(RECEIVER_PATHS.slackWarnings)],
      [DEFAULT_RECEIVER_SECRETS.alertWebhookUrl, http.url(RECEIVER_PATHS.pager)],
      [DEFAULT_RECEIVER_SECRETS.deadMansSwitchUrl, http.url(RECEIVER_PATHS.deadMansSwitch)],
      [DEFAULT_RECEIVER_SECRETS.smtpPassword, smtpPassword],
    ]);
    const unknown = stack.alertmanager.config.secretRefs.filter((ref) => !secrets.has(ref));
    if (unknown.length > 0)
      throw new Error(
        `the local stack has no value for the Secrets ${unknown.map((r) => `${r.secretName}/${r.key}`).join(', ')}`,
      );
    for (const [ref, value] of secrets) writeSecret(secretsRoot, ref, value);
    const amConfigFile = join(dir, 'alertmanager.yml');
    const amLocal = rendered.alertmanagerYml.split(ALERTMANAGER_SECRETS_ROOT).join(secretsRoot);
    writeFileSync(amConfigFile, amLocal);
    const am = workload(alertmanagerManifests, 'StatefulSet');
    const amDir = join(dir, 'alertmanager');
    mkdirSync(amDir);
    const alertmanagers = await startAlertmanagerCluster({
      configFile: amConfigFile,
      dir: amDir,
      containerArgs: am.args,
      peers: am.replicas,
    });
    stops.push(() => Promise.all(alertmanagers.map((p) => stopProcess(p.process))).then(() => undefined));

    // The hardware device's node_exporter, its missing sensors from the textfile collector.
    const textfiles = join(dir, 'textfile');
    mkdirSync(textfiles);
    const setSensors = (s: Sensors) => {
      const text = [
        '# TYPE node_hwmon_temp_celsius gauge',
        `node_hwmon_temp_celsius{chip="platform_e2e",sensor="temp1"} ${s.temperature.in(Units.celsius)}`,
        '# TYPE node_power_supply_capacity gauge',
        `node_power_supply_capacity{power_supply="BAT0"} ${s.battery.in(Units.percent)}`,
        '',
      ].join('\n');
      // Written whole, then renamed into place, so node_exporter never reads half a file (it reads *.prom only).
      writeFileSync(join(textfiles, 'sensors.prom.tmp'), text);
      renameSync(join(textfiles, 'sensors.prom.tmp'), join(textfiles, 'sensors.prom'));
    };
    setSensors(NOMINAL_SENSORS);
    const exporter = await startNodeExporter(workload(hardwareManifests, 'DaemonSet').args, {
      textfileDirectory: textfiles,
    });
    stops.push(() => exporter.stop());

    const fleet = await Fleet.start(options.devices);
    stops.push(() => fleet.stop());
    const grafana = await startGrafanaStandIn();
    stops.push(() => grafana.close());

    // Prometheus: every replica, each scraping everything, alerting every Alertmanager peer.
    const server = workload(prometheusManifests, 'StatefulSet');
    const ports: number[] = [];
    for (let i = 0; i < server.replicas; i++) ports.push(await freePort());
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    for (const [file, text] of Object.entries(rendered.ruleFiles)) writeFileSync(join(rulesDir, file), text);
    const pod = (namespace: string, name: string, node: string, extra: Record<string, string> = {}) => ({
      __meta_kubernetes_namespace: namespace,
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_node_name: node,
      __meta_kubernetes_pod_ip: LOOPBACK,
      __meta_kubernetes_pod_phase: 'Running',
      ...extra,
    });
    // The devices' pods as discovery would find them, in a file Prometheus watches: a device that
    // leaves is dropped as Kubernetes discovery drops a deleted pod, without a reload.
    const devicesFile = join(dir, 'devices.json');
    const writeDevices = (present: readonly SimulatedDevice[]) =>
      writeFileSdTargets(
        devicesFile,
        present.map(
          (d): DiscoveredTarget => ({
            address: LOOPBACK,
            meta: pod(DEVICE_NAMESPACE, d.pod, d.name, {
              __meta_kubernetes_pod_label_liquid_audio_nets_dev_scrape: 'true',
              __meta_kubernetes_pod_annotation_prometheus_io_port: String(d.port),
            }),
          }),
        ),
      );
    writeDevices(fleet.devices);
    const prometheusConfig = localCopy(rendered.prometheusYml, {
      fileSd: { [DEVICE_TARGETS.job]: devicesFile },
      targets: {
        [stack.prometheus.name]: ports.map((p) => ({ address: `${LOOPBACK}:${p}` })),
        'hardware-exporter': [
          {
            address: exporter.address,
            meta: pod(stack.hardwareNamespace, `node-exporter-${options.hardwareDevice}`, options.hardwareDevice, {
              __meta_kubernetes_pod_container_port_number: String(HARDWARE_EXPORTER_PORT),
            }),
          },
        ],
        alertmanager: alertmanagers.map((p) => ({
          address: `${LOOPBACK}:${p.web}`,
          meta: pod(stack.namespace, `${stack.alertmanager.name}-${p.index}`, 'node-monitoring', {
            __meta_kubernetes_pod_container_port_number: String(ALERTMANAGER_PORTS.web),
          }),
        })),
      },
      alertmanagers: alertmanagers.map((p) => `${LOOPBACK}:${p.web}`),
      rulesDir,
      secretsDir: join(dir, 'prometheus-secrets'),
    });
    const prometheus: RunningPrometheus[] = [];
    stops.push(() => Promise.all(prometheus.map((p) => p.stop())).then(() => undefined));
    for (const [i, port] of ports.entries()) {
      prometheus.push(
        await startPrometheus(prometheusConfig, server.args, { POD_NAME: `${stack.prometheus.name}-${i}` }, port),
      );
    }

    return {
      factor: options.factor,
      thresholds,
      timing,
      interval,
      stack,
      rendered,
      prometheus,
      alertmanagers,
      exporter,
      grafana,
      fleet,
      http,
      smtp,
      smtpPassword,
      discover: async (present) => {
        writeDevices(present);
        const expected = present
          .map((d) => d.name)
          .sort()
          .join(',');
        await Promise.all(
          prometheus.map((p) =>
            waitFor(
              `${p.url} to discover exactly ${expected}`,
              async () => {
                const { data } = await getJson(p.url, '/api/v1/targets?state=active');
                const found = data.activeTargets
                  .filter((t: any) => t.labels.job === DEVICE_TARGETS.job)
                  .map((t: any) => t.labels[DEVICE_TARGETS.deviceLabel]);
                return found.sort().join(',') === expected ? true : undefined;
              },
              15_000,
              100,
            ),
          ),
        );
      },
      setSensors,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
