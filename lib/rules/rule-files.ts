import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import {
  DEFAULT_CATALOGUE,
  DEFAULT_EVALUATION_INTERVAL,
  Duration,
  displayPath,
  labelNameProblem,
  type Metric,
  type MetricCatalogue,
  readFolder,
  readText,
  Units,
} from '../core';
import { AlertRule, SEVERITIES, type Severity } from './alert-rule';
import { AlertText, goTemplateProblem } from './alert-text';
import { RecordingRule } from './recording-rule';
import { RuleGroup, type RuleGroupProps } from './rule-group';

/**
 * Rule files in Prometheus' own YAML format (`groups:` of `alert:` and `record:` rules), read from
 * a folder and turned into the same values as typed rules, so they get the same checks at synth:
 * names, PromQL grammar, metrics in the catalogue, `for` against the evaluation interval, unique
 * names. Files named `*.test.yml` beside them are promtool's unit tests of those rules.
 */

export interface RuleFilesOptions {
  /** How often a group without its own `interval` is evaluated. @default DEFAULT_EVALUATION_INTERVAL */
  readonly evaluationInterval?: Duration;
  /**
   * Metrics the rules' PromQL may select; the files' own recording rules are added to it.
   * @default DEFAULT_CATALOGUE - the service contract, node_exporter's and the components' own series
   */
  readonly catalogue?: MetricCatalogue;
  /** Metric names outside `catalogue` the rules may select as well (a team's own exporter). @default - none */
  readonly allowMetrics?: readonly string[];
}

/** A `promtool test rules` file found beside the rule files. */
export interface RuleTestFile {
  /** Where it was read from, as errors name it. */
  readonly source: string;
  /** The rule files its `rule_files` name, as `RuleFileGroup.source` names them. */
  readonly ruleFiles: readonly string[];
  /** Its content, parsed. */
  readonly document: Readonly<Record<string, unknown>>;
}

/** What a folder of rule files holds: the groups, and the promtool tests beside them. */
export interface RuleFiles {
  readonly groups: readonly RuleFileGroup[];
  readonly tests: readonly RuleTestFile[];
}

export interface RuleFileGroupProps extends Omit<RuleGroupProps, 'runbookBaseUrl' | 'source'> {
  readonly source: string;
  /** Each alert's annotations, by alert name, as the file wrote them. */
  readonly annotations: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/**
 * A rule group read from a rule file. Its alerts keep the annotations the file gave them (no
 * `runbook_url` is added), so the file's own promtool tests pass against what is rendered.
 */
export class RuleFileGroup extends RuleGroup {
  declare public readonly source: string;
  private readonly annotations: ReadonlyMap<string, Readonly<Record<string, string>>>;

  public constructor(props: RuleFileGroupProps) {
    super(props);
    this.annotations = props.annotations;
  }

  public annotationsOf(rule: AlertRule): Record<string, string> {
    return { ...this.annotations.get(rule.name) };
  }
}

/** `test`, with its `rule_files` naming the rendered files of the groups its rule files hold. */
export function renderedRuleTest(test: RuleTestFile, groups: readonly RuleGroup[]): Record<string, unknown> {
  const ruleFiles = groups.filter((g) => g.source !== undefined && test.ruleFiles.includes(g.source));
  return { ...test.document, rule_files: ruleFiles.map((g) => g.fileName) };
}

const RULE_FILE = /\.ya?ml$/;
const TEST_FILE = /\.test\.ya?ml$/;

/**
 * Reads every `*.yml` and `*.yaml` rule file of `dir` (in name order) and the `*.test.yml` files
 * beside them. Any problem, unreadable folders and files included, is one sentence naming the file.
 */
export function loadRuleFiles(dir: string, options: RuleFilesOptions = {}): RuleFiles {
  const folder = resolve(dir);
  const names = readFolder(folder, 'rule files').filter((f) => RULE_FILE.test(f));
  const parsed = names
    .filter((f) => !TEST_FILE.test(f))
    .map((f) => {
      const path = join(folder, f);
      return { path, source: displayPath(path), groups: parseRuleFile(path) };
    });
  const catalogue = ruleCatalogue(options, parsed);
  const interval = options.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL;
  const groups = parsed.flatMap((file) =>
    file.groups.map((raw) => withSource(file.source, () => buildGroup(file.source, raw, interval, catalogue))),
  );
  const sources = parsed.map((f) => f.source);
  const tests = names.filter((f) => TEST_FILE.test(f)).map((f) => parseTestFile(join(folder, f), sources));
  return { groups, tests };
}

/** Runs `build`, naming the rule file in front of any error's sentence. */
function withSource<T>(source: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`rule file '${source}': ${message}`);
  }
}

