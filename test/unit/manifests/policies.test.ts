import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { HARDWARE_EXPORTER_EXCEPTIONS } from '../../../lib/hardware/hardware-exporter';
import { byKind, type DistDocument, type KubeObject, loadDist } from '../../support/dist';
import {
  type AllowListEntry,
  applyAllowList,
  evaluate,
  type Finding,
  formatFinding,
  imageReference,
  looksRandom,
  networkPolicySelectsPod,
  type PolicyRule,
  RULES,
  type RuleId,
} from '../../support/policies';
import { synthSecuredStack } from '../../support/secured-stack';

// ---------------------------------------------------------------------------------------------
// The accepted exceptions, one by one

/** The hardware exporter's namespace: the only one that is not `restricted`. */
const HARDWARE_NAMESPACE = 'liquid-audio-nets-monitoring-hardware';
const EXPORTER_DAEMONSET = { namespace: HARDWARE_NAMESPACE, kind: 'DaemonSet', name: 'node-exporter' } as const;

/** The rule each documented exception of the hardware exporter breaks. */
const EXCEPTION_RULES: Readonly<Record<keyof typeof HARDWARE_EXPORTER_EXCEPTIONS, RuleId>> = {
  hostNetwork: 'no-host-network',
  hostPID: 'no-host-pid',
  hostPath: 'no-host-path',
  hostPort: 'no-host-port',
};

/**
 * Every violation dist/ may have, keyed by (namespace, kind, name, rule), with its reason. An
 * entry that no longer matches a violation fails the suite: remove it with the exception.
 */
const ALLOW_LIST: readonly AllowListEntry[] = [
  { ...EXPORTER_DAEMONSET, rule: 'no-host-network', reason: HARDWARE_EXPORTER_EXCEPTIONS.hostNetwork },
  { ...EXPORTER_DAEMONSET, rule: 'no-host-pid', reason: HARDWARE_EXPORTER_EXCEPTIONS.hostPID },
  { ...EXPORTER_DAEMONSET, rule: 'no-host-path', reason: HARDWARE_EXPORTER_EXCEPTIONS.hostPath },
  { ...EXPORTER_DAEMONSET, rule: 'no-host-port', reason: HARDWARE_EXPORTER_EXCEPTIONS.hostPort },
  {
    namespace: null,
    kind: 'Namespace',
    name: HARDWARE_NAMESPACE,
    rule: 'pod-security-restricted',
    reason:
      "the exporter's host network, PID namespace, host paths and host port are refused by the restricted and baseline levels, so its own namespace, and only it, is privileged",
  },
];

/** The findings of `rules` on dist/ that the allow-list does not accept, as messages. */
function distViolations(rules: readonly PolicyRule[]): string[] {
  return applyAllowList(evaluate(loadDist(), rules), ALLOW_LIST).violations.map(formatFinding);
}

