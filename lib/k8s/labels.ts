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
