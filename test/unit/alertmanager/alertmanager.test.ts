import { Chart, Testing } from 'cdk8s';
import { defaultRouting } from '../../../alerts';
import { Duration, Gibibytes, Mebibytes, Millicores, type SecretKeyRef } from '../../../lib';
import { Alertmanager, type AlertmanagerProps } from '../../../lib/alertmanager/alertmanager';
import { IMAGES } from '../../../lib/k8s/images';
import { byKind, type Manifest, RESTRICTED_CONTAINER_SECURITY } from '../../support/manifests';
import { run } from '../../support/programs';

/** Synthesizes an Alertmanager, with the product's routing unless given, in a chart of `namespace` (none with null). */
function synth(props: Partial<AlertmanagerProps> = {}, namespace: string | null = 'monitoring') {
  const chart = namespace === null ? Testing.chart() : new Chart(Testing.app(), 'alertmanager', { namespace });
  const am = new Alertmanager(chart, 'Alertmanager', { routing: defaultRouting(), ...props });
  const manifests = Testing.synth(chart) as Manifest[];
  const one = (kind: string, name?: string) => {
    const found = byKind(manifests, kind).filter((m) => name === undefined || m.metadata.name === name);
    expect(found).toHaveLength(1);
    return found[0] as Manifest & { spec: any; data?: Record<string, string> };
  };
  return { am, manifests, one };
}

