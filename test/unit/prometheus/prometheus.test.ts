import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { AlertRule, AlertText, Duration, Gibibytes, Mebibytes } from '../../../lib';
import { Prometheus, type PrometheusProps } from '../../../lib/prometheus/prometheus';
import { PrometheusRules } from '../../../lib/prometheus/prometheus-rules';
import { devicesJob } from '../../../lib/prometheus/scrape-jobs';
import { RuleGroup } from '../../../lib/rules/rule-group';
import { byKind, type Manifest, RESTRICTED_CONTAINER_SECURITY } from '../../support/manifests';

const AMS = [
  'alertmanager-0.alertmanager-headless.monitoring.svc:9093',
  'alertmanager-1.alertmanager-headless.monitoring.svc:9093',
];

function build(overrides: Partial<PrometheusProps> = {}, description = 'low') {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  const rule = new AlertRule({
    name: 'LowModelAccuracy',
    expr: 'model_accuracy < 0.9',
    for: Duration.minutes(5),
    severity: 'critical',
    summary: AlertText.template('low'),
    description: AlertText.template(description),
  });
  const rules = new PrometheusRules(chart, 'Rules', {
    groups: [
      new RuleGroup({
        name: 'g',
        interval: Duration.seconds(30),
        rules: [rule],
        runbookBaseUrl: 'https://example.org/r.md',
      }),
    ],
  });
  const prometheus = new Prometheus(chart, 'Prometheus', {
    instance: 'test',
    rules,
    alertmanagers: AMS,
    scrapeJobs: [devicesJob()],
    ...overrides,
  });
  const manifests = Testing.synth(chart) as Manifest[];
  return { prometheus, manifests, config: parse(prometheus.configText) };
}

