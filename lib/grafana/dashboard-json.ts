import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { displayPath, readFolder, readText } from '../core';
import { recordDashboardOrigin } from './dashboard-checks';
import {
  GRAFANA_DATASOURCES,
  GRAFANA_UID_PATTERN,
  GRAFANA_UID_RULE,
  type GrafanaDatasourceRef,
} from './grafana-provisioning';

/**
 * Dashboards exported from Grafana's UI (Export > Save to file, with or without "Export for
 * sharing externally"), read from a folder. `__inputs` and `${DS_*}` resolve to the provisioned
 * datasources, the file's uid is kept (derived from the file name when it has none), and the
 * stack checks every panel, target and variable as it checks the typed dashboards, naming the file.
 */

export interface DashboardJsonOptions {
  /** The datasources the dashboards' `__inputs` resolve to, by plugin type. @default - the stack's GRAFANA_DATASOURCES */
  readonly datasources?: readonly GrafanaDatasourceRef[];
  /** Metric names outside the stack's catalogue that the dashboards' PromQL may select. @default - none */
  readonly allowMetrics?: readonly string[];
}

/** Every `*.json` file of `dir`, in name order, as a dashboard ready to provision. */
export function loadDashboardJson(dir: string, options: DashboardJsonOptions = {}): Dashboard[] {
  const folder = resolve(dir);
  const datasources = options.datasources ?? Object.values(GRAFANA_DATASOURCES);
  return readFolder(folder, 'dashboard files')
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      const path = join(folder, file);
      const source = displayPath(path);
      const dashboard = readDashboard(path, source, datasources);
      recordDashboardOrigin(dashboard, { source, allowMetrics: options.allowMetrics ?? [] });
      return dashboard;
    });
}

/** The keys of an external export that only Grafana's import screen reads. */
const EXPORT_ONLY = ['__inputs', '__elements', '__requires'];