/** A group as the file wrote it, its fields checked for type. */
interface RawGroup {
  readonly name: string;
  readonly interval?: Duration;
  readonly rules: readonly RawRule[];
}

interface RawRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: Duration;
  readonly keepFiringFor?: Duration;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const GROUP_FIELDS = ['name', 'interval', 'rules'];
const ALERT_FIELDS = ['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];
const RECORD_FIELDS = ['record', 'expr', 'labels'];

/** Parses one rule file into groups whose fields have the types Prometheus reads them as. */
function parseRuleFile(path: string): RawGroup[] {
  const source = displayPath(path);
  const document = parseYaml(path, `rule file '${source}'`);
  return withSource(source, () => {
    if (document === null || document === undefined) return [];
    const top = mapping('the file', document, ['groups']);
    if (top.groups === undefined || top.groups === null) return [];
    return list("'groups'", top.groups).map((g, i) => parseGroup(g, i));
  });
}

function parseGroup(value: unknown, index: number): RawGroup {
  const where = `groups[${index}]`;
  const group = mapping(where, value, GROUP_FIELDS);
  if (typeof group.name !== 'string' || group.name === '')
    throw new Error(`${where}: 'name' must be a non-empty string, got ${JSON.stringify(group.name)}`);
  const named = `rule group '${group.name}'`;
  const interval = group.interval === undefined ? undefined : duration(named, 'interval', group.interval);
  const rules = group.rules === undefined || group.rules === null ? [] : list(`${named}: 'rules'`, group.rules);
  return { name: group.name, interval, rules: rules.map((r, i) => parseRule(named, r, i)) };
}

function parseRule(group: string, value: unknown, index: number): RawRule {
  const at = `${group}: rules[${index}]`;
  const fields = mapping(at, value);
  if ((fields.alert === undefined) === (fields.record === undefined))
    throw new Error(`${at}: a rule must have exactly one of 'alert' and 'record'`);
  const isAlert = fields.alert !== undefined;
  const name = isAlert ? fields.alert : fields.record;
  const kind = isAlert ? 'alert' : 'record';
  if (typeof name !== 'string') throw new Error(`${at}: '${kind}' must be a string, got ${JSON.stringify(name)}`);
  const where = `${isAlert ? 'alert' : 'recording rule'} '${name}'`;
  const allowed = isAlert ? ALERT_FIELDS : RECORD_FIELDS;
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key))
      throw new Error(`${where}: field '${key}' is not read by Prometheus (allowed: ${allowed.join(', ')})`);
  }
  const expr = typeof fields.expr === 'number' ? String(fields.expr) : fields.expr;
  if (typeof expr !== 'string')
    throw new Error(`${where}: 'expr' must be a PromQL string, got ${JSON.stringify(expr)}`);
  return {
    ...(isAlert ? { alert: name } : { record: name }),
    expr,
    for: fields.for === undefined ? undefined : duration(where, 'for', fields.for),
    keepFiringFor:
      fields.keep_firing_for === undefined ? undefined : duration(where, 'keep_firing_for', fields.keep_firing_for),
    labels: strings(where, 'labels', fields.labels),
    annotations: strings(where, 'annotations', fields.annotations),
  };
}

/** The catalogue the rules are checked against: the given one, the allow-list and every file's records. */
function ruleCatalogue(options: RuleFilesOptions, files: readonly { groups: readonly RawGroup[] }[]): MetricCatalogue {
  const base = options.catalogue ?? DEFAULT_CATALOGUE;
  const extra = new Map<string, Metric>();
  const add = (name: string, help: string) => {
    if (!base.has(name) && !extra.has(name)) extra.set(name, { name, type: 'gauge', unit: Units.count, help });
  };
  for (const name of options.allowMetrics ?? []) add(name, 'Allowed by the rule files’ allow-list.');
  for (const file of files)
    for (const group of file.groups)
      for (const rule of group.rules) if (rule.record !== undefined) add(rule.record, 'Written by a recording rule.');
  return base.with(...extra.values());
}

/** The group as a checked value: each rule through the same constructors as a typed rule. */
function buildGroup(source: string, raw: RawGroup, interval: Duration, catalogue: MetricCatalogue): RuleFileGroup {
  const annotations = new Map<string, Readonly<Record<string, string>>>();
  const rules: AlertRule[] = [];
  const records: RecordingRule[] = [];
  for (const rule of raw.rules) {
    if (rule.record !== undefined) {
      const metric: Metric = { name: rule.record, type: 'gauge', unit: Units.count, help: `Recorded in ${source}.` };
      records.push(new RecordingRule({ metric, expr: rule.expr, labels: rule.labels, catalogue }));
    } else {
      const alert = buildAlert(rule, catalogue);
      rules.push(alert);
      annotations.set(alert.name, rule.annotations);
    }
  }
  return new RuleFileGroup({ name: raw.name, interval: raw.interval ?? interval, rules, records, source, annotations });
}

