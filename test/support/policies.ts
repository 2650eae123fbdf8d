import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IConfigMap, IContainer, INamespace, IPodSpec } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';
import { type DistDocument, jsonPath, type KubeObject } from './dist';

/**
 * A small policy engine over rendered manifests, in the spirit of kube-linter, kube-score and
 * kubesec (none of which can be installed here): each rule is a typed value that looks at one
 * object (and, for the rules that need it, at the whole set: NetworkPolicies, Namespaces) and
 * returns its violations, each at a JSON path.
 */

export type RuleId =
  | 'run-as-non-root'
  | 'read-only-root-filesystem'
  | 'no-privilege-escalation'
  | 'no-privileged-container'
  | 'drop-all-capabilities'
  | 'seccomp-runtime-default'
  | 'resources-cpu-memory'
  | 'liveness-and-readiness-probes'
  | 'image-pinned'
  | 'no-default-service-account'
  | 'no-rbac-secret-read'
  | 'network-policy-selects-pod'
  | 'no-secret-literal'
  | 'pod-security-restricted'
  | 'no-host-network'
  | 'no-host-pid'
  | 'no-host-ipc'
  | 'no-host-path'
  | 'no-host-port';

/** One problem of one object. */
export interface Violation {
  readonly rule: RuleId;
  /** JSON path in the object, `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly message: string;
}

export interface PolicyRule {
  readonly id: RuleId;
  readonly description: string;
  /** The violations of `object`; `all` is every object of the set, for rules that look across objects. */
  check(object: KubeObject, all: readonly KubeObject[]): Violation[];
}

/** A violation found in a manifest, with the object it is about. */
export interface Finding extends Violation {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  /** The object's namespace; null for a cluster-scoped object (Namespace, ClusterRole). */
  readonly namespace: string | null;
}

type Path = readonly (string | number)[];

// ---------------------------------------------------------------------------------------------
// Where pods are

/** Where each kind that makes pods keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, Path>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** A pod spec inside an object, with the labels its pods get. */
interface PodAt {
  readonly spec: IPodSpec;
  readonly path: Path;
  readonly labels: Readonly<Record<string, string>>;
  readonly labelsPath: Path;
  /** Pods of a Job or CronJob run to completion: they are not probed. */
  readonly runsToCompletion: boolean;
}

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined,
    value,
  );
}

function asArray<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** The pod spec of an object that makes pods, or undefined for any other object. */
export function podOf(object: KubeObject): PodAt | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (!path) return undefined;
  const spec = get(object, path);
  if (typeof spec !== 'object' || spec === null) return undefined;
  const labelsPath = [...path.slice(0, -1), 'metadata', 'labels'];
  const labels = (get(object, labelsPath) ?? {}) as Record<string, string>;
  return {
    spec: spec as IPodSpec,
    path,
    labels,
    labelsPath,
    runsToCompletion: object.kind === 'Job' || object.kind === 'CronJob',
  };
}

interface ContainerAt {
  readonly container: IContainer;
  readonly path: Path;
  /** `container 'prometheus'` or `init container 'setup'`, as messages name it. */
  readonly label: string;
  readonly init: boolean;
}

function containersOf(pod: PodAt): ContainerAt[] {
  const list = (field: 'containers' | 'initContainers', init: boolean) =>
    asArray(pod.spec[field]).map((container, i) => ({
      container,
      path: [...pod.path, field, i],
      label: `${init ? 'init container' : 'container'} '${container.name}'`,
      init,
    }));
  return [...list('initContainers', true), ...list('containers', false)];
}

/** A rule about each container (and init container) of each pod. */
function containerRule(
  id: RuleId,
  description: string,
  check: (c: ContainerAt, pod: PodAt) => { path: Path; message: string }[],
): PolicyRule {
  return {
    id,
    description,
    check(object) {
      const pod = podOf(object);
      if (!pod) return [];
      return containersOf(pod).flatMap((c) =>
        check(c, pod).map((v) => ({ rule: id, path: jsonPath(v.path), message: v.message })),
      );
    },
  };
}

