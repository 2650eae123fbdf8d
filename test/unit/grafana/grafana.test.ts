import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { DASHBOARD_CATALOGUE, THRESHOLDS } from '../../../alerts';
import { buildDashboards, DASHBOARDS, performanceDashboard } from '../../../dashboards';
import { Cores, Duration, Mebibytes, Seconds } from '../../../lib';
import { Grafana, type GrafanaProps } from '../../../lib/grafana/grafana';
import { CONFIGMAP_DATA_LIMIT, KUBECTL_APPLY_ANNOTATION_LIMIT } from '../../../lib/k8s/manifest-limits';
import { COMPONENT_NAMES } from '../../../lib/stack/monitoring-stack';
import { byKind, type Manifest, RESTRICTED_CONTAINER_SECURITY } from '../../support/manifests';

const PROPS: GrafanaProps = {
  instance: 'test',
  prometheusUrl: 'http://prometheus.monitoring.svc:9090',
  alertmanagerUrl: 'http://alertmanager.monitoring.svc:9093',
  adminSecret: { secretName: 'grafana-admin' },
  dashboards: DASHBOARDS,
  catalogue: DASHBOARD_CATALOGUE,
};

function build(overrides: Partial<GrafanaProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
  const grafana = new Grafana(chart, 'Grafana', { ...PROPS, ...overrides });
  return { grafana, manifests: Testing.synth(chart) as Manifest[] };
}

