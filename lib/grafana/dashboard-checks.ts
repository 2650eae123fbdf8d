import type { Dashboard, GridPos, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Metric, MetricCatalogue } from '../core';
import { analysePromQL, Units } from '../core';
import { GRAFANA_UID_PATTERN, GRAFANA_UID_RULE, type GrafanaDatasourceRef } from './grafana-provisioning';

/**
 * Cross-reference checks on dashboards, run at synth: what Grafana would only show as an empty
 * panel or a dashboard that fails to load. Each failure is one sentence naming dashboard and panel.
 */

export interface DashboardCheckContext {
  /** The datasources Grafana is provisioned with; every panel, target and variable must use one. */
  readonly datasources: readonly GrafanaDatasourceRef[];
  /** Metrics PromQL may select: the service contract, Prometheus' own series and recording rules' outputs. */
  readonly catalogue: MetricCatalogue;
}

/** The width of Grafana's dashboard grid. */
export const GRID_COLUMNS = 24;

/**
 * Grafana's range variables, replaced by a duration before parsing: `rate(x[$__rate_interval])`
 * is valid PromQL once Grafana has expanded it.
 */
const RANGE_VARIABLES = /\$(?:__(?:rate_interval|interval|range)\b|\{__(?:rate_interval|interval|range)\})/g;

/** Where a dashboard read from a file came from, and the metrics its file may select beyond the catalogue. */
export interface DashboardOrigin {
  /** The file, as errors name it. */
  readonly source: string;
  /** Metric names outside the stack's catalogue its PromQL may select. */
  readonly allowMetrics: readonly string[];
}

/** The origin of each dashboard read from a file: the dashboard itself stays Grafana's plain JSON. */
const ORIGINS = new WeakMap<Dashboard, DashboardOrigin>();

/** Records that `dashboard` was read from a file: its checks name the file and allow its metrics. */
export function recordDashboardOrigin(dashboard: Dashboard, origin: DashboardOrigin): void {
  ORIGINS.set(dashboard, Object.freeze({ ...origin, allowMetrics: [...origin.allowMetrics] }));
}

/** `dashboard file '<file>': ` for a dashboard read from a file, else nothing: the start of its errors. */
export function dashboardErrorPrefix(dashboard: Dashboard): string {
  const origin = ORIGINS.get(dashboard);
  return origin ? `dashboard file '${origin.source}': ` : '';
}

/** Fails with one sentence on the first problem found in `dashboards`. */
export function checkDashboards(dashboards: readonly Dashboard[], context: DashboardCheckContext): void {
  const byUid = new Map<string, Dashboard>();
  const byTitle = new Map<string, Dashboard>();
  for (const d of dashboards) {
    const prefix = dashboardErrorPrefix(d);
    try {
      checkDashboard(d, withAllowed(context, ORIGINS.get(d)?.allowMetrics ?? []));
    } catch (error) {
      throw new Error(`${prefix}${error instanceof Error ? error.message : String(error)}`);
    }
    const uid = d.uid as string;
    const sameUid = byUid.get(uid);
    if (sameUid) {
      throw new Error(
        `${prefix || dashboardErrorPrefix(sameUid)}dashboard '${uid}': 'uid' is used by dashboards '${sameUid.title}' and '${d.title}'; dashboard uids must be unique`,
      );
    }
    byUid.set(uid, d);
    const title = d.title as string;
    const sameTitle = byTitle.get(title);
    if (sameTitle) {
      throw new Error(
        `${prefix || dashboardErrorPrefix(sameTitle)}dashboard '${uid}': 'title' '${title}' is also the title of dashboard '${sameTitle.uid}'; titles must be unique within the folder`,
      );
    }
    byTitle.set(title, d);
  }
}

/** The context with `allowed` metric names added to its catalogue. */
function withAllowed(context: DashboardCheckContext, allowed: readonly string[]): DashboardCheckContext {
  const extra = allowed
    .filter((name, i) => !context.catalogue.has(name) && allowed.indexOf(name) === i)
    .map((name): Metric => ({ name, type: 'gauge', unit: Units.count, help: 'Allowed for a dashboard file.' }));
  return extra.length === 0 ? context : { ...context, catalogue: context.catalogue.with(...extra) };
}

