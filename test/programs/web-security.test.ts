/**
 * Authentication and TLS, judged by the real programs: the web configurations the stack renders
 * (through the very command of their init containers) pass `promtool check web-config`; the pinned
 * Prometheus and Alertmanager serve them with a certificate made by openssl; Prometheus reaches
 * itself and Alertmanager with the client settings the stack renders; requests without
 * credentials, or over plain HTTP, are refused.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashSync } from 'bcryptjs';
import { Testing } from 'cdk8s';
import { DEFAULT_RECEIVER_SECRETS } from '../../alerts';
import { config } from '../../config';
import { DEFAULT_NAMESPACE, Duration, MonitoringStack } from '../../lib';
import { secretFilePath } from '../../lib/k8s/secret-ref';
import { HASH_PLACEHOLDER, WebServerSecurity } from '../../lib/k8s/web-security';
import { freePort, waitFor } from '../support/http';
import { byKind, chartById, type Manifest } from '../support/manifests';
import { run } from '../support/programs';
import { localCopy, type RunningPrometheus, startPrometheus } from '../support/prometheus-local';
import { httpGet, httpsGet, makeCertificates, type TestCertificates } from '../support/tls';

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), 'web-security-'));
const PASSWORDS = { prometheus: 'prometheus-test-password', alertmanager: 'alertmanager-test-password' };
const basicAuth = (component: 'prometheus' | 'alertmanager') => ({
  username: component,
  password: { secretName: `${component}-web-auth`, key: 'password' },
  passwordHash: { secretName: `${component}-web-auth`, key: 'password-hash' },
});
const security = {
  prometheus: { basicAuth: basicAuth('prometheus'), tlsSecretName: 'prometheus-tls' },
  alertmanager: { basicAuth: basicAuth('alertmanager'), tlsSecretName: 'alertmanager-tls' },
  grafanaTlsSecretName: 'grafana-tls',
};

/** Every path the manifests mount under /etc/<component>, moved under the test folder. */
const local = (text: string) =>
  text
    .split('/etc/prometheus')
    .join(join(dir, 'prometheus'))
    .split('/etc/alertmanager')
    .join(join(dir, 'alertmanager'));
const put = (path: string, content: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
};

let certs: TestCertificates;
let prometheus: RunningPrometheus | undefined;
let alertmanager: ChildProcess | undefined;
let promPort = 0;
let amPort = 0;
let promWebConfig = '';
let amWebConfig = '';

/** Runs an init container's command with its env, paths moved under the test folder. */
function runInitContainer(container: any): void {
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, local(e.value)]));
  mkdirSync(dirname(env.OUT), { recursive: true });
  const result = spawnSync(container.command[0], container.command.slice(1), {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`init container '${container.name}' failed: ${result.stderr}`);
}

