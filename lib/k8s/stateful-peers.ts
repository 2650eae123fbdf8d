/**
 * Stable DNS names of a StatefulSet's pods behind its headless Service:
 * `<set>-<ordinal>.<headless>.<namespace>.svc:<port>`. Peers address each other by these names,
 * not through a load-balanced Service, so that every peer is reached.
 */
export function peerAddresses(
  statefulSet: string,
  headlessService: string,
  namespace: string,
  replicas: number,
  port: number,
): string[] {
  return Array.from({ length: replicas }, (_, i) => `${statefulSet}-${i}.${headlessService}.${namespace}.svc:${port}`);
}