describe('dist/ against the policies', () => {
  test.each(RULES.map((r) => [r.id, r] as const))('%s holds on every object in dist/', (_id, rule) => {
    expect(distViolations([rule])).toEqual([]);
  });

  test('every pod is selected by a NetworkPolicy', () => {
    expect(distViolations([networkPolicySelectsPod])).toEqual([]);
  });

  test('a stack with authentication, TLS and restricted egress on passes every policy too', () => {
    expect(
      applyAllowList(evaluate(loadDist(synthSecuredStack()), RULES), ALLOW_LIST).violations.map(formatFinding),
    ).toEqual([]);
  });

  test('dist/ has pods for the rules to look at', () => {
    const docs = loadDist();
    expect(['Deployment', 'StatefulSet', 'DaemonSet'].flatMap((kind) => byKind(docs, kind)).length).toBeGreaterThan(0);
  });

  test('no allow-list entry is stale: each still matches a violation in dist/', () => {
    expect(applyAllowList(evaluate(loadDist()), ALLOW_LIST).stale).toEqual([]);
  });

  test('the allow-list excepts the hardware exporter for HARDWARE_EXPORTER_EXCEPTIONS one by one, with their reasons', () => {
    const expected = (Object.keys(HARDWARE_EXPORTER_EXCEPTIONS) as (keyof typeof HARDWARE_EXPORTER_EXCEPTIONS)[]).map(
      (exception) => ({
        ...EXPORTER_DAEMONSET,
        rule: EXCEPTION_RULES[exception],
        reason: HARDWARE_EXPORTER_EXCEPTIONS[exception],
      }),
    );
    expect(ALLOW_LIST.filter((e) => e.kind === EXPORTER_DAEMONSET.kind && e.name === EXPORTER_DAEMONSET.name)).toEqual(
      expected,
    );
  });

  test('the allow-list excepts nothing outside the hardware exporter, and gives a reason for each entry', () => {
    const outside = ALLOW_LIST.filter((e) => (e.kind === 'Namespace' ? e.name : e.namespace) !== HARDWARE_NAMESPACE);
    expect(outside).toEqual([]);
    expect(ALLOW_LIST.filter((e) => e.reason.trim().length < 20)).toEqual([]);
  });

  test("only the hardware exporter's namespace is privileged; every other namespace enforces restricted", () => {
    const levels = Object.fromEntries(
      byKind(loadDist(), 'Namespace').map((d) => [
        d.object.metadata?.name,
        d.object.metadata?.labels?.['pod-security.kubernetes.io/enforce'],
      ]),
    );
    expect(levels[HARDWARE_NAMESPACE]).toBe('privileged');
    const others = Object.entries(levels).filter(([name]) => name !== HARDWARE_NAMESPACE);
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter(([, level]) => level !== 'restricted')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fixtures: a hardened Deployment in a restricted namespace with a NetworkPolicy, broken one way at a time

const LABELS = { 'app.kubernetes.io/name': 'web' };

function hardenedContainer(name: string): IContainer {
  return {
    name,
    image: 'example.org/web:1.2.3',
    env: [{ name: 'LOG_LEVEL', value: 'info' }],
    ports: [{ name: 'http', containerPort: 8080 }],
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
    securityContext: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    },
  };
}

/** The hardened Deployment, edited by `edit` (its pod spec and its one container). */
function web(edit: (pod: IPodSpec, container: IContainer) => void = () => {}, kind = 'Deployment'): KubeObject {
  const container = hardenedContainer('web');
  const pod: IPodSpec = {
    serviceAccountName: 'web',
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container],
  };
  edit(pod, container);
  return {
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name: 'web', namespace: 'apps' },
    spec: { selector: { matchLabels: LABELS }, template: { metadata: { labels: LABELS }, spec: pod } },
  };
}

function namespace(name: string, level = 'restricted'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } },
  };
}

function networkPolicy(podSelector: object, ns = 'apps'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: ns },
    spec: { podSelector, policyTypes: ['Ingress'] },
  };
}

function configMap(data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'apps' }, data };
}

function role(kind: 'Role' | 'ClusterRole', rules: object[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: 'reader', ...(kind === 'Role' ? { namespace: 'apps' } : {}) },
    rules,
  };
}

/** What every rule finds in the fixture objects, with the namespace and the NetworkPolicy around them unless given. */
function findingsOf(
  objects: readonly KubeObject[],
  surroundings: readonly KubeObject[] = [namespace('apps'), networkPolicy({ matchLabels: LABELS })],
): Finding[] {
  const docs: DistDocument[] = [...surroundings, ...objects].map((object, index) => ({
    file: 'fixture.k8s.yaml',
    index,
    object,
  }));
  return evaluate(docs);
}

const D = 'fixture.k8s.yaml: Deployment/web';
const POD = 'spec.template.spec';
const C = `${POD}.containers[0]`;

test('the hardened fixture passes every rule', () => {
  expect(
    findingsOf([
      web(),
      configMap({ 'app.yaml': 'log_level: info\n' }),
      role('ClusterRole', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]),
    ]),
  ).toEqual([]);
});

interface FailureCase {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  /** When the case is about the namespace or the NetworkPolicy around the objects. */
  readonly surroundings?: readonly KubeObject[];
  readonly expected: readonly string[];
}

