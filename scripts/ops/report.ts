/**
 * What the operational commands share: one line per check, `ok` or `FAIL` and the component it
 * is about; exit 0 when nothing was found, 1 on findings, 2 on a usage error (with the usage).
 */

/** A mistake in how the command was called: exit 2 with the usage text. */
export class UsageError extends Error {}

export class Report {
  private readonly findings: string[] = [];

  public constructor(private readonly command: string) {}

  public ok(component: string, message: string): void {
    process.stdout.write(`ok    ${component}: ${message}\n`);
  }

  /** A problem with `component`: the command will exit 1. */
  public fail(component: string, message: string): void {
    this.findings.push(`${component}: ${message}`);
    process.stdout.write(`FAIL  ${component}: ${message}\n`);
  }

  /** Worth knowing, not a problem. */
  public note(component: string, message: string): void {
    process.stdout.write(`note  ${component}: ${message}\n`);
  }

  public get findingCount(): number {
    return this.findings.length;
  }

  /** The closing line; returns the exit code. */
  public close(): number {
    const n = this.findings.length;
    process.stdout.write(
      n === 0 ? `${this.command}: no findings\n` : `${this.command}: ${n} finding${n === 1 ? '' : 's'}\n`,
    );
    return n === 0 ? 0 : 1;
  }
}

/** Runs a command: its report's exit code, 2 with the usage on a UsageError, 1 with the message on anything else. */
export function main(command: string, usage: string, run: (report: Report) => Promise<void>): void {
  const report = new Report(command);
  run(report).then(
    () => {
      process.exitCode = report.close();
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${command}: ${error.message}\n\n${usage}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** An http(s) URL from the environment; a missing or malformed one is a usage error. */
export function urlFromEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`${name} is not set`);
  return checkUrl(name, value.trim());
}

/** A comma-separated list of http(s) URLs from the environment (every Alertmanager peer, say). */
export function urlsFromEnv(name: string): string[] {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') throw new UsageError(`${name} is not set`);
  return value.split(',').map((v) => checkUrl(name, v.trim()));
}

export function checkUrl(what: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} must be an http(s) URL such as http://localhost:9090, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${what} must be an http(s) URL such as http://localhost:9090, got '${value}'`);
  return value.replace(/\/+$/, '');
}

/** `scheme://host:port` of a URL: enough to name an endpoint whose path or query is a credential (a webhook). */
export function origin(url: string): string {
  return new URL(url).origin;
}

/** How long one request may take. @default 5 s, or CHECK_TIMEOUT_SECONDS */
export function requestTimeoutMs(): number {
  const value = process.env.CHECK_TIMEOUT_SECONDS;
  if (value === undefined || value === '') return 5000;
  const seconds = Number(value);
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw new UsageError(`CHECK_TIMEOUT_SECONDS must be a positive number of seconds, got '${value}'`);
  return seconds * 1000;
}

/** A request that failed to get any answer, with the reason in a few words. */
export class Unreachable extends Error {}

/** fetch with a timeout; a refused connection, an unknown host or no answer in time is an Unreachable error. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const timeout = requestTimeoutMs();
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeout) });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new Unreachable(`no answer within ${timeout / 1000} s`);
    throw new Unreachable(`unreachable (${e.cause?.code ?? e.cause?.message ?? e.message})`);
  }
}

/** GET a JSON document; a non-2xx answer or a body that is not JSON throws with the status and the start of the body. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await request(url);
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${new URL(url).pathname} answered ${res.status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${new URL(url).pathname} did not answer JSON: ${text.trim().slice(0, 200)}`);
  }
}

/** The message of an error, as one line. */
export function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