/** An alert: `severity` from its labels, summary and description from its annotations, as typed alerts require. */
function buildAlert(rule: RawRule, catalogue: MetricCatalogue): AlertRule {
  const name = rule.alert as string;
  const where = `alert '${name}'`;
  const { severity, ...labels } = rule.labels;
  if (!SEVERITIES.includes(severity as Severity)) {
    throw new Error(
      `${where}: label 'severity' must be one of ${SEVERITIES.join(', ')} (routing relies on it), got ${JSON.stringify(severity ?? null)}`,
    );
  }
  for (const required of ['summary', 'description']) {
    if (rule.annotations[required] === undefined)
      throw new Error(`${where}: annotation '${required}' is required (every notification shows it)`);
  }
  for (const [key, text] of Object.entries(rule.annotations)) {
    const nameProblem = labelNameProblem(key);
    if (nameProblem) throw new Error(`${where}: annotation name '${key}' ${nameProblem}`);
    const problem = goTemplateProblem(text);
    if (problem) throw new Error(`${where}: annotation '${key}' is not a valid Go template: ${problem}`);
  }
  return new AlertRule({
    name,
    expr: rule.expr,
    for: rule.for,
    keepFiringFor: rule.keepFiringFor,
    severity: severity as Severity,
    labels,
    summary: AlertText.template(rule.annotations.summary),
    description: AlertText.template(rule.annotations.description),
    catalogue,
  });
}

/** A promtool test file, checked as far as the synth can: its `rule_files` are rule files of the folder. */
function parseTestFile(path: string, sources: readonly string[]): RuleTestFile {
  const source = displayPath(path);
  const document = parseYaml(path, `rule test file '${source}'`);
  const fail = (message: string): never => {
    throw new Error(`rule test file '${source}': ${message}`);
  };
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    fail(`must be a mapping with 'rule_files' and 'tests'`);
  const fields = document as Record<string, unknown>;
  if (!Array.isArray(fields.tests) || fields.tests.length === 0) fail(`'tests' must list at least one test`);
  if (!Array.isArray(fields.rule_files) || fields.rule_files.length === 0)
    fail(`'rule_files' must name at least one rule file beside it`);
  const ruleFiles = (fields.rule_files as unknown[]).map((file) => {
    const target = typeof file === 'string' ? displayPath(resolve(dirname(path), file)) : undefined;
    if (target === undefined || !sources.includes(target)) {
      fail(
        `'rule_files' names ${JSON.stringify(file)}, which is not a rule file of its folder (rule files: ${sources.join(', ') || 'none'})`,
      );
    }
    return target as string;
  });
  return { source, ruleFiles, document: fields };
}

/** A file's YAML, or one sentence with the line and column of the first problem. */
function parseYaml(path: string, what: string): unknown {
  const document = parseDocument(readText(path, what));
  const error = document.errors[0];
  if (error) {
    const at = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '';
    throw new Error(`${what}: not valid YAML${at}: ${error.message.split('\n')[0].replace(/ at line \d+.*$/, '')}`);
  }
  return document.toJS();
}

/** `value` as a mapping; with `allowed`, of those keys only. */
function mapping(where: string, value: unknown, allowed?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} must be a mapping, got ${JSON.stringify(value)}`);
  const fields = value as Record<string, unknown>;
  for (const key of allowed === undefined ? [] : Object.keys(fields)) {
    if (!allowed?.includes(key))
      throw new Error(`${where}: field '${key}' is not supported (allowed: ${allowed?.join(', ')})`);
  }
  return fields;
}

function list(where: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} must be a list, got ${JSON.stringify(value)}`);
  return value;
}

function duration(where: string, field: string, value: unknown): Duration {
  const parsed = typeof value === 'string' ? Duration.parse(value) : value === 0 ? Duration.ZERO : undefined;
  if (parsed === undefined)
    throw new Error(
      `${where}: '${field}' must be a Prometheus duration like 30s, 5m or 1h30m, got ${JSON.stringify(value)}`,
    );
  return parsed;
}

function strings(where: string, field: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where}: '${field}' must be a mapping of names to strings, got ${JSON.stringify(value)}`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string')
      throw new Error(`${where}: ${field} '${key}' must be a string, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  return out;
}
