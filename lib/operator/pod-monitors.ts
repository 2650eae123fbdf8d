import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { RelabelRule, ScrapeLimits } from '../prometheus';
import {
  PodMonitor,
  PodMonitorSpecFallbackScrapeProtocol,
  type PodMonitorSpecPodMetricsEndpoints,
  type PodMonitorSpecPodMetricsEndpointsRelabelings,
  type PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
} from './imports/monitoring.coreos.com';

/** One PodMonitor: pods by labels in some namespaces, scraped under a job name with the stack's relabelling and limits. */
export interface StackPodMonitorProps {
  readonly name: string;
  /** Labels of the PodMonitor: the recommended ones and those the operator's Prometheus selects by. */
  readonly labels: Readonly<Record<string, string>>;
  /** The `job` label, as the standalone job names it; the rules select it. */
  readonly job: string;
  /** Namespaces of the pods. @default - every namespace */
  readonly namespaces?: readonly string[];
  /** Labels of the pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The standalone job's relabelling, repeated after the operator's own. */
  readonly relabel: readonly RelabelRule[];
  readonly limits: ScrapeLimits;
  /** @default false */
  readonly honorLabels?: boolean;
}

/**
 * A PodMonitor that scrapes as the standalone job does: the operator's own relabelling first
 * (namespace, pod, container, `job` as `<namespace>/<name>`), then the stack's, which sets `job` back
 * to the standalone job's name, so the same rules and dashboards select it. The limits and the
 * fallback protocol are the standalone job's.
 */
export function stackPodMonitor(scope: Construct, id: string, props: StackPodMonitorProps): ApiObject {
  const endpoint: PodMonitorSpecPodMetricsEndpoints = {
    ...(props.honorLabels ? { honorLabels: true } : {}),
    relabelings: [
      ...props.relabel.map(operatorRelabel),
      { targetLabel: 'job', replacement: props.job } as PodMonitorSpecPodMetricsEndpointsRelabelings,
    ],
  };
  return new PodMonitor(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      namespaceSelector: props.namespaces ? { matchNames: [...props.namespaces] } : { any: true },
      selector: { matchLabels: { ...props.selector } },
      podMetricsEndpoints: [endpoint],
      sampleLimit: props.limits.sampleLimit,
      labelLimit: props.limits.labelLimit,
      fallbackScrapeProtocol: PodMonitorSpecFallbackScrapeProtocol.PROMETHEUS_TEXT0_0_4,
    },
  });
}

/** A relabelling step in the CRD's field names. */
function operatorRelabel(r: RelabelRule): PodMonitorSpecPodMetricsEndpointsRelabelings {
  return {
    ...(r.sourceLabels ? { sourceLabels: [...r.sourceLabels] } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel !== undefined ? { targetLabel: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action !== undefined ? { action: r.action as PodMonitorSpecPodMetricsEndpointsRelabelingsAction } : {}),
  };
}