const one = (manifests: Manifest[], kind: string, name?: string): any => {
  const found = byKind(manifests, kind).filter((m) => name === undefined || m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('Prometheus', () => {
  const { manifests, config, prometheus } = build();
  const sts = one(manifests, 'StatefulSet');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];

  test('a StatefulSet of an HA pair with a volume per replica', () => {
    expect(sts).toMatchObject({
      metadata: { name: 'prometheus', namespace: 'monitoring' },
      spec: { replicas: 2, serviceName: 'prometheus-headless', podManagementPolicy: 'Parallel' },
    });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'data' }),
        spec: expect.objectContaining({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } }),
      }),
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/prometheus' });
  });

  test('typed retention time and size go to prometheus.yml, not the deprecated flags; size defaults to 80% of the volume', () => {
    expect(config.storage).toEqual({ tsdb: { retention: { time: '15d', size: '40960MB' } } });
    expect(container.args).toContain('--storage.tsdb.path=/prometheus');
    expect(container.args.filter((a: string) => a.startsWith('--storage.tsdb.retention'))).toEqual([]);
    const custom = build({
      retention: Duration.days(30),
      storage: Gibibytes.of(100),
      retentionSize: Mebibytes.of(61440),
    });
    expect(custom.config.storage.tsdb.retention).toEqual({ time: '30d', size: '61440MB' });
    expect(one(custom.manifests, 'StatefulSet').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(
      '100Gi',
    );
  });

  test('pinned image, resources, probes on /-/ready and /-/healthy', () => {
    expect(container.image).toBe('quay.io/prometheus/prometheus:v3.13.2');
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi' },
      limits: { cpu: '2', memory: '4Gi' },
    });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/-/healthy', port: 'web' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
  });

  test('hardened: non-root, read-only root filesystem, no escalation, no capabilities, seccomp', () => {
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('HA: anti-affinity by host and a PodDisruptionBudget', () => {
    expect(
      pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey,
    ).toBe('kubernetes.io/hostname');
    expect(one(manifests, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'test' } },
    });
  });

  test('a Service on 9090 and a headless Service for the peers', () => {
    expect(one(manifests, 'Service', 'prometheus').spec.ports).toEqual([
      { name: 'web', port: 9090, targetPort: 'web', protocol: 'TCP' },
    ]);
    expect(one(manifests, 'Service', 'prometheus-headless').spec).toMatchObject({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
    });
    expect(prometheus.peers).toEqual([
      'prometheus-0.prometheus-headless.monitoring.svc:9090',
      'prometheus-1.prometheus-headless.monitoring.svc:9090',
    ]);
  });

  test('least privilege: get/list/watch on pods only, bound to its own ServiceAccount', () => {
    const role = one(manifests, 'ClusterRole');
    expect(role.metadata).not.toHaveProperty('namespace');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    expect(JSON.stringify(role.rules)).not.toMatch(/secrets|\*/);
    expect(one(manifests, 'ClusterRoleBinding')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: role.metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }],
    });
    expect(pod.serviceAccountName).toBe('prometheus');
    expect(one(manifests, 'ServiceAccount').metadata.name).toBe('prometheus');
  });

  test('prometheus.yml: intervals, external labels, every Alertmanager peer, rule files', () => {
    expect(config.global).toEqual({
      scrape_interval: '30s',
      scrape_timeout: '10s',
      evaluation_interval: '30s',
      external_labels: { cluster: 'test', replica: '${POD_NAME}' },
    });
    expect(config.alerting).toEqual({
      alert_relabel_configs: [{ action: 'labeldrop', regex: 'replica' }],
      alertmanagers: [{ api_version: 'v2', timeout: '10s', static_configs: [{ targets: AMS }] }],
    });
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yaml']);
    expect(container.env).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(one(manifests, 'ConfigMap', 'prometheus-config').data['prometheus.yml']).toBe(prometheus.configText);
  });

  test('it scrapes itself at every peer, and every job is limited and has a fallback protocol', () => {
    expect(config.scrape_configs[0]).toMatchObject({
      job_name: 'prometheus',
      static_configs: [{ targets: prometheus.peers }],
    });
    for (const job of config.scrape_configs) {
      expect(job.sample_limit).toBeGreaterThan(0);
      expect(job.label_limit).toBeGreaterThan(0);
      expect(job.fallback_scrape_protocol).toBe('PrometheusText0.0.4');
    }
  });

  test('a changed rule or prometheus.yml rolls no pod: the config reloader applies it through /-/reload', () => {
    const template = (extra: Partial<PrometheusProps> = {}, description = 'low') =>
      one(build(extra, description).manifests, 'StatefulSet').spec.template;
    expect(template().metadata.annotations).toBeUndefined();
    expect(prometheus.hash).toBeUndefined();
    expect(template({}, 'lower')).toEqual(template());
    expect(template({ scrapeInterval: Duration.seconds(60) })).toEqual(template());
    expect(container.args).toContain('--web.enable-lifecycle');
    const reloader = pod.containers.find((c: { name: string }) => c.name === 'config-reloader');
    expect(reloader).toMatchObject({
      image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1',
      args: [
        '--listen-address=:8080',
        '--reload-url=http://127.0.0.1:9090/-/reload',
        '--watched-dir=/etc/prometheus/config',
        '--watched-dir=/etc/prometheus/rules',
      ],
      ports: [{ name: 'reloader-web', containerPort: 8080, protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'reloader-web' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'reloader-web' } },
      resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { cpu: '100m', memory: '96Mi' } },
      securityContext: RESTRICTED_CONTAINER_SECURITY,
      volumeMounts: [
        { name: 'config', mountPath: '/etc/prometheus/config', readOnly: true },
        { name: 'rules', mountPath: '/etc/prometheus/rules', readOnly: true },
      ],
    });
  });

  test('under TLS the hash covers only the web configuration (read at start), not the rules', () => {
    const tls = (description = 'low') => build({ webSecurity: { tlsSecretName: 'prometheus-tls' } }, description);
    const hashOf = (b: ReturnType<typeof build>) =>
      one(b.manifests, 'StatefulSet').spec.template.metadata.annotations['checksum/config'];
    expect(hashOf(tls())).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(tls())).toBe(tls().prometheus.hash);
    expect(hashOf(tls('lower'))).toBe(hashOf(tls()));
    const reloader = one(tls().manifests, 'StatefulSet').spec.template.spec.containers[1];
    expect(reloader.args).toContain('--reload-url=https://127.0.0.1:9090/-/reload');
  });

  test('under basic auth there is no reloader (it would need the password in its arguments): any change rolls the pods', () => {
    const basicAuth = {
      username: 'ops',
      password: { secretName: 'prometheus-auth', key: 'password' },
      passwordHash: { secretName: 'prometheus-auth', key: 'hash' },
    };
    const secured = (description = 'low') => build({ webSecurity: { basicAuth } }, description);
    const spec = one(secured().manifests, 'StatefulSet').spec.template;
    expect(spec.spec.containers.map((c: { name: string }) => c.name)).toEqual(['prometheus']);
    expect(spec.spec.containers[0].args).not.toContain('--web.enable-lifecycle');
    const hashOf = (b: ReturnType<typeof build>) => b.prometheus.hash;
    expect(hashOf(secured())).toBe(spec.metadata.annotations['checksum/config']);
    expect(hashOf(secured('lower'))).not.toBe(hashOf(secured()));
  });

  test('remote write: typed queue, credentials from a mounted Secret file', () => {
    const { manifests: m, config: c } = build({
      remoteWrite: [
        {
          url: 'https://mimir.example.org/api/v1/push',
          name: 'mimir',
          basicAuthUsername: 'tenant-1',
          basicAuthPassword: { secretName: 'mimir-auth', key: 'password' },
          queue: { maxShards: 10 },
        },
        { url: 'https://thanos.example.org/api/v1/receive', bearerToken: { secretName: 'thanos-auth', key: 'token' } },
      ],
    });
    expect(c.remote_write).toEqual([
      {
        url: 'https://mimir.example.org/api/v1/push',
        name: 'mimir',
        basic_auth: { username: 'tenant-1', password_file: '/etc/prometheus/secrets/mimir-auth/password' },
        queue_config: { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, batch_send_deadline: '5s' },
      },
      {
        url: 'https://thanos.example.org/api/v1/receive',
        authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/thanos-auth/token' },
        queue_config: { capacity: 10000, max_shards: 50, max_samples_per_send: 2000, batch_send_deadline: '5s' },
      },
    ]);
    const s = one(m, 'StatefulSet').spec.template.spec;
    expect(s.volumes).toContainEqual({ name: 'secret-mimir-auth', secret: { secretName: 'mimir-auth' } });
    expect(s.containers[0].volumeMounts).toContainEqual({
      name: 'secret-thanos-auth',
      mountPath: '/etc/prometheus/secrets/thanos-auth',
      readOnly: true,
    });
  });

  test('fails when replicas < 1', () => {
    expect(() => build({ replicas: 0 })).toThrow(
      "Prometheus 'prometheus': 'replicas' must be a whole number of at least 1, got 0",
    );
  });

  test('fails when retention is shorter than 2h', () => {
    expect(() => build({ retention: Duration.minutes(90) })).toThrow(
      "Prometheus 'prometheus': 'retention' must be at least 2h (one TSDB block), got 1h30m",
    );
  });

  test('fails when the storage size is not a quantity of bytes', () => {
    expect(() => build({ storage: Gibibytes.of(Number.NaN) })).toThrow(
      "Prometheus 'prometheus': 'storage' must be a positive whole number of bytes, got NaN GiB",
    );
    expect(() => build({ storage: Gibibytes.of(-5) })).toThrow(
      /'storage' must be a positive whole number of bytes, got -5 GiB/,
    );
  });

  test('fails when the StorageClass name is not a DNS subdomain', () => {
    expect(() => build({ storageClassName: 'Fast_SSD' })).toThrow(
      /^Prometheus 'prometheus': 'storageClassName' 'Fast_SSD' must be lower-case letters/,
    );
  });

  test('fails when the retention size exceeds the volume', () => {
    expect(() => build({ storage: Gibibytes.of(10), retentionSize: Gibibytes.of(20) })).toThrow(
      /'retentionSize' \(20 GiB\) must not exceed 'storage' \(10 GiB\)/,
    );
  });

  test('fails when a remote_write URL is not http(s)', () => {
    expect(() => build({ remoteWrite: [{ url: 'ftp://mimir.example.org/push' }] })).toThrow(
      "Prometheus 'prometheus': remoteWrite[0]: 'url' must be an http(s) URL, got 'ftp://mimir.example.org/push'",
    );
  });

  test('fails when remote_write has both basic auth and a bearer token', () => {
    const ref = { secretName: 'a', key: 'b' };
    expect(() =>
      build({
        remoteWrite: [
          { url: 'https://x.example.org', basicAuthUsername: 'u', basicAuthPassword: ref, bearerToken: ref },
        ],
      }),
    ).toThrow(/remoteWrite\[0\]: set either 'basicAuthPassword' or 'bearerToken', not both/);
  });

  test('fails when a remote_write credential is a literal value', () => {
    expect(() => build({ remoteWrite: [{ url: 'https://x.example.org', bearerToken: 's3cr3t' as never }] })).toThrow(
      /remoteWrite\[0\]: 'bearerToken' must be a reference to a Secret \({ secretName, key }\), not a literal value/,
    );
  });

  test('fails when the scrape timeout exceeds the interval', () => {
    expect(() => build({ scrapeTimeout: Duration.seconds(40) })).toThrow(
      /'scrapeTimeout' \(40s\) must not exceed 'scrapeInterval' \(30s\)/,
    );
  });
});
