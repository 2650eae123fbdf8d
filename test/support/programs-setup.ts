import { usePinnedPrograms } from '../../bench/pinned-programs';

/**
 * Jest's global setup: puts the programs the tests judge by (Prometheus, Alertmanager,
 * node_exporter, the collector, etcd, kube-apiserver, kubectl, at the pinned versions) first on
 * PATH, building a missing one from its Go module (scripts/programs.sh).
 */
export default function setup(): void {
  usePinnedPrograms();
}
