import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Puts the programs the pods run (Prometheus, promtool, Alertmanager, …, at the versions
 * lib/k8s/images.ts pins) first on PATH, as the test suite does: `scripts/programs.sh` builds a
 * missing one from its Go module or answers from its cache. Returns its `NAME VERSION PATH` lines.
 */
export function usePinnedPrograms(): string {
  // The repository root: this file runs from bench/ (jest) and from build/bench/ (npm run bench).
  let root = __dirname;
  while (!existsSync(join(root, 'scripts/programs.sh'))) root = dirname(root);
  const listing = execFileSync('bash', ['scripts/programs.sh'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dirs = listing
    .trim()
    .split('\n')
    .map((line) => dirname(line.split(' ').slice(2).join(' ')));
  process.env.PATH = [...new Set(dirs), process.env.PATH].join(':');
  return listing;
}
