import { DIST_DIR, type KubeObject, loadDist } from '../support/dist';
import { waitFor } from '../support/http';
import { type ControlPlane, startControlPlane } from '../support/kube-apiserver';
import { stillRunning } from '../support/processes';

/**
 * A real kube-apiserver (the pinned Kubernetes version, RBAC and Pod Security admission on) judges
 * dist/: every object accepted with strict field validation, every pod template admitted under
 * its namespace's Pod Security level, and each ServiceAccount allowed what it needs and no more.
 * No kubelet runs, so pods are admitted, never started.
 */
jest.setTimeout(180_000);

let plane: ControlPlane;
const docs = loadDist();
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

beforeAll(async () => {
  plane = await startControlPlane();
});

afterAll(async () => {
  await plane?.stop();
  expect(stillRunning()).toEqual([]);
});

function kubectl(args: readonly string[], input?: string) {
  return plane.kubectl(args, input);
}

interface WorkloadSpec {
  template: { metadata?: { labels?: Record<string, string> }; spec: { volumes?: unknown[] } };
  volumeClaimTemplates?: Array<{ metadata: { name: string } }>;
}

/**
 * A Pod made of a workload's template, as its controller would create it: the StatefulSet
 * controller adds a volume per claim template, bound to the claim of the pod's ordinal.
 */
function podOf(workload: KubeObject, name = `${workload.metadata?.name}-admission`): KubeObject {
  const { template, volumeClaimTemplates = [] } = workload.spec as WorkloadSpec;
  const claims = volumeClaimTemplates.map((c) => ({
    name: c.metadata.name,
    persistentVolumeClaim: { claimName: `${c.metadata.name}-${workload.metadata?.name}-0` },
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: workload.metadata?.namespace, labels: template.metadata?.labels },
    spec: { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...claims] },
  };
}

const APPLY = ['apply', '--server-side', '--validate=strict', '--field-manager=liquid-audio-nets', '-f', DIST_DIR];

describe('kubectl apply --server-side --validate=strict -f dist/', () => {
  let firstApply: ReturnType<typeof kubectl>;

  beforeAll(() => {
    firstApply = kubectl(APPLY);
  });

  test('accepts every object', () => {
    expect(firstApply.stderr).toBe('');
    expect(firstApply.status).toBe(0);
    const applied = firstApply.stdout.trim().split('\n');
    expect(applied).toHaveLength(docs.length);
    for (const line of applied) expect(line).toMatch(/ serverside-applied$/);
  });

  test('stores every object as rendered: a server-side diff finds nothing, a second apply changes nothing', async () => {
    // The controller manager's one write to a claim (its pvc-protection finalizer) is not ours: wait for it.
    const claims = docs.filter((d) => d.object.kind === 'PersistentVolumeClaim').map((d) => d.object);
    for (const claim of claims) {
      const ref = ['-n', claim.metadata?.namespace ?? '', 'pvc', claim.metadata?.name ?? ''];
      await waitFor(`the pvc-protection finalizer on ${claim.metadata?.name}`, async () => {
        const finalizers = JSON.parse(kubectl(['get', ...ref, '-o', 'json']).stdout).metadata?.finalizers ?? [];
        return finalizers.includes('kubernetes.io/pvc-protection') ? true : undefined;
      });
    }
    // Exactly the objects of dist/, cluster-scoped ones included. Compared whole but for the
    // resourceVersion: the pinned API server bumps a PersistentVolumeClaim's on a no-op server-side
    // apply (it writes the identical object), and every other object's must stay as it was.
    const stored = () =>
      (JSON.parse(kubectl(['get', '-f', DIST_DIR, '-o', 'json']).stdout).items as KubeObject[]).map((o) => {
        const { resourceVersion, ...metadata } = o.metadata as Record<string, unknown>;
        return {
          object: { ...o, metadata },
          resourceVersion: o.kind === 'PersistentVolumeClaim' ? '-' : resourceVersion,
        };
      });
    const before = stored();
    expect(before).toHaveLength(docs.length);
    const diff = kubectl(['diff', '--server-side', '--field-manager=liquid-audio-nets', '-f', DIST_DIR]);
    expect(diff.stdout).toBe('');
    expect(diff.status).toBe(0);
    const second = kubectl(APPLY);
    expect(second.status).toBe(0);
    expect(stored()).toEqual(before);
  });

  test('refuses an unknown field, so strict validation can fail', () => {
    const configMap = docs.find((d) => d.object.kind === 'ConfigMap')?.object;
    const broken = { ...configMap, metadata: { ...configMap?.metadata, name: 'strict-check' }, dataa: { x: 'y' } };
    const result = kubectl(['apply', '--server-side', '--validate=strict', '-f', '-'], JSON.stringify(broken));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.dataa: field not declared in schema/);
  });
});

