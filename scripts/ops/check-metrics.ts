/**
 * `npm run check-metrics -- URL`: fetches an application's /metrics and checks it against the
 * metric catalogue of the service contract (lib/metrics.ts): every catalogue metric present, with
 * the catalogue's type; no other metric whose name promises a different unit than the catalogue's
 * metric of the same name (`inference_latency_seconds` beside the contract's milliseconds). The
 * exposition is parsed with parse-prometheus-text-format, and also run through
 * `promtool check metrics` where promtool is installed. Exit 0 clean, 1 findings, 2 usage error.
 */
import { spawnSync } from 'node:child_process';

import parsePrometheusTextFormat = require('parse-prometheus-text-format');

import { type Metric, SERVICE_METRICS, type Unit, Units } from '../../lib';
import { checkUrl, main, type Report, reason, request, UsageError } from './report';

const USAGE = `usage: npm run check-metrics -- <url>

  <url>  an application's metrics endpoint, e.g. http://localhost:8080/metrics
         (kubectl -n <namespace> port-forward pod/<pod> 8080)
  CHECK_TIMEOUT_SECONDS  how long the request may take (default 5)

Checks the exposition against the service contract's metric catalogue (names, types, units,
missing metrics) and runs 'promtool check metrics' on it where promtool is installed.
Exit status: 0 no findings, 1 findings (one line each), 2 usage error.`;

/** Name suffixes that state a unit, longest first, as Prometheus' naming conventions write them. */
const UNIT_SUFFIXES: ReadonlyArray<readonly [string, Unit]> = [
  ['_milliseconds', Units.milliseconds],
  ['_milliwatts', Units.milliwatts],
  ['_megabytes', Units.megabytes],
  ['_per_second', Units.hertz],
  ['_celsius', Units.celsius],
  ['_percent', Units.percent],
  ['_seconds', Units.seconds],
  ['_hertz', Units.hertz],
  ['_joules', Units.joules],
  ['_watts', Units.watts],
  ['_bytes', Units.bytes],
  ['_ratio', Units.ratio],
  ['_ms', Units.milliseconds],
  ['_mw', Units.milliwatts],
  ['_mb', Units.megabytes],
  ['_hz', Units.hertz],
];

/** A metric name without `_total` and its unit suffix, and the unit the suffix states (if any). */
function splitUnit(name: string): { base: string; unit?: Unit } {
  const stem = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  const match = UNIT_SUFFIXES.find(([suffix]) => stem.endsWith(suffix));
  return match ? { base: stem.slice(0, -match[0].length), unit: match[1] } : { base: stem };
}

/** `ms`, `0-1 ratio`, `count`: a unit as findings name it. */
function unitName(unit: Unit): string {
  if (unit === Units.ratio) return '0-1 ratio';
  if (unit === Units.percent) return 'percent (0-100)';
  return unit.symbol || unit.dimension;
}

/** The promtool lint problem that the contract's own names cause (`_ms`, `_mb`): kept for compatibility with the devices. */
const CONTRACT_LINT = 'metric names should not contain abbreviated units';

function runPromtool(report: Report, component: string, body: string, catalogue: ReadonlyMap<string, Metric>): void {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    report.note(
      component,
      missing
        ? 'promtool is not installed: checked by the parser only'
        : `promtool could not run: ${result.error.message}`,
    );
    return;
  }
  const lines = `${result.stdout}${result.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (result.status === 0) {
    report.ok(component, 'promtool check metrics: no problems');
    return;
  }
  if (result.status !== 3) {
    report.fail(component, `promtool check metrics: ${lines.join('; ') || `exit ${result.status}`}`);
    return;
  }
  // Exit 3: lint problems, one per line, `<metric> <problem>`.
  let contract = 0;
  for (const line of lines) {
    const [name, ...rest] = line.split(' ');
    if (catalogue.has(name) && rest.join(' ') === CONTRACT_LINT) contract++;
    else report.fail(component, `promtool check metrics: ${line}`);
  }
  if (contract > 0)
    report.note(
      component,
      `promtool check metrics: ${contract} catalogue name${contract === 1 ? '' : 's'} with abbreviated units (the service contract's names)`,
    );
}

main('check-metrics', USAGE, async (report) => {
  const args = process.argv.slice(2);
  if (args.length !== 1)
    throw new UsageError(
      args.length === 0 ? 'needs the URL of a /metrics endpoint' : `takes one URL, got ${args.length} arguments`,
    );
  const url = checkUrl('the URL', args[0]);
  const component = `application ${url}`;

  let body: string;
  try {
    const res = await request(url);
    body = await res.text();
    if (!res.ok) return report.fail(component, `answered ${res.status}: ${body.trim().slice(0, 200)}`);
  } catch (error) {
    return report.fail(component, reason(error));
  }

  let families: parsePrometheusTextFormat.MetricFamily[];
  try {
    families = parsePrometheusTextFormat(body);
  } catch (error) {
    return report.fail(component, `not the Prometheus text format: ${reason(error)}`);
  }
  const exposed = new Map(families.map((f) => [f.name, f]));
  const catalogue = new Map<string, Metric>(Object.values(SERVICE_METRICS).map((m) => [m.name, m]));

  let good = 0;
  for (const metric of catalogue.values()) {
    const family = exposed.get(metric.name);
    const wanted = `${metric.type}, ${unitName(metric.unit)}`;
    if (!family || family.metrics.length === 0) report.fail(component, `${metric.name} (${wanted}) is missing`);
    else if (family.type === 'UNTYPED')
      report.fail(component, `${metric.name} has no TYPE line; the catalogue says ${metric.type}`);
    else if (family.type.toLowerCase() !== metric.type)
      report.fail(
        component,
        `${metric.name} is exposed as a ${family.type.toLowerCase()}; the catalogue says ${metric.type}`,
      );
    else good++;
  }
  if (good > 0)
    report.ok(component, `${good} of ${catalogue.size} catalogue metrics present with the catalogue's type`);

  // A metric outside the catalogue whose name states a unit other than the catalogue's for the same quantity.
  const catalogueBases = new Map([...catalogue.values()].map((m) => [splitUnit(m.name).base, m]));
  for (const family of families) {
    if (catalogue.has(family.name)) continue;
    const { base, unit } = splitUnit(family.name);
    const known = catalogueBases.get(base);
    if (known && unit && unit !== known.unit) {
      report.fail(
        component,
        `${family.name}: its name says ${unitName(unit)}, but the catalogue's ${known.name} is in ${unitName(known.unit)}`,
      );
    }
  }

  runPromtool(report, component, body, catalogue);
});