beforeAll(async () => {
  const app = Testing.app();
  new MonitoringStack(app, 'stack', {
    ...config,
    evaluationInterval: Duration.seconds(1),
    prometheus: { scrapeInterval: Duration.seconds(1), scrapeTimeout: Duration.seconds(1) },
    security,
  });
  const synth = (chart: string) => Testing.synth(chartById(app.charts, chart)) as any[];
  const prom = synth('prometheus');
  const am = synth('alertmanager');
  const promPod = byKind(prom as Manifest[], 'StatefulSet')[0] as any;
  const amPod = byKind(am as Manifest[], 'StatefulSet')[0] as any;
  const promConfig = (byKind(prom as Manifest[], 'ConfigMap') as any[]).find(
    (c) => c.metadata.name === 'prometheus-config',
  ).data;
  const ruleFiles = (byKind(prom as Manifest[], 'ConfigMap') as any[]).find(
    (c) => c.metadata.name === 'prometheus-rules',
  ).data;
  const amConfig = (byKind(am as Manifest[], 'ConfigMap') as any[])[0].data;

  // What the Secrets would hold, where the pods mount them.
  certs = makeCertificates(join(dir, 'certs'), [
    `prometheus.${DEFAULT_NAMESPACE}.svc`,
    `alertmanager.${DEFAULT_NAMESPACE}.svc`,
  ]);
  for (const c of ['prometheus', 'alertmanager'] as const) {
    put(join(dir, c, 'web-tls', 'tls.crt'), readFileSync(certs.certFile, 'utf8'));
    put(join(dir, c, 'web-tls', 'tls.key'), readFileSync(certs.keyFile, 'utf8'));
    put(join(dir, c, 'web-auth', 'password-hash'), hashSync(PASSWORDS[c], 10));
  }
  put(join(dir, 'prometheus', 'clients', 'self', 'auth', 'password'), PASSWORDS.prometheus);
  put(join(dir, 'prometheus', 'clients', 'self', 'tls', 'ca.crt'), certs.ca);
  put(join(dir, 'prometheus', 'clients', 'alertmanager', 'auth', 'password'), PASSWORDS.alertmanager);
  put(join(dir, 'prometheus', 'clients', 'alertmanager', 'tls', 'ca.crt'), certs.ca);
  put(join(dir, 'prometheus', 'clients', 'grafana', 'tls', 'ca.crt'), certs.ca);
  put(join(dir, 'prometheus', 'web-template', 'web.yml'), local(promConfig['web.yml']));
  put(join(dir, 'alertmanager', 'web-template', 'web.yml'), local(amConfig['web.yml']));

  // The init containers' own command renders the web configurations from the hash files.
  runInitContainer(promPod.spec.template.spec.initContainers[0]);
  runInitContainer(amPod.spec.template.spec.initContainers[0]);
  promWebConfig = join(dir, 'prometheus', 'web', 'web.yml');
  amWebConfig = join(dir, 'alertmanager', 'web', 'web.yml');

  // Alertmanager, one peer, with the rendered configuration and web configuration.
  const secretsRoot = join(dir, 'am-secrets');
  for (const ref of Object.values(DEFAULT_RECEIVER_SECRETS))
    put(secretFilePath(secretsRoot, ref), 'http://127.0.0.1:9/unused');
  put(join(dir, 'alertmanager.yml'), amConfig['alertmanager.yml'].split('/etc/alertmanager/secrets').join(secretsRoot));
  amPort = await freePort();
  const amArgs = (amPod.spec.template.spec.containers[0].args as string[])
    .filter((a) => !a.startsWith('--cluster.'))
    .map((a) => {
      const [flag] = a.split('=');
      if (flag === '--config.file') return `${flag}=${join(dir, 'alertmanager.yml')}`;
      if (flag === '--storage.path') return `${flag}=${join(dir, 'am-data')}`;
      if (flag === '--web.listen-address') return `${flag}=127.0.0.1:${amPort}`;
      return local(a);
    });
  let amLog = '';
  alertmanager = spawn('alertmanager', [...amArgs, '--cluster.listen-address='], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alertmanager.stdout!.on('data', (d) => (amLog += d));
  alertmanager.stderr!.on('data', (d) => (amLog += d));
  alertmanager.on(
    'error',
    (e) =>
      (amLog += `could not run prometheus-alertmanager (${e.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`),
  );
  try {
    await waitFor('alertmanager over TLS', async () =>
      (
        await httpsGet(`https://127.0.0.1:${amPort}/-/ready`, certs.ca, {
          username: 'alertmanager',
          password: PASSWORDS.alertmanager,
        }).catch(() => ({ status: 0 }))
      ).status === 200
        ? true
        : undefined,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${amLog}`);
  }

  // Prometheus: its own job and Alertmanager reached over TLS with basic auth.
  promPort = await freePort();
  const rulesDir = join(dir, 'rules');
  for (const [file, text] of Object.entries(ruleFiles as Record<string, string>)) put(join(rulesDir, file), text);
  const copy = localCopy(promConfig['prometheus.yml'], {
    targets: {
      prometheus: [{ address: `127.0.0.1:${promPort}` }],
      alertmanager: [
        {
          address: `127.0.0.1:${amPort}`,
          meta: {
            __meta_kubernetes_pod_container_port_number: '9093',
            __meta_kubernetes_namespace: 'monitoring',
            __meta_kubernetes_pod_name: 'alertmanager-0',
          },
        },
      ],
    },
    alertmanagers: [`127.0.0.1:${amPort}`],
    rulesDir,
    secretsDir: join(dir, 'unused-secrets'),
  });
  put(join(dir, 'prometheus.yml'), local(copy));
  // Alertmanager discovery settles a few seconds after the first evaluation; resend within a second, not a minute.
  const args = [
    ...(promPod.spec.template.spec.containers[0].args as string[]).map(local),
    '--rules.alert.resend-delay=1s',
  ];
  prometheus = await startPrometheus(
    local(copy),
    args,
    { POD_NAME: 'prometheus-0' },
    promPort,
    async (port) =>
      (
        await httpsGet(`https://127.0.0.1:${port}/-/ready`, certs.ca, {
          username: 'prometheus',
          password: PASSWORDS.prometheus,
        }).catch(() => ({ status: 0 }))
      ).status === 200,
  );
});