/** A rule about each pod spec. */
function podRule(
  id: RuleId,
  description: string,
  check: (pod: PodAt, object: KubeObject, all: readonly KubeObject[]) => { path: Path; message: string }[],
): PolicyRule {
  return {
    id,
    description,
    check(object, all) {
      const pod = podOf(object);
      if (!pod) return [];
      return check(pod, object, all).map((v) => ({ rule: id, path: jsonPath(v.path), message: v.message }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Container hardening

export const runAsNonRoot = containerRule(
  'run-as-non-root',
  'Every container runs as non-root: runAsNonRoot true at pod or container level, and no runAsUser 0.',
  ({ container, path, label }, pod) => {
    const sc = container.securityContext;
    const podSc = pod.spec.securityContext;
    const found: { path: Path; message: string }[] = [];
    const nonRoot = sc?.runAsNonRoot ?? podSc?.runAsNonRoot;
    if (nonRoot !== true) {
      const at =
        sc?.runAsNonRoot !== undefined
          ? [...path, 'securityContext', 'runAsNonRoot']
          : [...pod.path, 'securityContext', 'runAsNonRoot'];
      const state = nonRoot === undefined ? 'set at neither pod nor container level' : `${String(nonRoot)}`;
      found.push({ path: at, message: `${label} may run as root: runAsNonRoot is ${state}` });
    }
    const user = sc?.runAsUser ?? podSc?.runAsUser;
    if (user === 0) {
      const at =
        sc?.runAsUser !== undefined
          ? [...path, 'securityContext', 'runAsUser']
          : [...pod.path, 'securityContext', 'runAsUser'];
      found.push({ path: at, message: `${label} runs as root: runAsUser is 0` });
    }
    return found;
  },
);

export const readOnlyRootFilesystem = containerRule(
  'read-only-root-filesystem',
  'Every container has a read-only root filesystem.',
  ({ container, path, label }) =>
    container.securityContext?.readOnlyRootFilesystem === true
      ? []
      : [
          {
            path: [...path, 'securityContext', 'readOnlyRootFilesystem'],
            message: `${label} has a writable root filesystem: readOnlyRootFilesystem is not true`,
          },
        ],
);

export const noPrivilegeEscalation = containerRule(
  'no-privilege-escalation',
  'Every container sets allowPrivilegeEscalation false (it defaults to true).',
  ({ container, path, label }) =>
    container.securityContext?.allowPrivilegeEscalation === false
      ? []
      : [
          {
            path: [...path, 'securityContext', 'allowPrivilegeEscalation'],
            message: `${label} may escalate privileges: allowPrivilegeEscalation is not false`,
          },
        ],
);

export const noPrivilegedContainer = containerRule(
  'no-privileged-container',
  'No container is privileged.',
  ({ container, path, label }) =>
    container.securityContext?.privileged === true
      ? [{ path: [...path, 'securityContext', 'privileged'], message: `${label} is privileged` }]
      : [],
);

export const dropAllCapabilities = containerRule(
  'drop-all-capabilities',
  'Every container drops ALL capabilities and adds none.',
  ({ container, path, label }) => {
    const caps = container.securityContext?.capabilities;
    const at = [...path, 'securityContext', 'capabilities'];
    const found: { path: Path; message: string }[] = [];
    if (!asArray(caps?.drop).includes('ALL'))
      found.push({
        path: [...at, 'drop'],
        message: `${label} keeps capabilities: capabilities.drop does not hold ALL`,
      });
    const added = asArray(caps?.add);
    if (added.length > 0)
      found.push({ path: [...at, 'add'], message: `${label} adds capabilities ${added.join(', ')}` });
    return found;
  },
);

export const seccompRuntimeDefault = containerRule(
  'seccomp-runtime-default',
  "Every container runs under the runtime's default seccomp profile (RuntimeDefault at pod or container level).",
  ({ container, path, label }, pod) => {
    const own = container.securityContext?.seccompProfile?.type;
    const type = own ?? pod.spec.securityContext?.seccompProfile?.type;
    if (type === 'RuntimeDefault') return [];
    const at =
      own !== undefined
        ? [...path, 'securityContext', 'seccompProfile', 'type']
        : [...pod.path, 'securityContext', 'seccompProfile', 'type'];
    return [{ path: at, message: `${label} runs with seccomp profile ${type ?? '(none)'}, not RuntimeDefault` }];
  },
);

export const resourcesCpuMemory = containerRule(
  'resources-cpu-memory',
  'Every container requests and limits cpu and memory.',
  ({ container, path, label }) =>
    (['requests', 'limits'] as const).flatMap((kind) =>
      (['cpu', 'memory'] as const).flatMap((resource) =>
        container.resources?.[kind]?.[resource] === undefined
          ? [
              {
                path: [...path, 'resources', kind, resource],
                message: `${label} has no ${resource} ${kind === 'requests' ? 'request' : 'limit'}`,
              },
            ]
          : [],
      ),
    ),
);

export const livenessAndReadinessProbes = containerRule(
  'liveness-and-readiness-probes',
  'Every long-running container has a liveness and a readiness probe (init containers other than sidecars, and pods of Jobs, run to completion and are not probed).',
  ({ container, path, label, init }, pod) => {
    const sidecar = init && container.restartPolicy === 'Always';
    if (pod.runsToCompletion || (init && !sidecar)) return [];
    return (['livenessProbe', 'readinessProbe'] as const).flatMap((probe) =>
      container[probe] === undefined ? [{ path: [...path, probe], message: `${label} has no ${probe}` }] : [],
    );
  },
);

/** The tag and digest of an image reference; a registry port (`registry:5000/app`) is not a tag. */
export function imageReference(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  return { ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export const imagePinned = containerRule(
  'image-pinned',
  "Every image is pinned: by a digest, or by a tag other than 'latest' (an untagged image is 'latest').",
  ({ container, path, label }) => {
    const at = [...path, 'image'];
    if (!container.image) return [{ path: at, message: `${label} names no image` }];
    const { tag, digest } = imageReference(container.image);
    if (digest !== undefined) return [];
    if (tag === undefined)
      return [{ path: at, message: `${label} image '${container.image}' has no tag and no digest, so it is 'latest'` }];
    if (tag === 'latest')
      return [{ path: at, message: `${label} image '${container.image}' is tagged 'latest' without a digest` }];
    return [];
  },
);

// ---------------------------------------------------------------------------------------------
// Pods

export const noDefaultServiceAccount = podRule(
  'no-default-service-account',
  "Every pod runs under its own ServiceAccount: serviceAccountName is set and is not 'default'.",
  (pod) => {
    const account = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    return account === undefined || account === '' || account === 'default'
      ? [
          {
            path: [...pod.path, 'serviceAccountName'],
            message: `pods run under the namespace's default ServiceAccount (serviceAccountName is ${account ? `'${account}'` : 'not set'})`,
          },
        ]
      : [];
  },
);

function hostRule(id: RuleId, field: 'hostNetwork' | 'hostPID' | 'hostIPC', what: string): PolicyRule {
  return podRule(id, `No pod uses the node's ${what} (${field}).`, (pod) =>
    pod.spec[field] === true
      ? [{ path: [...pod.path, field], message: `pods share the node's ${what}: ${field} is true` }]
      : [],
  );
}

export const noHostNetwork = hostRule('no-host-network', 'hostNetwork', 'network namespace');
export const noHostPid = hostRule('no-host-pid', 'hostPID', 'process namespace');
export const noHostIpc = hostRule('no-host-ipc', 'hostIPC', 'IPC namespace');

export const noHostPath = podRule('no-host-path', 'No pod mounts a path of the node (hostPath volumes).', (pod) =>
  asArray(pod.spec.volumes).flatMap((volume, i) =>
    volume.hostPath
      ? [
          {
            path: [...pod.path, 'volumes', i, 'hostPath'],
            message: `volume '${volume.name}' mounts the node's path ${volume.hostPath.path}`,
          },
        ]
      : [],
  ),
);

export const noHostPort = containerRule(
  'no-host-port',
  'No container binds a port of the node (hostPort).',
  ({ container, path, label }) =>
    asArray(container.ports).flatMap((port, i) =>
      port.hostPort !== undefined && port.hostPort !== 0
        ? [{ path: [...path, 'ports', i, 'hostPort'], message: `${label} binds port ${port.hostPort} of the node` }]
        : [],
    ),
);

type LabelSelector = NonNullable<INetworkPolicy['spec']>['podSelector'];

/** Whether a label selector selects pods with these labels; an empty selector selects every pod. */
export function selects(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = asArray(selector.matchExpressions).every(({ key, operator, values }) => {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        return has && asArray(values).includes(labels[key]!);
      case 'NotIn':
        return !has || !asArray(values).includes(labels[key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
  return byLabels && byExpressions;
}

export const networkPolicySelectsPod = podRule(
  'network-policy-selects-pod',
  'Every pod is selected by a NetworkPolicy of its namespace (by podSelector; an empty podSelector selects all).',
  (pod, object, all) => {
    const namespace = object.metadata?.namespace ?? 'default';
    const policies = all.filter(
      (o) => o.kind === 'NetworkPolicy' && (o.metadata?.namespace ?? 'default') === namespace,
    ) as unknown as INetworkPolicy[];
    if (policies.some((p) => selects(p.spec?.podSelector, pod.labels))) return [];
    const labels = Object.entries(pod.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    return [
      {
        path: pod.labelsPath,
        message: `no NetworkPolicy in namespace '${namespace}' selects the pods (labels ${labels || 'none'}), so all traffic to and from them is allowed`,
      },
    ];
  },
);

// ---------------------------------------------------------------------------------------------
// RBAC

const READ_VERBS = ['get', 'list', 'watch', '*'];

export const noRbacSecretRead = {
  id: 'no-rbac-secret-read',
  description:
    "No Role or ClusterRole grants get, list, watch or '*' on secrets, or on '*' resources of the core API group.",
  check(object: KubeObject): Violation[] {
    if (object.kind !== 'Role' && object.kind !== 'ClusterRole') return [];
    const rules = asArray(object.rules as IPolicyRule[] | undefined);
    return rules.flatMap((rule, i) => {
      const coreGroup = asArray(rule.apiGroups).some((g) => g === '' || g === '*');
      const resource = asArray(rule.resources).find((r) => r === 'secrets' || r === '*');
      const verbs = asArray(rule.verbs).filter((v) => READ_VERBS.includes(v));
      if (!coreGroup || resource === undefined || verbs.length === 0) return [];
      return [
        {
          rule: 'no-rbac-secret-read' as const,
          path: jsonPath(['rules', i]),
          message: `rule grants ${verbs.join(', ')} on '${resource}' of the core API group, which reads Secrets`,
        },
      ];
    });
  },
} satisfies PolicyRule;

// ---------------------------------------------------------------------------------------------
// Secrets in plain sight

/** Words that make a key name a secret's (`smtp_auth_password`, `apiKey`, `client_secret`, `GITHUB_TOKEN`). */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
]);
/** `<word>_key` is a secret's key name for these words (`api_key`, `routing_key`, `private_key`). */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'secret',
  'private',
  'routing',
  'service',
  'integration',
  'auth',
  'signing',
  'encryption',
  'client',
  'license',
]);
/** A key ending in one of these words names where a secret is, not the secret (`password_file`, `secretName`, `token_url`, `GF_..._PASSWORD__FILE`). */
const REFERENCE_WORDS = new Set(['file', 'files', 'path', 'dir', 'ref', 'name', 'url', 'endpoint', 'type', 'env']);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Whether a key names a secret value itself (not a file, a name or a reference to one). */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0 || REFERENCE_WORDS.has(w[w.length - 1]!)) return false;
  return w.some((word, i) => SECRET_WORDS.has(word) || (word === 'key' && i > 0 && KEY_QUALIFIERS.has(w[i - 1]!)));
}

/**
 * A value that stands for a secret elsewhere, or for none: a file path, `${VAR}` (`${env:VAR}`),
 * `$(VAR)`, Grafana's `$__file{...}` and `$__env{...}`, an empty value or a boolean.
 */
function isReference(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^(\/|\.\.?\/|~\/)/.test(v) ||
    /^\$\{[^}]+\}$/.test(v) ||
    /^\$\([^)]+\)$/.test(v) ||
    /^\$__(file|env)\{[^}]+\}$/.test(v) ||
    /^(true|false|null|~)$/i.test(v)
  );
}

/** Shapes of well-known credentials, anywhere in a value. */
const SECRET_SHAPES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+/ },
  { what: 'a PEM private key', pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/ },
  { what: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: 'a GitHub token', pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
];

function secretShape(value: string): string | undefined {
  return SECRET_SHAPES.find((s) => s.pattern.test(value))?.what;
}

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return [...counts.values()].reduce((sum, n) => sum - (n / value.length) * Math.log2(n / value.length), 0);
}

