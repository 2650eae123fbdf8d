/** The stack every object belongs to, as `app.kubernetes.io/part-of` says. */
export const PART_OF = 'liquid-audio-nets-monitoring';

export interface ComponentLabels {
  /** The application, e.g. `prometheus`. */
  readonly name: string;
  /** Its role in the stack, e.g. `alert-rules`, `server`. */
  readonly component: string;
  /** The stack instance (one per cluster or environment). */
  readonly instance: string;
  /** The application's version, where there is one (the pinned image tag). @default - no version label */
  readonly version?: string;
}

/** Kubernetes' recommended `app.kubernetes.io/*` labels. */
export function recommendedLabels(props: ComponentLabels): Record<string, string> {
  return {
    'app.kubernetes.io/name': props.name,
    'app.kubernetes.io/instance': props.instance,
    ...(props.version ? { 'app.kubernetes.io/version': props.version } : {}),
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-`, `_` and `.` inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const LABEL_VALUE_MAX = 63;

/** Why `value` is not a Kubernetes label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX) return `must be at most ${LABEL_VALUE_MAX} characters, got ${value.length}`;
  if (!LABEL_VALUE.test(value))
    return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

type Json = { readonly [key: string]: unknown };

function field(object: unknown, ...path: string[]): Json | undefined {
  let node: unknown = object;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
  return typeof node === 'object' && node !== null ? (node as Json) : undefined;
}

/**
 * Fails on the first label value the API server would refuse, naming the object, the label and
 * the value: a long instance name or node selector stops the synth instead of `kubectl apply`.
 */
export function checkLabelValues(object: Json): void {
  const template = field(object, 'spec', 'template') !== undefined;
  const maps: ReadonlyArray<readonly [string, Json | undefined]> = [
    ['metadata.labels', field(object, 'metadata', 'labels')],
    ['spec.selector.matchLabels', field(object, 'spec', 'selector', 'matchLabels')],
    ['spec.template.metadata.labels', field(object, 'spec', 'template', 'metadata', 'labels')],
    template
      ? ['spec.template.spec.nodeSelector', field(object, 'spec', 'template', 'spec', 'nodeSelector')]
      : ['spec.nodeSelector', field(object, 'spec', 'nodeSelector')],
  ];
  for (const [path, labels] of maps) {
    for (const [key, value] of Object.entries(labels ?? {})) {
      const problem = typeof value === 'string' ? labelValueProblem(value) : 'must be a string';
      if (problem === undefined) continue;
      const meta = field(object, 'metadata') ?? {};
      const name = [meta.namespace, meta.name].filter(Boolean).join('/');
      throw new Error(`${String(object.kind)} '${name}': ${path} '${key}' value '${String(value)}' ${problem}`);
    }
  }
}