afterAll(async () => {
  await prometheus?.stop();
  alertmanager?.kill('SIGTERM');
});

const auth = { username: 'prometheus', password: PASSWORDS.prometheus };

describe('the rendered web configurations', () => {
  test('the init container wrote the bcrypt hash from its Secret into the template', () => {
    const text = readFileSync(promWebConfig, 'utf8');
    expect(text).not.toContain(HASH_PLACEHOLDER);
    expect(text).toMatch(/prometheus: "\$2[aby]\$10\$/);
    expect(WebServerSecurity.RENDER_COMMAND).toContain(HASH_PLACEHOLDER);
  });

  test.each(['prometheus', 'alertmanager'])('promtool check web-config accepts the %s web configuration', (c) => {
    const result = run('promtool', ['check', 'web-config', c === 'prometheus' ? promWebConfig : amWebConfig], dir);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  test('promtool check config accepts the client settings (TLS, basic auth) in prometheus.yml', () => {
    const result = run('promtool', ['check', 'config', join(dir, 'prometheus.yml')], dir);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: .*prometheus.yml is valid/);
    expect(result.status).toBe(0);
  });
});

describe('Prometheus serving the web configuration', () => {
  test('a request without credentials gets 401', async () => {
    expect((await httpsGet(`https://127.0.0.1:${promPort}/api/v1/status/buildinfo`, certs.ca)).status).toBe(401);
  });

  test('a request with the wrong password gets 401', async () => {
    expect(
      (
        await httpsGet(`https://127.0.0.1:${promPort}/api/v1/status/buildinfo`, certs.ca, {
          ...auth,
          password: 'wrong',
        })
      ).status,
    ).toBe(401);
  });

  test('a request with the credentials gets 200', async () => {
    const answer = await httpsGet(`https://127.0.0.1:${promPort}/api/v1/status/buildinfo`, certs.ca, auth);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).status).toBe('success');
  });

  test('a plain-HTTP request to the TLS port fails', async () => {
    const answer = await httpGet(`http://127.0.0.1:${promPort}/api/v1/status/buildinfo`).catch((e: Error) => ({
      status: 0,
      body: e.message,
    }));
    expect(answer.status).not.toBe(200);
    expect([0, 400]).toContain(answer.status);
  });

  test('it scrapes itself and Alertmanager over TLS with basic auth, as the rendered clients say', async () => {
    const up = await waitFor('both targets up', async () => {
      const answer = await httpsGet(
        `https://127.0.0.1:${promPort}/api/v1/query?query=up%7Bjob%3D~%22prometheus%7Calertmanager%22%7D`,
        certs.ca,
        auth,
      );
      const result = JSON.parse(answer.body).data.result as Array<{ metric: { job: string }; value: [number, string] }>;
      return result.length === 2 && result.every((r) => r.value[1] === '1') ? result : undefined;
    });
    expect(up.map((r) => r.metric.job).sort()).toEqual(['alertmanager', 'prometheus']);
  });

  test('it delivers alerts to Alertmanager over TLS with basic auth: the Watchdog arrives', async () => {
    const alerts = await waitFor(
      'the Watchdog in Alertmanager',
      async () => {
        const answer = await httpsGet(`https://127.0.0.1:${amPort}/api/v2/alerts`, certs.ca, {
          username: 'alertmanager',
          password: PASSWORDS.alertmanager,
        });
        const list = JSON.parse(answer.body) as Array<{ labels: Record<string, string> }>;
        return list.some((a) => a.labels.alertname === 'Watchdog') ? list : undefined;
      },
      30_000,
    );
    const watchdog = alerts.find((a) => a.labels.alertname === 'Watchdog')!;
    expect(watchdog.labels).not.toHaveProperty('replica');
    expect((await httpsGet(`https://127.0.0.1:${amPort}/api/v2/alerts`, certs.ca)).status).toBe(401);
  });
});