/**
 * Whether a value looks like a random credential: 20 characters or more of a base64, base64url or
 * hex alphabet, with letters and digits, and at least 3.5 bits of entropy per character (English
 * words and Kubernetes names score lower; random base64 scores about 4.5, random hex about 3.8).
 */
export function looksRandom(value: string): boolean {
  return (
    value.length >= 20 &&
    /^[A-Za-z0-9+/=_-]+$/.test(value) &&
    /[0-9]/.test(value) &&
    /[A-Za-z]/.test(value) &&
    !isReference(value) &&
    entropy(value) >= 3.5
  );
}

interface Literal {
  /** Where the value is inside a ConfigMap file (`global.smtp_auth_password`), '' for the field itself. */
  readonly inner: string;
  readonly key: string;
  readonly value: string;
}

/** The key-value pairs of a configuration file: walked structurally when it is YAML or JSON, by lines otherwise (INI, .env). */
function literalsOf(text: string): Literal[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const found: Literal[] = [];
    const walk = (node: unknown, path: (string | number)[]) => {
      if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) walk(item, [...path, i]);
      } else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (typeof value === 'string' || typeof value === 'number')
            found.push({ inner: jsonPath([...path, key]), key, value: String(value) });
          else walk(value, [...path, key]);
        }
      }
    };
    walk(parsed, []);
    return found;
  }
  return text.split('\n').flatMap((line, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!m) return [];
    return [{ inner: `line ${i + 1}`, key: m[1]!, value: m[2]!.replace(/^(["'])(.*)\1$/, '$2') }];
  });
}

export const noSecretLiteral = {
  id: 'no-secret-literal',
  description:
    'No secret in plain sight in a ConfigMap or a container env: no literal under a secret-looking key (password, secret, token, api_key, ...: a file path, ${...} or $(...) is fine), no Slack webhook URL, PEM private key, AWS key id or token of a known shape, and no random-looking env value.',
  check(object: KubeObject): Violation[] {
    const found: Violation[] = [];
    const flag = (path: Path, message: string) =>
      found.push({ rule: 'no-secret-literal', path: jsonPath(path), message });
    if (object.kind === 'ConfigMap') {
      for (const [key, text] of Object.entries((object as unknown as IConfigMap).data ?? {})) {
        const at = ['data', key];
        if (isSecretKey(key) && !isReference(text)) flag(at, `ConfigMap key '${key}' holds a literal secret`);
        const shape = secretShape(text);
        if (shape) flag(at, `'${key}' holds ${shape}`);
        for (const literal of literalsOf(text)) {
          if (isSecretKey(literal.key) && !isReference(literal.value))
            flag(at, `'${key}' holds a literal secret at ${literal.inner}`);
        }
      }
    }
    const pod = podOf(object);
    if (pod) {
      for (const { container, path, label } of containersOf(pod)) {
        asArray(container.env).forEach((env, i) => {
          if (env.value === undefined) return; // valueFrom: secretKeyRef, fieldRef, ... are fine
          const at = [...path, 'env', i, 'value'];
          const shape = secretShape(env.value);
          if (shape) flag(at, `${label} env ${env.name} holds ${shape}`);
          else if (isSecretKey(env.name) && !isReference(env.value))
            flag(at, `${label} env ${env.name} holds a literal secret; use valueFrom.secretKeyRef or a file`);
          else if (looksRandom(env.value))
            flag(at, `${label} env ${env.name} holds a random-looking value, likely a credential`);
        });
      }
    }
    return found;
  },
} satisfies PolicyRule;

// ---------------------------------------------------------------------------------------------
// Pod Security admission

const PSS_LABELS = ['enforce', 'audit', 'warn'] as const;

export const podSecurityRestricted = {
  id: 'pod-security-restricted',
  description:
    "Every namespace enforces (and audits and warns at) the 'restricted' Pod Security Standard, and every pod runs in a namespace of the manifests, whose level is known.",
  check(object: KubeObject, all: readonly KubeObject[]): Violation[] {
    if (object.kind === 'Namespace') {
      const labels = (object as unknown as INamespace).metadata?.labels ?? {};
      return PSS_LABELS.flatMap((mode) => {
        const label = `pod-security.kubernetes.io/${mode}`;
        const level = labels[label];
        if (level === 'restricted' || (level === undefined && mode !== 'enforce')) return [];
        return [
          {
            rule: 'pod-security-restricted' as const,
            path: jsonPath(['metadata', 'labels', label]),
            message: `namespace ${mode}s Pod Security level '${level ?? '(none)'}', not 'restricted'`,
          },
        ];
      });
    }
    const pod = podOf(object);
    const namespace = object.metadata?.namespace ?? 'default';
    if (pod && !all.some((o) => o.kind === 'Namespace' && o.metadata?.name === namespace)) {
      return [
        {
          rule: 'pod-security-restricted',
          path: 'metadata.namespace',
          message: `pods run in namespace '${namespace}', which the manifests do not define, so its Pod Security level is unknown`,
        },
      ];
    }
    return [];
  },
} satisfies PolicyRule;

// ---------------------------------------------------------------------------------------------

/** Every rule, in the order reports list them. */
export const RULES: readonly PolicyRule[] = [
  runAsNonRoot,
  readOnlyRootFilesystem,
  noPrivilegeEscalation,
  noPrivilegedContainer,
  dropAllCapabilities,
  seccompRuntimeDefault,
  resourcesCpuMemory,
  livenessAndReadinessProbes,
  imagePinned,
  noDefaultServiceAccount,
  noHostNetwork,
  noHostPid,
  noHostIpc,
  noHostPath,
  noHostPort,
  noRbacSecretRead,
  networkPolicySelectsPod,
  noSecretLiteral,
  podSecurityRestricted,
];

/** Runs `rules` on every document; each rule sees every object of `docs` as the set. */
export function evaluate(docs: readonly DistDocument[], rules: readonly PolicyRule[] = RULES): Finding[] {
  const all = docs.map((d) => d.object);
  return docs.flatMap((doc) =>
    rules.flatMap((rule) =>
      rule.check(doc.object, all).map((v) => ({
        ...v,
        file: doc.file,
        kind: doc.object.kind,
        name: doc.object.metadata?.name ?? '(unnamed)',
        namespace: doc.object.metadata?.namespace ?? null,
      })),
    ),
  );
}

/** `dist/0004-hardware-exporter.k8s.yaml: DaemonSet/node-exporter: no-host-network: spec.template.spec.hostNetwork: pods share ...` */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.kind}/${f.name}: ${f.rule}: ${f.path}: ${f.message}`;
}

/** An accepted violation: one rule on one object, with the reason it is accepted. */
export interface AllowListEntry {
  /** The object's namespace; null for a cluster-scoped object (a Namespace). */
  readonly namespace: string | null;
  readonly kind: string;
  readonly name: string;
  readonly rule: RuleId;
  readonly reason: string;
}

function allows(entry: AllowListEntry, f: Finding): boolean {
  return entry.namespace === f.namespace && entry.kind === f.kind && entry.name === f.name && entry.rule === f.rule;
}

/** The findings no entry accepts, and the entries that accept no finding (stale exceptions). */
export function applyAllowList(
  findings: readonly Finding[],
  allowList: readonly AllowListEntry[],
): { violations: Finding[]; stale: AllowListEntry[] } {
  return {
    violations: findings.filter((f) => !allowList.some((e) => allows(e, f))),
    stale: allowList.filter((e) => !findings.some((f) => allows(e, f))),
  };
}
