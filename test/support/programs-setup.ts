import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';

/**
 * Jest's global setup: puts the programs the tests judge by (Prometheus, Alertmanager,
 * node_exporter, the collector, etcd, kube-apiserver, kubectl, at the pinned versions) first on
 * PATH. `scripts/programs.sh` builds a missing one from its Go module, or answers from its cache.
 */
export default function setup(): void {
  const root = resolve(__dirname, '../..');
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
  process.env.PINNED_PROGRAMS = listing;
}