/** For every rule, objects that break that rule alone, and the exact violations it must report. */
const FAILURES: Readonly<Record<RuleId, readonly [FailureCase, ...FailureCase[]]>> = {
  'run-as-non-root': [
    {
      name: 'flags a container running as root',
      objects: [web((_, c) => (c.securityContext!.runAsUser = 0))],
      expected: [`${D}: run-as-non-root: ${C}.securityContext.runAsUser: container 'web' runs as root: runAsUser is 0`],
    },
    {
      name: 'flags a pod that may run as root: runAsNonRoot at neither level',
      objects: [
        web((p, c) => {
          delete p.securityContext!.runAsNonRoot;
          delete c.securityContext!.runAsNonRoot;
        }),
      ],
      expected: [
        `${D}: run-as-non-root: ${POD}.securityContext.runAsNonRoot: container 'web' may run as root: runAsNonRoot is set at neither pod nor container level`,
      ],
    },
    {
      name: "flags a container whose runAsNonRoot false overrides the pod's true",
      objects: [web((_, c) => (c.securityContext!.runAsNonRoot = false))],
      expected: [
        `${D}: run-as-non-root: ${C}.securityContext.runAsNonRoot: container 'web' may run as root: runAsNonRoot is false`,
      ],
    },
    {
      name: 'flags an init container running as root',
      objects: [
        web((p) => {
          const init = hardenedContainer('setup');
          delete init.livenessProbe;
          delete init.readinessProbe;
          init.securityContext!.runAsUser = 0;
          p.initContainers = [init];
        }),
      ],
      expected: [
        `${D}: run-as-non-root: ${POD}.initContainers[0].securityContext.runAsUser: init container 'setup' runs as root: runAsUser is 0`,
      ],
    },
  ],
  'read-only-root-filesystem': [
    {
      name: 'flags a writable root filesystem',
      objects: [web((_, c) => (c.securityContext!.readOnlyRootFilesystem = false))],
      expected: [
        `${D}: read-only-root-filesystem: ${C}.securityContext.readOnlyRootFilesystem: container 'web' has a writable root filesystem: readOnlyRootFilesystem is not true`,
      ],
    },
  ],
  'no-privilege-escalation': [
    {
      name: 'flags a container that may escalate privileges (allowPrivilegeEscalation defaults to true)',
      objects: [web((_, c) => delete c.securityContext!.allowPrivilegeEscalation)],
      expected: [
        `${D}: no-privilege-escalation: ${C}.securityContext.allowPrivilegeEscalation: container 'web' may escalate privileges: allowPrivilegeEscalation is not false`,
      ],
    },
  ],
  'no-privileged-container': [
    {
      name: 'flags a privileged container',
      objects: [web((_, c) => (c.securityContext!.privileged = true))],
      expected: [`${D}: no-privileged-container: ${C}.securityContext.privileged: container 'web' is privileged`],
    },
  ],
  'drop-all-capabilities': [
    {
      name: 'flags a container that keeps capabilities',
      objects: [web((_, c) => (c.securityContext!.capabilities = { drop: ['NET_RAW'] }))],
      expected: [
        `${D}: drop-all-capabilities: ${C}.securityContext.capabilities.drop: container 'web' keeps capabilities: capabilities.drop does not hold ALL`,
      ],
    },
    {
      name: 'flags a container that adds a capability',
      objects: [web((_, c) => (c.securityContext!.capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] }))],
      expected: [
        `${D}: drop-all-capabilities: ${C}.securityContext.capabilities.add: container 'web' adds capabilities NET_ADMIN`,
      ],
    },
  ],
  'seccomp-runtime-default': [
    {
      name: 'flags a pod without a seccomp profile',
      objects: [web((p) => delete p.securityContext!.seccompProfile)],
      expected: [
        `${D}: seccomp-runtime-default: ${POD}.securityContext.seccompProfile.type: container 'web' runs with seccomp profile (none), not RuntimeDefault`,
      ],
    },
    {
      name: "flags a container whose Unconfined profile overrides the pod's RuntimeDefault",
      objects: [web((_, c) => (c.securityContext!.seccompProfile = { type: 'Unconfined' }))],
      expected: [
        `${D}: seccomp-runtime-default: ${C}.securityContext.seccompProfile.type: container 'web' runs with seccomp profile Unconfined, not RuntimeDefault`,
      ],
    },
  ],
  'resources-cpu-memory': [
    {
      name: 'flags a container without requests and without a memory limit',
      objects: [
        web((_, c) => {
          c.resources = { limits: { cpu: '1' } };
        }),
      ],
      expected: [
        `${D}: resources-cpu-memory: ${C}.resources.requests.cpu: container 'web' has no cpu request`,
        `${D}: resources-cpu-memory: ${C}.resources.requests.memory: container 'web' has no memory request`,
        `${D}: resources-cpu-memory: ${C}.resources.limits.memory: container 'web' has no memory limit`,
      ],
    },
  ],
  'liveness-and-readiness-probes': [
    {
      name: 'flags a container without a readiness probe',
      objects: [web((_, c) => delete c.readinessProbe)],
      expected: [`${D}: liveness-and-readiness-probes: ${C}.readinessProbe: container 'web' has no readinessProbe`],
    },
    {
      name: 'flags a sidecar init container (restartPolicy Always) without probes',
      objects: [
        web((p) => {
          const sidecar = hardenedContainer('proxy');
          delete sidecar.livenessProbe;
          sidecar.restartPolicy = 'Always';
          p.initContainers = [sidecar];
        }),
      ],
      expected: [
        `${D}: liveness-and-readiness-probes: ${POD}.initContainers[0].livenessProbe: init container 'proxy' has no livenessProbe`,
      ],
    },
  ],
  'image-pinned': [
    {
      name: "flags an image tagged 'latest'",
      objects: [web((_, c) => (c.image = 'example.org/web:latest'))],
      expected: [
        `${D}: image-pinned: ${C}.image: container 'web' image 'example.org/web:latest' is tagged 'latest' without a digest`,
      ],
    },
    {
      name: 'flags an untagged image, a registry port not taken for a tag',
      objects: [web((_, c) => (c.image = 'registry.example.org:5000/web'))],
      expected: [
        `${D}: image-pinned: ${C}.image: container 'web' image 'registry.example.org:5000/web' has no tag and no digest, so it is 'latest'`,
      ],
    },
  ],
  'no-default-service-account': [
    {
      name: "flags a pod under the namespace's default ServiceAccount",
      objects: [web((p) => (p.serviceAccountName = 'default'))],
      expected: [
        `${D}: no-default-service-account: ${POD}.serviceAccountName: pods run under the namespace's default ServiceAccount (serviceAccountName is 'default')`,
      ],
    },
    {
      name: 'flags a pod that names no ServiceAccount',
      objects: [web((p) => delete p.serviceAccountName)],
      expected: [
        `${D}: no-default-service-account: ${POD}.serviceAccountName: pods run under the namespace's default ServiceAccount (serviceAccountName is not set)`,
      ],
    },
  ],
  'no-rbac-secret-read': [
    {
      name: 'flags a ClusterRole that lists Secrets',
      objects: [
        role('ClusterRole', [
          { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
          { apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['list', 'create'] },
        ]),
      ],
      expected: [
        "fixture.k8s.yaml: ClusterRole/reader: no-rbac-secret-read: rules[1]: rule grants list on 'secrets' of the core API group, which reads Secrets",
      ],
    },
    {
      name: "flags a Role with '*' on '*' resources",
      objects: [role('Role', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])],
      expected: [
        "fixture.k8s.yaml: Role/reader: no-rbac-secret-read: rules[0]: rule grants * on '*' of the core API group, which reads Secrets",
      ],
    },
  ],
  'network-policy-selects-pod': [
    {
      name: 'flags a pod no NetworkPolicy selects',
      objects: [web()],
      surroundings: [namespace('apps'), networkPolicy({ matchLabels: { 'app.kubernetes.io/name': 'other' } })],
      expected: [
        `${D}: network-policy-selects-pod: spec.template.metadata.labels: no NetworkPolicy in namespace 'apps' selects the pods (labels app.kubernetes.io/name=web), so all traffic to and from them is allowed`,
      ],
    },
    {
      name: 'flags a pod selected only by a NetworkPolicy of another namespace',
      objects: [web()],
      surroundings: [namespace('apps'), networkPolicy({}, 'other')],
      expected: [
        `${D}: network-policy-selects-pod: spec.template.metadata.labels: no NetworkPolicy in namespace 'apps' selects the pods (labels app.kubernetes.io/name=web), so all traffic to and from them is allowed`,
      ],
    },
  ],
  'no-secret-literal': [
    {
      name: 'flags a literal password in a configuration file of a ConfigMap',
      objects: [
        configMap({ 'alertmanager.yml': 'global:\n  smtp_auth_username: alerts\n  smtp_auth_password: hunter2\n' }),
      ],
      expected: [
        'fixture.k8s.yaml: ConfigMap/web-config: no-secret-literal: data["alertmanager.yml"]: \'alertmanager.yml\' holds a literal secret at global.smtp_auth_password',
      ],
    },
    {
      name: 'flags a Slack webhook URL in a ConfigMap',
      objects: [
        configMap({
          'alertmanager.yml':
            'receivers:\n  - name: slack\n    slack_configs:\n      - api_url: https://hooks.slack.com/services/T0000/B0000/XXXXXXXX\n',
        }),
      ],
      expected: [
        'fixture.k8s.yaml: ConfigMap/web-config: no-secret-literal: data["alertmanager.yml"]: \'alertmanager.yml\' holds a Slack webhook URL',
      ],
    },
    {
      name: 'flags a PEM private key in a ConfigMap, and a literal under a secret-looking key of an INI file',
      objects: [
        configMap({
          'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
          'grafana.ini': '[security]\nadmin_password = s3cr3t!\n',
        }),
      ],
      expected: [
        'fixture.k8s.yaml: ConfigMap/web-config: no-secret-literal: data["tls.key"]: \'tls.key\' holds a PEM private key',
        'fixture.k8s.yaml: ConfigMap/web-config: no-secret-literal: data["grafana.ini"]: \'grafana.ini\' holds a literal secret at line 2',
      ],
    },
    {
      name: 'flags an AWS key id, a literal token and a random-looking value in a container env',
      objects: [
        web((_, c) =>
          c.env!.push(
            { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' },
            { name: 'API_TOKEN', value: 'letmein' },
            { name: 'UPSTREAM_AUTH', value: 'dGhpcyBpcyBhIHZlcnkgc2VjcmV0IHZhbHVlMTIz' },
          ),
        ),
      ],
      expected: [
        `${D}: no-secret-literal: ${C}.env[1].value: container 'web' env AWS_ACCESS_KEY_ID holds an AWS access key id`,
        `${D}: no-secret-literal: ${C}.env[2].value: container 'web' env API_TOKEN holds a literal secret; use valueFrom.secretKeyRef or a file`,
        `${D}: no-secret-literal: ${C}.env[3].value: container 'web' env UPSTREAM_AUTH holds a random-looking value, likely a credential`,
      ],
    },
  ],
  'pod-security-restricted': [
    {
      name: 'flags a namespace that enforces baseline',
      objects: [web()],
      surroundings: [namespace('apps', 'baseline'), networkPolicy({ matchLabels: LABELS })],
      expected: [
        `fixture.k8s.yaml: Namespace/apps: pod-security-restricted: metadata.labels["pod-security.kubernetes.io/enforce"]: namespace enforces Pod Security level 'baseline', not 'restricted'`,
      ],
    },
    {
      name: 'flags a pod in a namespace the manifests do not define',
      objects: [web()],
      surroundings: [networkPolicy({ matchLabels: LABELS })],
      expected: [
        `${D}: pod-security-restricted: metadata.namespace: pods run in namespace 'apps', which the manifests do not define, so its Pod Security level is unknown`,
      ],
    },
  ],
  'no-host-network': [
    {
      name: "flags a pod on the node's network",
      objects: [web((p) => (p.hostNetwork = true))],
      expected: [
        `${D}: no-host-network: ${POD}.hostNetwork: pods share the node's network namespace: hostNetwork is true`,
      ],
    },
  ],
  'no-host-pid': [
    {
      name: "flags a pod in the node's process namespace",
      objects: [web((p) => (p.hostPID = true))],
      expected: [`${D}: no-host-pid: ${POD}.hostPID: pods share the node's process namespace: hostPID is true`],
    },
  ],
  'no-host-ipc': [
    {
      name: "flags a pod in the node's IPC namespace",
      objects: [web((p) => (p.hostIPC = true))],
      expected: [`${D}: no-host-ipc: ${POD}.hostIPC: pods share the node's IPC namespace: hostIPC is true`],
    },
  ],
  'no-host-path': [
    {
      name: "flags a volume of the node's filesystem",
      objects: [
        web(
          (p) =>
            (p.volumes = [
              { name: 'data', emptyDir: {} },
              { name: 'logs', hostPath: { path: '/var/log' } },
            ]),
        ),
      ],
      expected: [`${D}: no-host-path: ${POD}.volumes[1].hostPath: volume 'logs' mounts the node's path /var/log`],
    },
  ],
  'no-host-port': [
    {
      name: 'flags a container binding a port of the node',
      objects: [web((_, c) => (c.ports![0]!.hostPort = 8080))],
      expected: [`${D}: no-host-port: ${C}.ports[0].hostPort: container 'web' binds port 8080 of the node`],
    },
  ],
};

