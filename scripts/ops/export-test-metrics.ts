/**
 * `npm run export-test-metrics -- <results file>`: pushes a test run's results to the Pushgateway,
 * so that a CI run, which ends before any scrape, reaches Prometheus. It reads JUnit XML or jest's
 * `--json` output and replaces the job's group with the run's passed, failed and skipped counts,
 * its duration and its success, each labelled with the run. Exit 0 pushed, 1 the push failed,
 * 2 usage error (a missing variable, a file that is neither format).
 */
import { readFileSync } from 'node:fs';
import { type Metric, TEST_RUN_METRICS } from '../../lib';
import { main, origin, type Report, reason, request, UsageError, urlFromEnv } from './report';

const USAGE = `usage: PUSHGATEWAY_URL=<url> npm run export-test-metrics -- <results file> [--job <name>] [--run <id>]

  <results file>   JUnit XML (most test runners) or jest's JSON (jest --json --outputFile=<file>)
  --job <name>     the Pushgateway group and the series' job label (default: tests)
  --run <id>       the series' run label (default: $GITHUB_RUN_ID, $CI_PIPELINE_ID, else local)
  PUSHGATEWAY_URL  the Pushgateway, e.g. http://localhost:9091 (kubectl -n monitoring port-forward svc/pushgateway 9091)
  CHECK_TIMEOUT_SECONDS  how long the push may take (default 5)

Exit status: 0 pushed, 1 the push failed (one line), 2 usage error.`;

/** What a run's results come to. */
export interface TestRun {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly durationSeconds: number;
}

const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

interface Args {
  readonly file: string;
  readonly job: string;
  readonly run: string;
}

function parseArgs(argv: readonly string[]): Args {
  let file: string | undefined;
  let job = 'tests';
  let run = process.env.GITHUB_RUN_ID || process.env.CI_PIPELINE_ID || 'local';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--job' || arg === '--run') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--job') job = value;
      else run = value;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`);
    else if (file === undefined) file = arg;
    else throw new UsageError(`takes one results file, got '${file}' and '${arg}'`);
  }
  if (file === undefined) throw new UsageError('no results file given');
  for (const [what, value] of [
    ['--job', job],
    ['--run', run],
  ] as const) {
    if (!LABEL_VALUE.test(value))
      throw new UsageError(
        `${what} must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit, got '${value}'`,
      );
  }
  return { file, job, run };
}

/** The fields of jest's `--json` report that a run's results come from. */
interface JestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests?: number;
  readonly numTodoTests?: number;
  readonly numRuntimeErrorTestSuites?: number;
  readonly startTime?: number;
  readonly testResults?: ReadonlyArray<{ readonly endTime?: number }>;
}

/** A jest `--json` report: its counts, and the time from the run's start to its last suite's end. */
export function fromJest(report: JestReport): TestRun {
  const ends = (report.testResults ?? []).map((r) => Number(r.endTime)).filter(Number.isFinite);
  const start = Number(report.startTime);
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    durationSeconds: ends.length > 0 && Number.isFinite(start) ? Math.max(0, Math.max(...ends) - start) / 1000 : 0,
  };
}

/** The attributes of every `<tag ...>` opening tag. */
function openingTags(xml: string, tag: string): Array<Record<string, string>> {
  return [...xml.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>`, 'g'))].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );
}

/** JUnit XML: the sums over its `<testsuite>` elements (errors count as failures). */
export function fromJUnit(xml: string): TestRun {
  const suites = openingTags(xml, 'testsuite');
  if (suites.length === 0) throw new Error('has no <testsuite> element');
  const sum = (key: string) => suites.reduce((n, s) => n + (Number(s[key] ?? 0) || 0), 0);
  const failed = sum('failures') + sum('errors');
  const skipped = sum('skipped') + sum('disabled');
  return {
    passed: Math.max(0, sum('tests') - failed - skipped),
    failed,
    skipped,
    durationSeconds: sum('time'),
  };
}

/** The results in `text`, whichever of the two formats it is. */
export function parseResults(file: string, text: string): TestRun {
  const trimmed = text.trimStart();
  let run: TestRun;
  try {
    if (trimmed.startsWith('{')) {
      const report = JSON.parse(trimmed);
      if (typeof report.numPassedTests !== 'number' || typeof report.numFailedTests !== 'number')
        throw new Error('is JSON but not a jest --json report (no numPassedTests, numFailedTests)');
      run = fromJest(report);
    } else if (trimmed.startsWith('<')) run = fromJUnit(trimmed);
    else throw new Error('is neither JUnit XML nor jest JSON');
  } catch (error) {
    throw new UsageError(`${file} ${reason(error).replace(/^Unexpected/, 'is not valid JSON: unexpected')}`);
  }
  for (const [key, value] of Object.entries(run))
    if (!(Number.isFinite(value) && value >= 0)) throw new UsageError(`${file}: ${key} is not a count, got ${value}`);
  return run;
}

/** The run in the Prometheus text format, every series labelled with the run. */
export function exposition(run: TestRun, runId: string): string {
  const M = TEST_RUN_METRICS;
  const rows: Array<[Metric, number]> = [
    [M.passed, run.passed],
    [M.failed, run.failed],
    [M.skipped, run.skipped],
    [M.duration, run.durationSeconds],
    [M.success, run.failed === 0 ? 1 : 0],
  ];
  return rows
    .map(([m, v]) => `# HELP ${m.name} ${m.help}\n# TYPE ${m.name} ${m.type}\n${m.name}{run="${runId}"} ${v}\n`)
    .join('');
}

async function push(report: Report, url: string, args: Args, run: TestRun): Promise<void> {
  const component = `pushgateway ${origin(url)}`;
  const group = `${url}/metrics/job/${encodeURIComponent(args.job)}`;
  try {
    // PUT replaces the job's group: the previous run's series go, this run's stay until the next.
    const res = await request(group, { method: 'PUT', body: exposition(run, args.run) });
    if (!res.ok) {
      const text = (await res.text()).trim().slice(0, 200);
      return report.fail(component, `push of job ${args.job} answered ${res.status}${text ? `: ${text}` : ''}`);
    }
  } catch (error) {
    return report.fail(component, reason(error));
  }
  report.ok(
    component,
    `pushed job ${args.job} run ${args.run}: ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped in ${run.durationSeconds.toFixed(1)} s`,
  );
}

main('export-test-metrics', USAGE, async (report) => {
  const args = parseArgs(process.argv.slice(2));
  const url = urlFromEnv('PUSHGATEWAY_URL');
  let text: string;
  try {
    text = readFileSync(args.file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? reason(error)}`);
  }
  await push(report, url, args, parseResults(args.file, text));
});