function readDashboard(path: string, source: string, datasources: readonly GrafanaDatasourceRef[]): Dashboard {
  const what = `dashboard file '${source}'`;
  const fail = (message: string): never => {
    throw new Error(`${what}: ${message}`);
  };
  const text = readText(path, what);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON${jsonErrorAt(text, error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    fail(`must be a dashboard's JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
  // The API's `GET /api/dashboards/uid/<uid>` wraps the dashboard with its metadata.
  let json = parsed as Record<string, unknown>;
  if (isObject(json.dashboard) && isObject(json.meta)) json = json.dashboard;
  const elements = json.__elements;
  if ((isObject(elements) && Object.keys(elements).length > 0) || hasLibraryPanel(json.panels))
    fail(`uses library panels, which file provisioning cannot create; unlink them in Grafana and export again`);
  const inputs = resolveInputs(json.__inputs, datasources, fail);
  const variables = datasourceVariables(json, datasources);
  const resolved = substitute(json, inputs, variables) as Record<string, unknown>;
  const undeclared = /\$\{(DS_[A-Za-z0-9_]+)\}/.exec(JSON.stringify(resolved));
  if (undeclared) fail(`refers to '\${${undeclared[1]}}', which its '__inputs' do not declare`);
  for (const key of EXPORT_ONLY) delete resolved[key];
  resolved.uid = dashboardUid(resolved.uid, path, fail);
  return resolved as unknown as Dashboard;
}

/** What each `${NAME}` of `__inputs` becomes: a datasource reference, or a constant's value. */
type Inputs = ReadonlyMap<string, GrafanaDatasourceRef | string>;

function resolveInputs(
  value: unknown,
  datasources: readonly GrafanaDatasourceRef[],
  fail: (message: string) => never,
): Inputs {
  const inputs = new Map<string, GrafanaDatasourceRef | string>();
  if (value === undefined) return inputs;
  if (!Array.isArray(value)) fail(`'__inputs' must be a list, got ${JSON.stringify(value)}`);
  for (const [i, input] of (value as unknown[]).entries()) {
    if (!isObject(input) || typeof input.name !== 'string')
      fail(`'__inputs[${i}]' must be an object with a 'name', got ${JSON.stringify(input)}`);
    const { name, type, pluginId } = input as Record<string, unknown>;
    if (type === 'datasource') {
      const provisioned = datasources.find((d) => d.type === pluginId);
      if (!provisioned) {
        fail(
          `'__inputs' ${name} needs a '${pluginId}' datasource, which is not provisioned (provisioned: ${datasources.map((d) => `${d.uid} (${d.type})`).join(', ')})`,
        );
      }
      inputs.set(name as string, provisioned as GrafanaDatasourceRef);
    } else if (type === 'constant') {
      inputs.set(name as string, String((input as Record<string, unknown>).value ?? ''));
    } else {
      fail(`'__inputs' ${name} has type '${type}'; only 'datasource' and 'constant' inputs can be resolved`);
    }
  }
  return inputs;
}

/** Datasource variables (`type: datasource`) whose plugin is provisioned: `${name}` becomes its uid. */
function datasourceVariables(
  json: Record<string, unknown>,
  datasources: readonly GrafanaDatasourceRef[],
): ReadonlyMap<string, GrafanaDatasourceRef> {
  const out = new Map<string, GrafanaDatasourceRef>();
  const list = isObject(json.templating) && Array.isArray(json.templating.list) ? json.templating.list : [];
  for (const variable of list) {
    if (!isObject(variable) || variable.type !== 'datasource' || typeof variable.name !== 'string') continue;
    const provisioned = datasources.find((d) => d.type === variable.query);
    if (provisioned) out.set(variable.name, provisioned);
  }
  return out;
}

/** A copy of `value` with every `${INPUT}` replaced, and datasource references made `{ type, uid }`. */
function substitute(value: unknown, inputs: Inputs, variables: ReadonlyMap<string, GrafanaDatasourceRef>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
      const input = inputs.get(name);
      return input === undefined ? whole : typeof input === 'string' ? input : input.uid;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, inputs, variables));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === 'datasource' ? datasourceRef(v, inputs, variables) : substitute(v, inputs, variables);
  }
  return out;
}

/** A datasource reference by input or datasource variable, as the `{ type, uid }` of the provisioned one. */
function datasourceRef(value: unknown, inputs: Inputs, variables: ReadonlyMap<string, GrafanaDatasourceRef>): unknown {
  const named = typeof value === 'string' ? value : isObject(value) ? value.uid : undefined;
  const reference = typeof named === 'string' ? /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(named)?.[1] : undefined;
  const input = reference === undefined ? undefined : inputs.get(reference);
  const ref = typeof input === 'object' ? input : reference === undefined ? undefined : variables.get(reference);
  if (ref !== undefined) return { type: ref.type, uid: ref.uid };
  return substitute(value, inputs, variables);
}

/** The file's uid, checked; or, when it has none, one derived from the file name, stable across edits. */
function dashboardUid(uid: unknown, path: string, fail: (message: string) => never): string {
  if (uid !== undefined && uid !== null && uid !== '') {
    if (typeof uid !== 'string' || !GRAFANA_UID_PATTERN.test(uid)) {
      fail(
        `'uid' ${GRAFANA_UID_RULE}, got ${JSON.stringify(uid)}; change it in the file (links to the dashboard change with it) or remove it to have one derived from the file name`,
      );
    }
    return uid as string;
  }
  const slug = basename(path, '.json')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (GRAFANA_UID_PATTERN.test(slug)) return slug;
  const hash = createHash('sha256').update(basename(path)).digest('hex').slice(0, 8);
  return `${slug.slice(0, 31).replace(/-+$/, '') || 'dashboard'}-${hash}`;
}

function hasLibraryPanel(panels: unknown): boolean {
  return (
    Array.isArray(panels) &&
    panels.some((p) => isObject(p) && (p.libraryPanel !== undefined || hasLibraryPanel(p.panels)))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** ` at line L, column C: <reason>` of the first character JSON's grammar does not allow there. */
function jsonErrorAt(text: string, error: unknown): string {
  const offset = new JsonScanner(text).firstError();
  if (offset === undefined) return `: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const found = offset >= text.length ? 'the end of the file' : JSON.stringify(text[offset]);
  return ` at line ${line}, column ${column}: unexpected ${found}`;
}

/** Finds where JSON.parse gave up: Node's messages do not always say (a recursive descent over RFC 8259). */
class JsonScanner {
  private at = 0;

  public constructor(private readonly text: string) {}

  /** The offset of the first character that is not valid JSON there, or undefined when it all is. */
  public firstError(): number | undefined {
    try {
      this.value();
      this.space();
      return this.at < this.text.length ? this.at : undefined;
    } catch (offset) {
      return offset as number;
    }
  }

  private space(): void {
    while (/[ \t\n\r]/.test(this.text[this.at] ?? '')) this.at++;
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) throw this.at;
    this.at++;
  }

  private value(): void {
    this.space();
    const c = this.text[this.at];
    if (c === '{') {
      this.members('}', () => {
        this.string();
        this.expect(':');
        this.value();
      });
    } else if (c === '[') {
      this.members(']', () => this.value());
    } else if (c === '"') {
      this.string();
    } else {
      this.sticky(LITERAL);
    }
  }

  private members(close: string, member: () => void): void {
    this.at++;
    this.space();
    if (this.text[this.at] === close) {
      this.at++;
      return;
    }
    for (;;) {
      member();
      this.space();
      if (this.text[this.at] === close) {
        this.at++;
        return;
      }
      this.expect(',');
    }
  }

  private string(): void {
    this.space();
    if (this.text[this.at] !== '"') throw this.at;
    this.sticky(STRING);
  }

  /** Consumes what the sticky `pattern` matches at the current offset, or fails there. */
  private sticky(pattern: RegExp): void {
    pattern.lastIndex = this.at;
    if (!pattern.test(this.text)) throw this.at;
    this.at = pattern.lastIndex;
  }
}

const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids unescaped control characters in a string
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
