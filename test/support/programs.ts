import { spawnSync } from 'node:child_process';

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one of the real programs (promtool, amtool, ...). A missing program fails the test with
 * the way to install it: the suite never passes by skipping the real judge.
 */
export function run(program: string, args: readonly string[], cwd: string): RunResult {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw new Error(
      `${program} could not be run (${result.error.message}); install the test dependencies with 'bash scripts/install-test-deps.sh'`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