/** Fails with one sentence on the first problem found in one dashboard. */
export function checkDashboard(dashboard: Dashboard, context: DashboardCheckContext): void {
  const where = checkIdentity(dashboard);
  const refs = new ReferenceChecks(context);
  for (const variable of dashboard.templating?.list ?? []) checkVariable(where, variable, refs);
  const panels = allPanels(dashboard);
  checkPanels(where, panels, refs);
  checkOverlaps(where, panels);
}

/** A valid uid and a title; returns how failures name the dashboard. */
function checkIdentity(dashboard: Dashboard): string {
  const uid = dashboard.uid;
  if (typeof uid !== 'string' || !GRAFANA_UID_PATTERN.test(uid)) {
    const name = typeof uid === 'string' ? `dashboard '${uid}'` : `dashboard titled '${dashboard.title}'`;
    throw new Error(`${name}: 'uid' ${GRAFANA_UID_RULE}, got ${JSON.stringify(uid)}`);
  }
  const where = `dashboard '${uid}'`;
  if (typeof dashboard.title !== 'string' || dashboard.title.trim() === '') {
    throw new Error(`${where}: 'title' must not be empty`);
  }
  return where;
}

/** What panels, targets and variables refer to: provisioned datasources, and metrics in the catalogue. */
class ReferenceChecks {
  private readonly datasources: ReadonlyMap<string, GrafanaDatasourceRef>;
  private readonly known: string;

  public constructor(private readonly context: DashboardCheckContext) {
    this.datasources = new Map(context.datasources.map((d) => [d.uid, d]));
    this.known = [...this.datasources.keys()].join(', ');
  }

  /** The provisioned datasource `ref` names. */
  public datasource(subject: string, ref: { type?: string; uid?: string } | undefined): GrafanaDatasourceRef {
    if (ref === undefined || typeof ref.uid !== 'string') {
      throw new Error(`${subject} has no datasource uid; set one of the provisioned datasources (${this.known})`);
    }
    const provisioned = this.datasources.get(ref.uid);
    if (!provisioned)
      throw new Error(
        `${subject} uses datasource uid '${ref.uid}', which is not a provisioned datasource (provisioned: ${this.known})`,
      );
    if (ref.type !== undefined && ref.type !== provisioned.type) {
      throw new Error(
        `${subject} names datasource '${ref.uid}' with type '${ref.type}', but it is provisioned as '${provisioned.type}'`,
      );
    }
    return provisioned;
  }

  /** Valid PromQL, once Grafana has expanded its range variables, selecting only catalogued metrics. */
  public promQL(subject: string, expr: unknown): void {
    if (typeof expr !== 'string' || expr.trim() === '') throw new Error(`${subject} has no PromQL expression ('expr')`);
    const analysis = analysePromQL(expr.replace(RANGE_VARIABLES, '5m'));
    if (analysis.syntaxError !== undefined)
      throw new Error(`${subject} is not valid PromQL (${analysis.syntaxError}): ${expr}`);
    for (const metric of analysis.metricNames) {
      if (!this.context.catalogue.has(metric))
        throw new Error(`${subject} selects metric '${metric}', which is not in the metric catalogue`);
    }
  }
}

/** Panel by panel: a unique id, a place on the grid, then its targets. */
function checkPanels(where: string, panels: readonly (Panel | RowPanel)[], refs: ReferenceChecks): void {
  const ids = new Map<number, string>();
  for (const panel of panels) {
    const title = panel.title ?? '';
    if (typeof panel.id !== 'number' || !Number.isInteger(panel.id) || panel.id < 1) {
      throw new Error(
        `${where}: panel '${title}' has no 'id'; every panel needs a whole number id of at least 1, got ${JSON.stringify(panel.id)}`,
      );
    }
    const subject = `${where}: panel '${title}' (id ${panel.id})`;
    const other = ids.get(panel.id);
    if (other !== undefined)
      throw new Error(
        `${subject}: 'id' ${panel.id} is also the id of panel '${other}'; panel ids must be unique within a dashboard`,
      );
    ids.set(panel.id, title);
    checkGridPos(subject, panel.gridPos);
    if (panel.type !== 'row') checkTargets(subject, panel as Panel, refs);
  }
}

