import { Chart, Testing } from 'cdk8s';
import { config } from '../../../config';
import { MonitoringStack } from '../../../lib';
import {
  HARDWARE_EXPORTER_EXCEPTIONS,
  HardwareExporter,
  type HardwareExporterProps,
} from '../../../lib/hardware/hardware-exporter';
import { byKind, type Manifest, RESTRICTED_CONTAINER_SECURITY } from '../../support/manifests';

function build(overrides: Partial<HardwareExporterProps> = {}) {
  const chart = new Chart(Testing.app(), 'hw', { namespace: 'monitoring-hardware' });
  new HardwareExporter(chart, 'HardwareExporter', { instance: 'test', ...overrides });
  return Testing.synth(chart) as Manifest[];
}

describe('HardwareExporter', () => {
  const manifests = build();
  const ds: any = byKind(manifests, 'DaemonSet')[0];
  const pod = ds.spec.template.spec;
  const container = pod.containers[0];

  test('a DaemonSet of the pinned node_exporter with host network and PID namespace', () => {
    expect(ds.metadata).toMatchObject({ name: 'node-exporter', namespace: 'monitoring-hardware' });
    expect(container.image).toBe('quay.io/prometheus/node-exporter:v1.12.1');
    expect(pod).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 19100, hostPort: 19100, protocol: 'TCP' }]);
  });

  test('read-only host mounts of /proc, /sys and /, used as the procfs, sysfs and rootfs paths', () => {
    expect(pod.volumes.slice(0, 3)).toEqual([
      { name: 'proc', hostPath: { path: '/proc' } },
      { name: 'sys', hostPath: { path: '/sys' } },
      { name: 'root', hostPath: { path: '/' } },
    ]);
    expect(container.volumeMounts.every((m: any) => m.readOnly === true)).toBe(true);
    expect(container.args).toEqual(
      expect.arrayContaining(['--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root']),
    );
  });

  test('the hardware collectors are on, textfile reading the device folder', () => {
    for (const c of ['hwmon', 'thermal_zone', 'powersupplyclass', 'rapl', 'cpufreq', 'textfile'])
      expect(container.args).toContain(`--collector.${c}`);
    expect(container.args).toContain('--collector.textfile.directory=/host/textfile');
    expect(pod.volumes).toContainEqual({
      name: 'textfile',
      hostPath: { path: '/var/lib/node-exporter/textfile', type: 'DirectoryOrCreate' },
    });
  });

  test('lands on edge devices: node selector and tolerations', () => {
    expect(pod.nodeSelector).toEqual({ 'liquid-audio-nets.dev/edge-device': 'true' });
    expect(pod.tolerations).toEqual([{ key: 'liquid-audio-nets.dev/edge-device', operator: 'Exists' }]);
    const custom: any = byKind(
      build({ nodeSelector: { 'kubernetes.io/arch': 'arm64' }, tolerations: [{ operator: 'Exists' }] }),
      'DaemonSet',
    )[0];
    expect(custom.spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(custom.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('hardened beyond its documented exceptions: non-root, read-only, no capabilities, no token', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(Object.keys(HARDWARE_EXPORTER_EXCEPTIONS).sort()).toEqual([
      'hostNetwork',
      'hostPID',
      'hostPath',
      'hostPort',
    ]);
    expect(container.resources).toEqual({
      requests: { cpu: '20m', memory: '32Mi' },
      limits: { cpu: '200m', memory: '64Mi' },
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'metrics' });
  });

  test('its own namespace is labelled privileged, and it is the only privileged namespace of the stack', () => {
    const [ns] = byKind(manifests, 'Namespace');
    expect(ns.metadata).not.toHaveProperty('namespace');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'privileged' });
    const app = Testing.app();
    new MonitoringStack(app, 'stack', config);
    const namespaces = app.charts.flatMap((c) => byKind(Testing.synth(c) as Manifest[], 'Namespace'));
    const levels = Object.fromEntries(
      namespaces.map((n) => [n.metadata.name, n.metadata.labels!['pod-security.kubernetes.io/enforce']]),
    );
    expect(levels).toEqual({
      'liquid-audio-nets-monitoring': 'restricted',
      'liquid-audio-nets-monitoring-hardware': 'privileged',
    });
  });

  test('fails on a textfile folder that is not an absolute path', () => {
    expect(() => build({ textfileDirectory: 'textfile' })).toThrow(
      "HardwareExporter 'node-exporter': 'textfileDirectory' must be an absolute path on the device, got 'textfile'",
    );
  });
});