describe('Pod Security admission', () => {
  const workloads = docs.filter((d) => WORKLOADS.has(d.object.kind)).map((d) => d.object);

  test('the stack has workloads in a restricted namespace and in a privileged one', () => {
    const levels = docs
      .filter((d) => d.object.kind === 'Namespace')
      .map((d) => d.object.metadata?.labels?.['pod-security.kubernetes.io/enforce']);
    expect(levels).toEqual(expect.arrayContaining(['restricted', 'privileged']));
    expect(workloads.length).toBeGreaterThanOrEqual(5);
  });

  test.each(workloads.map((w) => [`${w.kind} ${w.metadata?.namespace}/${w.metadata?.name}`, w] as const))(
    'admits the pod of %s under its namespace level',
    (_name, workload) => {
      const result = kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], JSON.stringify(podOf(workload)));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );

  test('refuses a privileged pod in the restricted namespace', () => {
    const grafana = workloads.find((w) => w.metadata?.name === 'grafana');
    expect(grafana).toBeDefined();
    const pod = podOf(grafana as KubeObject, 'privileged-probe') as unknown as {
      spec: { containers: Array<Record<string, unknown>> };
    };
    pod.spec.containers[0].securityContext = { privileged: true };
    const result = kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted:latest": privileged/);
  });
});

describe('what each ServiceAccount may do on the API', () => {
  const accounts = docs
    .filter((d) => d.object.kind === 'ServiceAccount')
    .map((d) => `system:serviceaccount:${d.object.metadata?.namespace}:${d.object.metadata?.name}`);
  const canI = (as: string, verb: string, resource: string, namespace?: string) => {
    const scope = namespace ? ['-n', namespace] : ['--all-namespaces'];
    const result = kubectl(['auth', 'can-i', verb, resource, `--as=${as}`, ...scope]);
    return result.stdout.trim();
  };
  const prometheus = accounts.find((a) => a.endsWith(':prometheus')) as string;

  test('Prometheus may list and watch pods in every namespace, what pod discovery needs', () => {
    expect(prometheus).toBeDefined();
    for (const verb of ['get', 'list', 'watch']) expect(canI(prometheus, verb, 'pods')).toBe('yes');
  });

  test('Prometheus may do nothing on Secrets, nor change pods', () => {
    for (const verb of ['get', 'list', 'watch']) expect(canI(prometheus, verb, 'secrets')).toBe('no');
    for (const verb of ['create', 'delete', 'patch']) expect(canI(prometheus, verb, 'pods')).toBe('no');
    expect(canI(prometheus, 'list', 'configmaps')).toBe('no');
  });

  test('every other ServiceAccount may do nothing on the API', () => {
    const others = accounts.filter((a) => a !== prometheus);
    expect(others.length).toBeGreaterThanOrEqual(4);
    for (const account of others) {
      for (const [verb, resource] of [
        ['get', 'pods'],
        ['list', 'pods'],
        ['get', 'secrets'],
        ['list', 'configmaps'],
        ['create', 'pods'],
      ]) {
        expect(`${account} ${verb} ${resource}: ${canI(account, verb, resource)}`).toBe(
          `${account} ${verb} ${resource}: no`,
        );
      }
    }
  });
});

describe('the workload controllers create the pods through the same admission', () => {
  const owned = docs.filter((d) => ['Deployment', 'StatefulSet'].includes(d.object.kind)).map((d) => d.object);

  beforeAll(() => plane.startControllers());

  test('every StatefulSet and Deployment gets its first pod, with no creation refused', async () => {
    const pods = await waitFor(
      'a pod of every StatefulSet and Deployment',
      async () => {
        const list = JSON.parse(kubectl(['get', 'pods', '-A', '-o', 'json']).stdout) as {
          items: Array<{
            metadata: { namespace: string; name: string; ownerReferences?: Array<{ kind: string; name: string }> };
          }>;
        };
        const names = list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
        const covered = owned.every((w) =>
          names.some((n) => n.startsWith(`${w.metadata?.namespace}/${w.metadata?.name}-`)),
        );
        return covered ? names : undefined;
      },
      60_000,
      500,
    );
    expect(pods).toEqual(
      expect.arrayContaining([
        'liquid-audio-nets-monitoring/prometheus-0',
        'liquid-audio-nets-monitoring/alertmanager-0',
      ]),
    );
    const refused = kubectl(['get', 'events', '-A', '--field-selector=reason=FailedCreate', '-o', 'name']);
    expect(refused.stdout.trim()).toBe('');
  });
});
