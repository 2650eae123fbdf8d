import type { Chart } from 'cdk8s';

/** A synthesized object, as cdk8s' Testing.synth returns it. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

export function byKind(manifests: readonly Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The charts of an app, by id. */
export function chartById(charts: readonly Chart[], id: string): Chart {
  const chart = charts.find((c) => c.node.id === id);
  if (!chart) throw new Error(`no chart '${id}' among ${charts.map((c) => c.node.id).join(', ')}`);
  return chart;
}

/** The container securityContext the `restricted` Pod Security Standard asks for, as the constructs must render it. */
export const RESTRICTED_CONTAINER_SECURITY = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/** The seed alerts and their severities, as the service's monitoring description states them: the rules must agree. */
export const SEED_SEVERITIES = {
  DeviceOffline: 'critical',
  LowThroughput: 'critical',
  LowModelAccuracy: 'critical',
  HighInferenceLatency: 'warning',
  HighPowerConsumption: 'warning',
  HighMemoryUsage: 'warning',
  ModelAccuracyDegrading: 'warning',
} as const;
