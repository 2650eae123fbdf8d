import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MetricCatalogue } from '../core';
import { checkDashboards, GRAFANA_DATASOURCES } from '../grafana';
import { checkedConfigMap } from '../k8s';

export interface OperatorDashboardsProps {
  /** Prefix of the ConfigMap names (`<prefix>-dashboard-<uid>`). */
  readonly namePrefix: string;
  /** Labels of every ConfigMap: the recommended ones and those Grafana's dashboard sidecar loads by. */
  readonly labels: Readonly<Record<string, string>>;
  readonly dashboards: readonly Dashboard[];
  /** The uids of the datasources the cluster's Grafana has. */
  readonly datasourceUids: { readonly prometheus: string; readonly alertmanager: string };
  readonly catalogue: MetricCatalogue;
}

/**
 * The dashboards as ConfigMaps for Grafana's dashboard sidecar, one per dashboard, each checked
 * as in standalone mode, with every datasource reference pointed at the cluster's datasources by uid.
 */
export function operatorDashboards(scope: Construct, props: OperatorDashboardsProps): ApiObject[] {
  const uids = props.datasourceUids;
  const refs = [
    { type: GRAFANA_DATASOURCES.prometheus.type, uid: uids.prometheus },
    { type: GRAFANA_DATASOURCES.alertmanager.type, uid: uids.alertmanager },
  ];
  const rewritten = props.dashboards.map((d) => withDatasources(d, uids));
  checkDashboards(rewritten, { datasources: refs, catalogue: props.catalogue });
  return rewritten.map((dashboard) => {
    const uid = dashboard.uid as string;
    return checkedConfigMap(scope, `Dashboard-${uid}`, {
      name: `${props.namePrefix}-dashboard-${uid}`,
      labels: props.labels,
      data: { [`${uid}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
    });
  });
}

/** A copy of `dashboard` whose datasource references use the cluster's uids. */
function withDatasources(dashboard: Dashboard, uids: OperatorDashboardsProps['datasourceUids']): Dashboard {
  const replacements = [
    { from: GRAFANA_DATASOURCES.prometheus, uid: uids.prometheus },
    { from: GRAFANA_DATASOURCES.alertmanager, uid: uids.alertmanager },
  ];
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(object)) out[key] = walk(v);
    const replacement = replacements.find((r) => object.type === r.from.type && object.uid === r.from.uid);
    if (replacement) out.uid = replacement.uid;
    return out;
  };
  return walk(JSON.parse(JSON.stringify(dashboard))) as Dashboard;
}