const one = (manifests: Manifest[], kind: string, name?: string): any => {
  const found = byKind(manifests, kind).filter((m) => name === undefined || m.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

const envOf = (container: any): Record<string, string> =>
  Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
const hashOf = (manifests: Manifest[]) =>
  one(manifests, 'Deployment').spec.template.metadata.annotations['checksum/config'];

describe('Grafana', () => {
  const { manifests, grafana } = build();
  const deployment = one(manifests, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = envOf(container);

  test('a Deployment of one replica of the pinned upstream image, the old pod gone before the new one opens the database', () => {
    expect(deployment).toMatchObject({
      metadata: { name: 'grafana', namespace: 'monitoring' },
      spec: { replicas: 1, strategy: { type: 'Recreate' } },
    });
    expect(container.image).toBe('docker.io/grafana/grafana:13.2.3');
    expect(container.image).not.toMatch(/:latest$/);
  });

  test('probes on /api/health, default resources', () => {
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'])
      expect(container[probe].httpGet).toEqual({ path: '/api/health', port: 'http' });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
  });

  test('hardened: uid 472, read-only root filesystem, its database on a volume claim, /tmp an emptyDir, no API token', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 472,
      runAsGroup: 472,
      fsGroup: 472,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'data', mountPath: '/var/lib/grafana' },
        { name: 'tmp', mountPath: '/tmp' },
      ]),
    );
    expect(pod).toMatchObject({ serviceAccountName: 'grafana', automountServiceAccountToken: false });
    expect(one(manifests, 'ServiceAccount')).toMatchObject({
      metadata: { name: 'grafana' },
      automountServiceAccountToken: false,
    });
    expect(JSON.stringify(pod)).not.toMatch(/hostPath|hostNetwork|privileged":true/);
  });

  test('recommended labels, and the label and port the Prometheus scrape job looks for', () => {
    expect(deployment.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'grafana',
      'app.kubernetes.io/instance': 'test',
      'app.kubernetes.io/version': '13.2.3',
      'app.kubernetes.io/component': 'dashboards',
      'app.kubernetes.io/part-of': 'liquid-audio-nets-monitoring',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(deployment.spec.template.metadata.labels['app.kubernetes.io/name']).toBe(COMPONENT_NAMES.grafana.appName);
    expect(container.ports).toEqual([{ name: 'http', containerPort: COMPONENT_NAMES.grafana.port, protocol: 'TCP' }]);
  });

  test('a Service on 3000 selecting the pods', () => {
    const service = one(manifests, 'Service');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }]);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(grafana.serviceName).toBe('grafana');
  });

  test('the admin credentials are read from the mounted Secret, never a literal', () => {
    expect(env).toMatchObject({
      GF_SECURITY_ADMIN_USER__FILE: '/etc/grafana/secrets/grafana-admin/admin-user',
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/etc/grafana/secrets/grafana-admin/admin-password',
    });
    expect(env).not.toHaveProperty('GF_SECURITY_ADMIN_PASSWORD');
    expect(env).not.toHaveProperty('GF_SECURITY_ADMIN_USER');
    expect(pod.volumes).toContainEqual({
      name: 'admin-secret',
      secret: { secretName: 'grafana-admin', defaultMode: 0o440 },
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'admin-secret',
      mountPath: '/etc/grafana/secrets/grafana-admin',
      readOnly: true,
    });
    expect(byKind(manifests, 'Secret')).toEqual([]);
    // No credential-like setting carries a value: only file paths do.
    expect(
      container.env.filter((e: any) => /PASSWORD|SECRET|TOKEN|ADMIN_USER/.test(e.name) && !e.name.endsWith('__FILE')),
    ).toEqual([]);
    expect(Object.values(env)).not.toContain('admin');
  });

  test('custom Secret keys', () => {
    const e = envOf(
      one(build({ adminSecret: { secretName: 'ops', userKey: 'user', passwordKey: 'pass' } }).manifests, 'Deployment')
        .spec.template.spec.containers[0],
    );
    expect(e.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/etc/grafana/secrets/ops/pass');
  });

  test('hardening: no anonymous access, no sign-up, no gravatar, no reporting home', () => {
    expect(env).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_USERS_ALLOW_ORG_CREATE: 'false',
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
      GF_PLUGINS_PLUGIN_ADMIN_ENABLED: 'false',
      GF_LOG_MODE: 'console',
      GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
    });
  });

  test('secure cookies and HSTS when served over TLS, not otherwise', () => {
    expect(env).toMatchObject({ GF_SECURITY_COOKIE_SECURE: 'false', GF_SECURITY_STRICT_TRANSPORT_SECURITY: 'false' });
    expect(env).not.toHaveProperty('GF_SERVER_ROOT_URL');
    const tls = build({ rootUrl: 'https://grafana.example.org/' });
    expect(tls.grafana.cookieSecure).toBe(true);
    expect(envOf(one(tls.manifests, 'Deployment').spec.template.spec.containers[0])).toMatchObject({
      GF_SERVER_ROOT_URL: 'https://grafana.example.org/',
      GF_SECURITY_COOKIE_SECURE: 'true',
      GF_SECURITY_STRICT_TRANSPORT_SECURITY: 'true',
    });
  });

  describe('provisioning', () => {
    const configMap = one(manifests, 'ConfigMap', 'grafana-provisioning');
    const datasources = parse(configMap.data['datasources.yaml']);
    const providers = parse(configMap.data['dashboards.yaml']);

    test('a Prometheus datasource with a stable uid on the in-cluster Service, and an Alertmanager one', () => {
      expect(datasources).toEqual({
        apiVersion: 1,
        prune: true,
        datasources: [
          {
            name: 'Prometheus',
            type: 'prometheus',
            uid: 'prometheus',
            access: 'proxy',
            url: 'http://prometheus.monitoring.svc:9090',
            isDefault: true,
            editable: false,
            jsonData: {
              httpMethod: 'POST',
              timeInterval: '30s',
              prometheusType: 'Prometheus',
              prometheusVersion: '3.13.2',
              manageAlerts: false,
              alertmanagerUid: 'alertmanager',
            },
          },
          {
            name: 'Alertmanager',
            type: 'alertmanager',
            uid: 'alertmanager',
            access: 'proxy',
            url: 'http://alertmanager.monitoring.svc:9093',
            isDefault: false,
            editable: false,
            jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
          },
        ],
      });
      const custom = build({ scrapeInterval: Duration.minutes(1), prometheusVersion: '3.14.0' }).grafana.provisioning
        .datasources[0].jsonData;
      expect(custom).toMatchObject({ timeInterval: '1m', prometheusVersion: '3.14.0' });
    });

    test("a file provider reading the folder the dashboards are mounted at, at Grafana's standard provisioning paths", () => {
      expect(providers).toEqual({
        apiVersion: 1,
        providers: [
          {
            name: 'liquid-audio-nets',
            orgId: 1,
            folder: 'liquid-audio-nets',
            folderUid: 'liquid-audio-nets',
            type: 'file',
            disableDeletion: false,
            allowUiUpdates: false,
            updateIntervalSeconds: 60,
            options: { path: '/etc/grafana/dashboards', foldersFromFilesStructure: false },
          },
        ],
      });
      const mounts = Object.fromEntries(container.volumeMounts.map((m: any) => [m.name, m]));
      expect(mounts['provisioning-datasources']).toEqual({
        name: 'provisioning-datasources',
        mountPath: '/etc/grafana/provisioning/datasources',
        readOnly: true,
      });
      expect(mounts['provisioning-dashboards']).toEqual({
        name: 'provisioning-dashboards',
        mountPath: '/etc/grafana/provisioning/dashboards',
        readOnly: true,
      });
      expect(mounts.dashboards).toEqual({
        name: 'dashboards',
        mountPath: providers.providers[0].options.path,
        readOnly: true,
      });
    });
  });

  describe('dashboards', () => {
    test('one ConfigMap per dashboard, its JSON under <uid>.json, all projected into the provider folder', () => {
      const names = DASHBOARDS.map((d) => `grafana-dashboard-${d.uid}`);
      for (const d of DASHBOARDS) {
        const cm = one(manifests, 'ConfigMap', `grafana-dashboard-${d.uid}`);
        expect(Object.keys(cm.data)).toEqual([`${d.uid}.json`]);
        const file = JSON.parse(cm.data[`${d.uid}.json`]);
        expect(file).toMatchObject({ uid: d.uid, title: d.title, schemaVersion: 42 });
        expect(file).toEqual(JSON.parse(JSON.stringify(d)));
        expect(Buffer.byteLength(cm.data[`${d.uid}.json`])).toBeLessThan(KUBECTL_APPLY_ANNOTATION_LIMIT);
      }
      expect(pod.volumes).toContainEqual({
        name: 'dashboards',
        projected: { sources: names.map((name) => ({ configMap: { name } })) },
      });
      expect(grafana.dashboardConfigMaps).toEqual(
        Object.fromEntries(DASHBOARDS.map((d) => [d.uid, `grafana-dashboard-${d.uid}`])),
      );
    });

    test('no dashboards: an empty folder for the provider', () => {
      const { manifests: m } = build({ dashboards: [] });
      expect(one(m, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'dashboards', emptyDir: {} });
      expect(byKind(m, 'ConfigMap').map((c) => c.metadata.name)).toEqual(['grafana-provisioning']);
    });
  });

  test('the config hash rolls the pod when the provisioning changes, not when a dashboard does', () => {
    expect(hashOf(build().manifests)).toBe(hashOf(manifests));
    const retuned = buildDashboards({
      ...THRESHOLDS,
      inferenceLatency: { ...THRESHOLDS.inferenceLatency, warning: Seconds.of(0.04) },
    });
    // The dashboard provider re-reads its files every updateIntervalSeconds: no restart needed.
    expect(hashOf(build({ dashboards: retuned }).manifests)).toBe(hashOf(manifests));
    expect(hashOf(build({ prometheusUrl: 'http://prometheus.other.svc:9090' }).manifests)).not.toBe(hashOf(manifests));
    expect(
      hashOf(
        build({
          resources: {
            requests: { cpu: Cores.of(1), memory: Mebibytes.of(256) },
            limits: { cpu: Cores.of(1), memory: Mebibytes.of(512) },
          },
        }).manifests,
      ),
    ).toBe(hashOf(manifests));
  });

  describe('bad input', () => {
    test('fails when the admin credentials are a literal', () => {
      expect(() => build({ adminSecret: 'admin' as never })).toThrow(
        "grafana 'grafana': 'adminSecret' must be a reference to a Secret ({ secretName, userKey, passwordKey }), not a literal value",
      );
    });

    test('fails when the Secret name is not a Kubernetes name', () => {
      expect(() => build({ adminSecret: { secretName: 'Grafana_Admin' } })).toThrow(
        /grafana 'grafana': 'adminSecret.secretName' 'Grafana_Admin' must be lower-case letters/,
      );
    });

    test('fails when the user and password keys are the same', () => {
      expect(() => build({ adminSecret: { secretName: 'grafana-admin', userKey: 'x', passwordKey: 'x' } })).toThrow(
        "grafana 'grafana': 'adminSecret.userKey' and 'adminSecret.passwordKey' must be different keys, got 'x' for both",
      );
    });

    test('fails when a Secret key is not a valid key', () => {
      expect(() => build({ adminSecret: { secretName: 'grafana-admin', passwordKey: 'pass word' } })).toThrow(
        `grafana 'grafana': 'adminSecret.passwordKey' must be 1 to 253 letters, digits, "-", "_" and ".", got 'pass word'`,
      );
    });

    test('fails when a datasource URL is not http(s)', () => {
      expect(() => build({ prometheusUrl: 'prometheus:9090' })).toThrow(
        `grafana 'grafana': 'prometheusUrl' must be an http(s) URL without spaces or "$", got 'prometheus:9090'`,
      );
      expect(() => build({ alertmanagerUrl: 'http://$AM_HOST:9093' })).toThrow(
        /'alertmanagerUrl' must be an http\(s\) URL without spaces or "\$"/,
      );
    });

    test('fails when the root URL is not http(s)', () => {
      expect(() => build({ rootUrl: 'grafana.example.org' })).toThrow(
        `grafana 'grafana': 'rootUrl' must be an http(s) URL without spaces or "$", got 'grafana.example.org'`,
      );
    });

    test("fails when a dashboard would not fit in a ConfigMap; above kubectl apply's annotation it still fits", () => {
      const big = JSON.parse(JSON.stringify(performanceDashboard())) as Dashboard;
      big.uid = 'big';
      big.title = 'Big';
      // The README applies server-side: a dashboard's ConfigMap may use the API server's whole 1 MiB.
      big.description = 'x'.repeat(KUBECTL_APPLY_ANNOTATION_LIMIT);
      expect(() => build({ dashboards: [big] })).not.toThrow();
      big.description = 'x'.repeat(CONFIGMAP_DATA_LIMIT);
      expect(() => build({ dashboards: [big] })).toThrow(
        /^dashboard 'big': its JSON is \d+ bytes, over the 1048576 bytes \(1 MiB\) the API server accepts in its ConfigMap; split it into smaller dashboards$/,
      );
    });

    test('fails when a dashboard does not pass the cross-reference checks', () => {
      const bad = JSON.parse(JSON.stringify(performanceDashboard())) as any;
      bad.panels[0].targets[0].expr = 'inference_latency_seconds';
      expect(() => build({ dashboards: [bad] })).toThrow(
        "dashboard 'performance': panel 'Inference latency' (id 1): target A selects metric 'inference_latency_seconds', which is not in the metric catalogue",
      );
    });

    test('fails when resource requests exceed limits', () => {
      expect(() =>
        build({
          resources: {
            requests: { cpu: Cores.of(2), memory: Mebibytes.of(256) },
            limits: { cpu: Cores.of(1), memory: Mebibytes.of(512) },
          },
        }),
      ).toThrow(
        "grafana 'grafana': 'resources.requests.cpu' (2 cores) must not exceed 'resources.limits.cpu' (1 cores)",
      );
    });

    test('fails when the name is not a Kubernetes name', () => {
      expect(() => build({ name: 'Grafana' })).toThrow(
        /^grafana 'Grafana': 'name' must be lower-case letters, digits and "-"/,
      );
    });

    test('fails when the folder is not a valid uid', () => {
      expect(() => build({ folder: 'Liquid Audio' })).toThrow(
        /grafana 'grafana': 'folder' must be 1 to 40 lower-case letters, digits and "-"/,
      );
    });
  });
});

