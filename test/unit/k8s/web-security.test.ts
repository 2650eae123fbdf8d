import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config } from '../../../config';
import { MonitoringStack } from '../../../lib';
import { HASH_PLACEHOLDER } from '../../../lib/k8s/web-security';
import type { StackSecurity } from '../../../lib/stack/monitoring-stack';
import { byKind, chartById, type Manifest } from '../../support/manifests';

const auth = (c: string) => ({
  username: c,
  password: { secretName: `${c}-web-auth`, key: 'password' },
  passwordHash: { secretName: `${c}-web-auth`, key: 'password-hash' },
});

function stack(security: StackSecurity) {
  const app = Testing.app();
  const s = new MonitoringStack(app, 'stack', { ...config, security });
  const get = (chart: string) => Testing.synth(chartById(app.charts, chart)) as any[];
  return { s, prometheus: get('prometheus'), alertmanager: get('alertmanager'), grafana: get('grafana') };
}

const podOf = (m: any[]) =>
  (byKind(m as Manifest[], 'StatefulSet')[0] ?? byKind(m as Manifest[], 'Deployment')[0]) as any;

describe('authentication and TLS', () => {
  const full = stack({
    prometheus: { basicAuth: auth('prometheus'), tlsSecretName: 'prometheus-tls' },
    alertmanager: { basicAuth: auth('alertmanager'), tlsSecretName: 'alertmanager-tls' },
    grafanaTlsSecretName: 'grafana-tls',
  });
  const promSpec = podOf(full.prometheus).spec.template.spec;
  const promConfig = parse(full.s.prometheus.configText);

  test('off by default: no web configuration, plain HTTP probes and clients', () => {
    const plain = stack({});
    const spec = podOf(plain.prometheus).spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].args.some((a: string) => a.startsWith('--web.config.file'))).toBe(false);
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'web' });
    expect(parse(plain.s.prometheus.configText).alerting.alertmanagers[0]).not.toHaveProperty('scheme');
  });

  test('Prometheus reads a web configuration whose bcrypt hash an init container takes from the Secret', () => {
    const webYml = (byKind(full.prometheus as Manifest[], 'ConfigMap') as any[]).find(
      (c) => c.metadata.name === 'prometheus-config',
    ).data['web.yml'];
    expect(parse(webYml)).toEqual({
      tls_server_config: {
        cert_file: '/etc/prometheus/web-tls/tls.crt',
        key_file: '/etc/prometheus/web-tls/tls.key',
        min_version: 'TLS12',
      },
      basic_auth_users: { prometheus: HASH_PLACEHOLDER },
    });
    expect(promSpec.containers[0].args).toContain('--web.config.file=/etc/prometheus/web/web.yml');
    const init = promSpec.initContainers[0];
    expect(init).toMatchObject({
      name: 'render-web-config',
      image: promSpec.containers[0].image,
      command: ['sh', '-c', expect.stringContaining('$HASH_FILE')],
    });
    expect(init.env).toContainEqual({ name: 'HASH_FILE', value: '/etc/prometheus/web-auth/password-hash' });
    expect(init.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(promSpec.volumes).toContainEqual({
      name: 'web-auth',
      secret: { secretName: 'prometheus-web-auth', items: [{ key: 'password-hash', path: 'password-hash' }] },
    });
    expect(promSpec.volumes).toContainEqual({
      name: 'web-tls',
      secret: {
        secretName: 'prometheus-tls',
        items: [
          { key: 'tls.crt', path: 'tls.crt' },
          { key: 'tls.key', path: 'tls.key' },
        ],
      },
    });
  });

  test('with basic auth on, kubelet probes the port, since it cannot send credentials without writing them into the pod', () => {
    expect(promSpec.containers[0].readinessProbe).toMatchObject({ tcpSocket: { port: 'web' } });
    expect(promSpec.containers[0].readinessProbe).not.toHaveProperty('httpGet');
  });

  test('with TLS alone, the probes speak HTTPS and no init container is needed', () => {
    const tlsOnly = stack({ prometheus: { tlsSecretName: 'prometheus-tls' } });
    const spec = podOf(tlsOnly.prometheus).spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'web', scheme: 'HTTPS' });
    expect(spec.volumes).toContainEqual({
      name: 'web',
      configMap: { name: 'prometheus-config', items: [{ key: 'web.yml', path: 'web.yml' }] },
    });
  });

  test('Prometheus scrapes itself and reaches Alertmanager with the credentials from Secrets', () => {
    expect(promConfig.scrape_configs[0]).toMatchObject({
      job_name: 'prometheus',
      scheme: 'https',
      tls_config: { ca_file: '/etc/prometheus/clients/self/tls/ca.crt' },
      basic_auth: { username: 'prometheus', password_file: '/etc/prometheus/clients/self/auth/password' },
    });
    expect(promConfig.alerting.alertmanagers[0]).toMatchObject({
      scheme: 'https',
      tls_config: {
        ca_file: '/etc/prometheus/clients/alertmanager/tls/ca.crt',
        server_name: 'alertmanager.liquid-audio-nets-monitoring.svc',
      },
      basic_auth: { username: 'alertmanager', password_file: '/etc/prometheus/clients/alertmanager/auth/password' },
    });
    expect(promConfig.scrape_configs.find((j: any) => j.job_name === 'grafana')).toMatchObject({
      scheme: 'https',
      tls_config: {
        ca_file: '/etc/prometheus/clients/grafana/tls/ca.crt',
        server_name: 'grafana.liquid-audio-nets-monitoring.svc',
      },
    });
    expect(promSpec.volumes).toContainEqual({
      name: 'am-auth',
      secret: { secretName: 'alertmanager-web-auth', items: [{ key: 'password', path: 'password' }] },
    });
    expect(promSpec.containers[0].volumeMounts).toContainEqual({
      name: 'am-ca',
      mountPath: '/etc/prometheus/clients/alertmanager/tls',
      readOnly: true,
    });
  });

  test('Alertmanager serves the same way', () => {
    const spec = podOf(full.alertmanager).spec.template.spec;
    expect(spec.containers[0].args).toContain('--web.config.file=/etc/alertmanager/web/web.yml');
    expect(spec.initContainers[0].env).toContainEqual({
      name: 'HASH_FILE',
      value: '/etc/alertmanager/web-auth/password-hash',
    });
  });

  test("Grafana's datasources use basic auth and the CA from files, over HTTPS; Grafana serves TLS with secure cookies", () => {
    const provisioning = (byKind(full.grafana as Manifest[], 'ConfigMap') as any[]).find(
      (c) => c.metadata.name === 'grafana-provisioning',
    );
    const datasources = parse(provisioning.data['datasources.yaml']).datasources;
    expect(datasources[0]).toMatchObject({
      url: 'https://prometheus.liquid-audio-nets-monitoring.svc:9090',
      jsonData: { basicAuth: true, basicAuthUser: 'prometheus', tlsAuthWithCACert: true },
      secureJsonData: {
        basicAuthPassword: '$__file{/etc/grafana/clients/prometheus/auth/password}',
        tlsCACert: '$__file{/etc/grafana/clients/prometheus/tls/ca.crt}',
      },
    });
    expect(datasources[1]).toMatchObject({
      url: 'https://alertmanager.liquid-audio-nets-monitoring.svc:9093',
      jsonData: { basicAuthUser: 'alertmanager' },
    });
    const container = podOf(full.grafana).spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      GF_SERVER_PROTOCOL: 'https',
      GF_SERVER_CERT_FILE: '/etc/grafana/tls/tls.crt',
      GF_SECURITY_COOKIE_SECURE: 'true',
    });
    expect(container.readinessProbe.httpGet.scheme).toBe('HTTPS');
  });

  test('fails on a user name the web configuration cannot hold', () => {
    expect(() => stack({ prometheus: { basicAuth: { ...auth('prometheus'), username: 'pro metheus' } } })).toThrow(
      'Prometheus \'prometheus\': \'webSecurity.basicAuth.username\' must be letters, digits, ".", "_" and "-", got \'pro metheus\'',
    );
  });

  test('fails when a password is given as a literal value', () => {
    expect(() =>
      stack({ alertmanager: { basicAuth: { ...auth('alertmanager'), password: 'hunter2' as never } } }),
    ).toThrow(
      /'webSecurity.basicAuth.password' must be a reference to a Secret \({ secretName, key }\), not a literal value/,
    );
  });

  test('fails on a TLS Secret name Kubernetes would reject', () => {
    expect(() => stack({ prometheus: { tlsSecretName: 'Prometheus_TLS' } })).toThrow(
      /'webSecurity.tlsSecretName' 'Prometheus_TLS' must be lower-case/,
    );
  });
});
