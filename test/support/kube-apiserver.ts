import { type ChildProcess, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './http';
import { spawnProgram, stopProcess, whichProgram } from './processes';

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver at the pinned versions,
 * with the RBAC authorizer, the default admission plugins (PodSecurity and ServiceAccount among
 * them), a service-account key pair and a static token for an admin in `system:masters`. There
 * is no kubelet and no controller manager: objects are stored and pods admitted, never run.
 */
export interface ControlPlane {
  readonly server: string;
  readonly kubeconfig: string;
  /**
   * Starts kube-controller-manager with the workload controllers (Deployment, ReplicaSet,
   * StatefulSet, DaemonSet, ServiceAccount): they create pods through the same admission.
   */
  startControllers(): void;
  /** Runs kubectl against the control plane. */
  kubectl(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

function kubeconfig(server: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'loopback', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'loopback', context: { cluster: 'loopback', user: 'admin' } }],
    'current-context': 'loopback',
  });
}

function startEtcd(dir: string, client: number, peer: number): ChildProcess {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return spawnProgram(
    'etcd',
    [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url(client)}`,
      `--advertise-client-urls=${url(client)}`,
      `--listen-peer-urls=${url(peer)}`,
      `--initial-advertise-peer-urls=${url(peer)}`,
      `--initial-cluster=default=${url(peer)}`,
      '--log-level=error',
    ],
    { stdio: 'ignore' },
  );
}

function startApiServer(dir: string, etcdPort: number, port: number): ChildProcess {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  mkdirSync(join(dir, 'certs'));
  const child = spawnProgram(
    'kube-apiserver',
    [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--enable-admission-plugins=PodSecurity',
      // As clusters run it (kubeadm sets it): privileged pods are then Pod Security's to refuse.
      '--allow-privileged=true',
      '--v=0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log = (log + chunk).slice(-20_000);
  });
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`kube-apiserver exited ${code}:\n${log}\n`);
  });
  return child;
}

/** Starts etcd and kube-apiserver and waits until the API server is ready and RBAC is bootstrapped. */
export async function startControlPlane(): Promise<ControlPlane> {
  whichProgram('kubectl');
  const dir = mkdtempSync(join(tmpdir(), 'kube-'));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,system:masters\n`);
  const [etcdPort, etcdPeer, port] = [await freePort(), await freePort(), await freePort()];
  const etcd = startEtcd(dir, etcdPort, etcdPeer);
  const apiServer = startApiServer(dir, etcdPort, port);
  const server = `https://127.0.0.1:${port}`;
  const config = join(dir, 'kubeconfig');
  writeFileSync(config, kubeconfig(server, token));
  const kubectl = (args: readonly string[], input?: string) => {
    const result = spawnSync(whichProgram('kubectl'), [`--kubeconfig=${config}`, ...args], {
      encoding: 'utf8',
      input,
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  // Ready includes the RBAC bootstrap roles (poststarthook/rbac/bootstrap-roles).
  await waitFor(
    'kube-apiserver /readyz',
    async () => (kubectl(['get', '--raw=/readyz']).status === 0 ? true : undefined),
    90_000,
    500,
  );
  // The default ServiceAccount of a namespace comes from the controller manager, which does not run here.
  let controllers: ChildProcess | undefined;
  return {
    server,
    kubeconfig: config,
    kubectl,
    startControllers() {
      controllers ??= spawnProgram(
        'kube-controller-manager',
        [
          `--kubeconfig=${config}`,
          '--controllers=deployment,replicaset,statefulset,daemonset,serviceaccount',
          '--leader-elect=false',
          '--use-service-account-credentials=false',
          '--bind-address=127.0.0.1',
          '--secure-port=0',
          '--v=0',
        ],
        { stdio: 'ignore' },
      );
    },
    async stop() {
      if (controllers) await stopProcess(controllers);
      await stopProcess(apiServer);
      await stopProcess(etcd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