const selector = { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': 'liquid-audio-nets' };

describe('Alertmanager', () => {
  const { am, manifests, one } = synth();
  const sts = one('StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('renders one of each object, and no Secret: credentials stay in the Secrets the operators create', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/alertmanager-config',
      'PodDisruptionBudget/alertmanager',
      'Service/alertmanager',
      'Service/alertmanager-headless',
      'ServiceAccount/alertmanager',
      'StatefulSet/alertmanager',
    ]);
  });

  test('a StatefulSet of 3 interchangeable peers behind the headless Service, spread over nodes', () => {
    expect(sts.spec).toMatchObject({
      replicas: 3,
      serviceName: 'alertmanager-headless',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
    });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        weight: 100,
        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } },
      },
    ]);
  });

  test('runs the pinned image with the recommended labels and its version', () => {
    expect(container.image).toBe('quay.io/prometheus/alertmanager:v0.35.0');
    expect(IMAGES.alertmanager.tag).toBe('v0.35.0');
    expect(sts.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'alertmanager',
      'app.kubernetes.io/component': 'alert-router',
      'app.kubernetes.io/version': '0.35.0',
      'app.kubernetes.io/instance': 'liquid-audio-nets',
      'app.kubernetes.io/part-of': 'liquid-audio-nets-monitoring',
    });
  });

  test('peers with every peer through the headless Service, advertising its pod IP', () => {
    const peers = [0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-headless.monitoring.svc:9094`);
    expect(container.args).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--data.retention=120h',
      '--web.listen-address=:9093',
      '--cluster.listen-address=0.0.0.0:9094',
      '--cluster.advertise-address=$(POD_IP):9094',
      ...peers,
    ]);
    expect(container.env).toEqual([
      { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    ]);
    expect(container.ports).toEqual([
      { name: 'web', containerPort: 9093, protocol: 'TCP' },
      { name: 'cluster-tcp', containerPort: 9094, protocol: 'TCP' },
      { name: 'cluster-udp', containerPort: 9094, protocol: 'UDP' },
    ]);
  });

  test('exposes the web port of each peer for Prometheus, and the Services', () => {
    expect(am.peers).toEqual([0, 1, 2].map((i) => `alertmanager-${i}.alertmanager-headless.monitoring.svc:9093`));
    expect(am.serviceName).toBe('alertmanager');
    expect(am.headlessServiceName).toBe('alertmanager-headless');
    expect(one('Service', 'alertmanager-headless').spec).toEqual({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector,
      ports: [
        { name: 'web', port: 9093, targetPort: 'web', protocol: 'TCP' },
        { name: 'cluster-tcp', port: 9094, targetPort: 'cluster-tcp', protocol: 'TCP' },
        { name: 'cluster-udp', port: 9094, targetPort: 'cluster-udp', protocol: 'UDP' },
      ],
    });
    expect(one('Service', 'alertmanager').spec).toEqual({
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'web', port: 9093, targetPort: 'web', protocol: 'TCP' }],
    });
  });

  test('keeps silences and the notification log on a volume claimed per peer', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'data', labels: expect.objectContaining(selector) },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/alertmanager' });
  });

  test('probes /-/ready and /-/healthy on the web port', () => {
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/-/ready', port: 'web' } });
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/-/healthy', port: 'web' } });
  });

  test('is hardened: restricted security contexts, its own ServiceAccount without a token, resources set', () => {
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(pod).toMatchObject({ serviceAccountName: 'alertmanager', automountServiceAccountToken: false });
    expect(one('ServiceAccount')).toMatchObject({ automountServiceAccountToken: false });
    expect(container.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
  });

  test('a PodDisruptionBudget lets a drain take one peer at a time', () => {
    expect(one('PodDisruptionBudget').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector } });
  });

  test('reads alertmanager.yml from its ConfigMap; a change rolls no pod, the config reloader applies it', () => {
    expect(one('ConfigMap').data).toEqual({ 'alertmanager.yml': am.configText });
    expect(container.volumeMounts).toContainEqual({
      name: 'config',
      mountPath: '/etc/alertmanager/config',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'alertmanager-config' } });
    expect(am.hash).toBeUndefined();
    expect(sts.spec.template.metadata.annotations).toBeUndefined();

    const retimed = synth({
      routing: defaultRouting({
        timing: {
          groupWait: Duration.seconds(10),
          groupInterval: Duration.minutes(5),
          repeatInterval: Duration.hours(4),
        },
      }),
    });
    expect(retimed.am.configText).not.toBe(am.configText);
    expect(retimed.one('StatefulSet').spec.template).toEqual(sts.spec.template);
    const reloader = pod.containers.find((c: { name: string }) => c.name === 'config-reloader');
    expect(reloader).toMatchObject({
      image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1',
      args: [
        '--listen-address=:8080',
        '--reload-url=http://127.0.0.1:9093/-/reload',
        '--watched-dir=/etc/alertmanager/config',
      ],
      readinessProbe: { httpGet: { path: '/healthz', port: 'reloader-web' } },
      resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '96Mi' } },
      volumeMounts: [{ name: 'config', mountPath: '/etc/alertmanager/config', readOnly: true }],
    });
  });

  test('mounts each referenced Secret read-only, only the keys the configuration reads, where it reads them', () => {
    expect(pod.volumes).toContainEqual({
      name: 'secret-alertmanager-receivers',
      secret: {
        secretName: 'alertmanager-receivers',
        defaultMode: 0o440,
        items: ['alert-webhook-url', 'slack-warnings-webhook-url', 'slack-webhook-url', 'smtp-password'].map((key) => ({
          key,
          path: key,
        })),
      },
    });
    expect(pod.volumes).toContainEqual({
      name: 'secret-alertmanager-dead-mans-switch',
      secret: { secretName: 'alertmanager-dead-mans-switch', defaultMode: 0o440, items: [{ key: 'url', path: 'url' }] },
    });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        {
          name: 'secret-alertmanager-receivers',
          mountPath: '/etc/alertmanager/secrets/alertmanager-receivers',
          readOnly: true,
        },
        {
          name: 'secret-alertmanager-dead-mans-switch',
          mountPath: '/etc/alertmanager/secrets/alertmanager-dead-mans-switch',
          readOnly: true,
        },
      ]),
    );
    for (const [, file] of am.configText.matchAll(/_file: (.*)$/gm)) {
      const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
      const volume = pod.volumes.find((v: { name: string }) => v.name === mount?.name);
      expect([file, volume?.secret.items.map((i: { path: string }) => `${mount.mountPath}/${i.path}`)]).toEqual([
        file,
        expect.arrayContaining([file]),
      ]);
    }
  });

  test('every flag the StatefulSet passes is one the real Alertmanager knows', () => {
    const help = run('alertmanager', ['--help'], '/');
    const known = new Set([...(help.stdout + help.stderr).matchAll(/--([a-z][a-z0-9.-]*)/g)].map((m) => m[1]));
    const flags = (container.args as string[]).map((a) => a.replace(/^--/, '').split('=')[0]);
    expect(flags.filter((f) => !known.has(f))).toEqual([]);
  });

  test('sizes, retention, storage class, replicas and the external URL are props', () => {
    const custom = synth({
      replicas: 5,
      storage: Gibibytes.of(2),
      storageClassName: 'fast-ssd',
      retention: Duration.days(10),
      externalUrl: 'https://alerts.example.org',
      resources: {
        requests: { cpu: Millicores.of(100), memory: Mebibytes.of(128) },
        limits: { cpu: Millicores.of(500), memory: Mebibytes.of(512) },
      },
    });
    const s = custom.one('StatefulSet').spec;
    expect(s.replicas).toBe(5);
    expect(s.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '2Gi' } },
    });
    const args = s.template.spec.containers[0].args as string[];
    expect(args).toEqual(
      expect.arrayContaining(['--data.retention=240h', '--web.external-url=https://alerts.example.org']),
    );
    expect(args.filter((a) => a.startsWith('--cluster.peer='))).toHaveLength(5);
    expect(custom.am.peers).toHaveLength(5);
  });

  test('takes the namespace of its chart', () => {
    expect(synth({}, 'observability').am.peers[0]).toBe('alertmanager-0.alertmanager-headless.observability.svc:9093');
  });
});

describe('bad Alertmanager props stop the synth with one sentence', () => {
  test('fails when a Slack channel has no #', () => {
    const routing = defaultRouting();
    const bad = {
      ...routing,
      receivers: routing.receivers.map((r) =>
        r.name === 'warning' ? { ...r, slack: [{ ...r.slack![0], channel: 'alerts' }] } : r,
      ),
    };
    expect(() => synth({ routing: bad })).toThrow(
      "alertmanager 'alertmanager': receiver 'warning': 'channel' must start with '#', got 'alerts'",
    );
  });

  test('fails when a secret is given as a literal value', () => {
    const routing = defaultRouting();
    const literal = 'https://hooks.example.org/T0/B0/abc' as unknown as SecretKeyRef;
    const bad = {
      ...routing,
      receivers: routing.receivers.map((r) =>
        r.name === 'dead-mans-switch' ? { ...r, webhook: [{ url: literal }] } : r,
      ),
    };
    expect(() => synth({ routing: bad })).toThrow(
      "alertmanager 'alertmanager': receiver 'dead-mans-switch': 'url' must be a reference to a Secret ({ secretName, key }), not a literal value",
    );
  });

  test('fails when there is no namespace for the peer names', () => {
    expect(() => synth({}, null)).toThrow(
      "alertmanager 'alertmanager': 'namespace' is required when the chart has none: the peers' DNS names contain it",
    );
  });

  test('fails on zero or fractional replicas', () => {
    expect(() => synth({ replicas: 0 })).toThrow(
      "alertmanager 'alertmanager': 'replicas' must be a whole number of at least 1, got 0",
    );
    expect(() => synth({ replicas: 2.5 })).toThrow(/'replicas' must be a whole number of at least 1, got 2.5/);
  });

  test('fails on a storage size or name Kubernetes would reject', () => {
    expect(() => synth({ storage: Gibibytes.of(0) })).toThrow(
      /^alertmanager 'alertmanager': 'storage' must be a positive whole number of bytes/,
    );
    expect(() => synth({ name: 'Alert_Manager' })).toThrow(
      /^alertmanager 'Alert_Manager': 'name' with '-headless' appended must be lower-case letters/,
    );
    expect(() => synth({ storageClassName: 'Fast SSD' })).toThrow(/'storageClassName' 'Fast SSD' must be lower-case/);
  });

  test('fails when a repeat interval outlasts the retention', () => {
    expect(() => synth({ retention: Duration.hours(12) })).toThrow(
      /^alertmanager 'alertmanager': route to 'warning': 'repeatInterval' \(1d\) must be shorter than the retention \(12h\)/,
    );
  });

  test('fails when requests exceed limits', () => {
    const resources = {
      requests: { cpu: Millicores.of(500), memory: Mebibytes.of(64) },
      limits: { cpu: Millicores.of(200), memory: Mebibytes.of(256) },
    };
    expect(() => synth({ resources })).toThrow(
      /^alertmanager 'alertmanager': 'resources.requests.cpu' \(500 m\) must not exceed 'resources.limits.cpu'/,
    );
  });

  test('fails on an external URL that is not http(s)', () => {
    expect(() => synth({ externalUrl: 'alerts.example.org' })).toThrow(
      "alertmanager 'alertmanager': 'externalUrl' must be an http(s) URL, got 'alerts.example.org'",
    );
  });
});