describe('the Jaeger datasource', () => {
  test('provisioned when a Jaeger URL is given, linked to Prometheus by trace to metrics', () => {
    const { grafana } = build({
      jaegerUrl: 'http://jaeger.monitoring.svc:16686',
      traceToMetricsQueries: { 'Request rate': 'sum(rate(traces_span_metrics_calls{$__tags}[5m]))' },
    });
    expect(grafana.provisioning.datasources.find((d) => d.type === 'jaeger')).toEqual({
      name: 'Jaeger',
      type: 'jaeger',
      uid: 'jaeger',
      access: 'proxy',
      url: 'http://jaeger.monitoring.svc:16686',
      isDefault: false,
      editable: false,
      jsonData: {
        tracesToMetrics: {
          datasourceUid: 'prometheus',
          tags: [{ key: 'service.name', value: 'service_name' }],
          queries: [{ name: 'Request rate', query: 'sum(rate(traces_span_metrics_calls{$__tags}[5m]))' }],
          spanStartTimeShift: '-5m',
          spanEndTimeShift: '5m',
        },
        nodeGraph: { enabled: true },
      },
    });
    expect(build().grafana.provisioning.datasources.map((d) => d.type)).toEqual(['prometheus', 'alertmanager']);
  });

  test('fails when the Jaeger URL is not an http(s) URL', () => {
    expect(() => build({ jaegerUrl: 'jaeger:16686' })).toThrow(
      /'jaegerUrl' must be an http\(s\) URL without spaces or "\$", got 'jaeger:16686'/,
    );
  });
});