/** Unique refIds, and each target's datasource (the panel's by default) and PromQL. */
function checkTargets(subject: string, panel: Panel, refs: ReferenceChecks): void {
  const targets = (panel.targets ?? []) as unknown as Target[];
  if (targets.length === 0) return;
  const panelSource = refs.datasource(subject, panel.datasource);
  const refIds = new Set<string>();
  targets.forEach((target, index) => {
    const refId = target.refId;
    if (typeof refId !== 'string' || refId === '') throw new Error(`${subject}: target ${index + 1} has no 'refId'`);
    if (refIds.has(refId))
      throw new Error(`${subject}: target ${refId} is defined twice; refIds must be unique within a panel`);
    refIds.add(refId);
    const targetSubject = `${subject}: target ${refId}`;
    const source = target.datasource === undefined ? panelSource : refs.datasource(targetSubject, target.datasource);
    if (source.type === 'prometheus') refs.promQL(targetSubject, target.expr);
  });
}

/** No two panels (already checked to have an id and a place) share a cell of the grid. */
function checkOverlaps(where: string, panels: readonly (Panel | RowPanel)[]): void {
  const placed = panels.map((p) => ({ title: p.title ?? '', id: p.id as number, pos: p.gridPos as GridPos }));
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      const [a, b] = [placed[i], placed[j]];
      if (overlaps(a.pos, b.pos)) {
        throw new Error(
          `${where}: panel '${a.title}' (id ${a.id}) at ${describe(a.pos)} overlaps panel '${b.title}' (id ${b.id}) at ${describe(b.pos)}`,
        );
      }
    }
  }
}

/** A query target as dashboards store it: a datasource-specific object with these common fields. */
interface Target {
  readonly refId?: string;
  readonly datasource?: { type?: string; uid?: string };
  readonly expr?: unknown;
}

/** Every panel of a dashboard, the panels inside rows included (rows too: they take a line of the grid). */
function allPanels(dashboard: Dashboard): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  for (const p of dashboard.panels ?? []) {
    out.push(p);
    if (p.type === 'row') out.push(...((p as RowPanel).panels ?? []));
  }
  return out;
}

function checkGridPos(subject: string, pos: GridPos | undefined): void {
  if (pos === undefined)
    throw new Error(`${subject} has no 'gridPos'; every panel needs a place on the ${GRID_COLUMNS}-column grid`);
  for (const field of ['x', 'y', 'w', 'h'] as const) {
    if (!Number.isInteger(pos[field]) || pos[field] < 0)
      throw new Error(`${subject}: 'gridPos.${field}' must be a whole number of at least 0, got ${pos[field]}`);
  }
  if (pos.w < 1 || pos.h < 1)
    throw new Error(`${subject}: 'gridPos' must be at least 1 wide and 1 high, got ${describe(pos)}`);
  if (pos.x + pos.w > GRID_COLUMNS) {
    throw new Error(
      `${subject}: 'gridPos' ${describe(pos)} ends at column ${pos.x + pos.w}, beyond the ${GRID_COLUMNS} columns of the grid`,
    );
  }
}

function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function describe(pos: GridPos): string {
  return `x=${pos.x},y=${pos.y},w=${pos.w},h=${pos.h}`;
}

/** Grafana's Prometheus variable functions: `label_values(selector, label)`, `label_values(label)`, `query_result(expr)`, `label_names()`. */
const LABEL_VALUES = /^\s*label_values\(\s*(?:(.*),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s;
const QUERY_RESULT = /^\s*query_result\((.*)\)\s*$/s;
const LABEL_NAMES = /^\s*label_names\(\s*\)\s*$/;

function checkVariable(where: string, variable: VariableModel, refs: ReferenceChecks): void {
  const subject = `${where}: variable '${variable.name}'`;
  if (variable.type !== 'query') return;
  const source = refs.datasource(subject, variable.datasource);
  if (source.type !== 'prometheus') return;
  const query =
    typeof variable.query === 'string' ? variable.query : (variable.query as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string') throw new Error(`${subject} has no query`);
  const labelValues = LABEL_VALUES.exec(query);
  if (labelValues) {
    if (labelValues[1] !== undefined) refs.promQL(`${subject} (label_values)`, labelValues[1]);
    return;
  }
  const result = QUERY_RESULT.exec(query);
  if (result) {
    refs.promQL(`${subject} (query_result)`, result[1]);
    return;
  }
  if (LABEL_NAMES.test(query)) return;
  throw new Error(
    `${subject}: query '${query}' is not one of label_values(selector, label), label_values(label), query_result(expr) or label_names()`,
  );
}