describe('each rule flags a broken object, and only that rule does', () => {
  test('every rule has failure cases, and every case names a rule of the suite', () => {
    expect(Object.keys(FAILURES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const [rule, cases] of Object.entries(FAILURES) as [RuleId, readonly FailureCase[]][]) {
    describe(rule, () => {
      for (const c of cases) {
        test(c.name, () => {
          const found = c.surroundings ? findingsOf(c.objects, c.surroundings) : findingsOf(c.objects);
          expect([...new Set(found.map((f) => f.rule))]).toEqual([rule]);
          expect(found.map(formatFinding)).toEqual(c.expected);
        });
      }
    });
  }
});

describe('what the rules accept', () => {
  test('an empty podSelector selects every pod of its namespace; matchExpressions are honoured', () => {
    expect(findingsOf([web()], [namespace('apps'), networkPolicy({})])).toEqual([]);
    const byExpression = networkPolicy({
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'api'] }],
    });
    expect(findingsOf([web()], [namespace('apps'), byExpression])).toEqual([]);
    const excluding = networkPolicy({
      matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['web'] }],
    });
    expect(findingsOf([web()], [namespace('apps'), excluding]).map((f) => f.rule)).toEqual([
      'network-policy-selects-pod',
    ]);
  });

  test("probes are not asked of a Job's pods, nor of init containers that run to completion", () => {
    const job = web((p, c) => {
      delete c.livenessProbe;
      delete c.readinessProbe;
      const init = hardenedContainer('migrate');
      delete init.livenessProbe;
      delete init.readinessProbe;
      p.initContainers = [init];
    }, 'Job');
    expect(findingsOf([job])).toEqual([]);
  });

  test('pinned images: by tag, by digest, by a digest behind a latest tag; a registry port is not a tag', () => {
    const pinned = [
      'example.org/web:1.2.3',
      'example.org/web@sha256:0123abcd',
      'example.org/web:latest@sha256:0123abcd',
      'registry.example.org:5000/web:2.0',
    ];
    expect(pinned.flatMap((image) => findingsOf([web((_, c) => (c.image = image))]))).toEqual([]);
    expect(imageReference('registry.example.org:5000/team/web:2.0@sha256:ab')).toEqual({
      tag: '2.0',
      digest: 'sha256:ab',
    });
  });

  test('secrets by reference are fine: files, ${...} and $(...) references, __FILE variables, secretKeyRef, Secret names', () => {
    const config = configMap({
      'prometheus.yml':
        'remote_write:\n  - url: https://mimir.example.org/api/v1/push\n    basic_auth:\n      username: prom\n      password_file: /etc/prometheus/secrets/remote/password\n    authorization:\n      credentials_file: /etc/prometheus/secrets/token\n',
      'collector.yaml': 'extensions:\n  bearertokenauth:\n    token: ${env:OTLP_TOKEN}\n',
      'grafana.ini':
        '[security]\nadmin_password = $__file{/etc/grafana/secrets/admin-password}\nsecret_key_name = grafana\n',
      'alertmanager.yml':
        'global:\n  slack_api_url_file: /etc/alertmanager/secrets/slack\n  smtp_auth_password_file: /etc/alertmanager/secrets/smtp\n',
    });
    const deployment = web((p, c) => {
      c.env!.push(
        { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: '/etc/grafana/secrets/admin-password' },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'TOKEN', value: '$(MOUNTED_TOKEN)' },
        { name: 'SECRET_NAME', value: 'web-credentials' },
        { name: 'GOMEMLIMIT', value: '409MiB' },
        { name: 'CONFIG_HASH', value: 'd271133185a37ee4' },
      );
      p.volumes = [{ name: 'secrets', secret: { secretName: 'web-credentials' } }];
    });
    expect(findingsOf([config, deployment]).map(formatFinding)).toEqual([]);
  });

  test('random-looking values: random base64 and hex are, words, names, paths and short hashes are not', () => {
    expect(looksRandom('dGhpcyBpcyBhIHZlcnkgc2VjcmV0IHZhbHVlMTIz')).toBe(true);
    expect(looksRandom('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b')).toBe(true);
    for (const plain of [
      'liquid-audio-nets-monitoring',
      'd271133185a37ee4',
      '/etc/prometheus/config/prometheus.yml',
      'UnderscoreEscapingWithoutSuffixes',
    ]) {
      expect(looksRandom(plain)).toBe(false);
    }
  });

  test("RBAC that reads pods, creates Secrets, or has '*' in a group without Secrets is fine", () => {
    const fine = role('ClusterRole', [
      { apiGroups: [''], resources: ['pods', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] },
    ]);
    expect(findingsOf([fine])).toEqual([]);
  });
});