describe("Grafana's database and placement", () => {
  test('the database lives on a PersistentVolumeClaim of 1 GiB, in the default StorageClass unless one is named', () => {
    const claim = one(build().manifests, 'PersistentVolumeClaim');
    expect(claim).toMatchObject({
      metadata: { name: 'grafana-data', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    expect(claim.spec.storageClassName).toBeUndefined();
    const sized = one(
      build({ storage: Mebibytes.of(512), storageClassName: 'local-path' }).manifests,
      'PersistentVolumeClaim',
    );
    expect(sized.spec).toMatchObject({ storageClassName: 'local-path', resources: { requests: { storage: '512Mi' } } });
  });

  test('fails when the StorageClass name is not a DNS subdomain', () => {
    expect(() => build({ storageClassName: 'Fast_SSD' })).toThrow(
      /^grafana 'grafana': 'storageClassName' 'Fast_SSD' must be lower-case letters/,
    );
  });

  test('takes a node selector, tolerations and a priority class', () => {
    const { manifests } = build({
      nodeSelector: { 'node-role.kubernetes.io/monitoring': 'true' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' }],
      priorityClassName: 'monitoring-critical',
    });
    expect(one(manifests, 'Deployment').spec.template.spec).toMatchObject({
      nodeSelector: { 'node-role.kubernetes.io/monitoring': 'true' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'monitoring', effect: 'NoSchedule' }],
      priorityClassName: 'monitoring-critical',
    });
  });
});
