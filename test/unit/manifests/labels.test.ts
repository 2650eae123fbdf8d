import { loadDist, where } from '../../support/dist';

/** Kubernetes' recommended labels, on every object `kubectl apply -f dist/` creates. */
const RECOMMENDED = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

test('every object in dist/ carries the recommended app.kubernetes.io labels', () => {
  const missing = loadDist().flatMap((doc) =>
    RECOMMENDED.filter((key) => doc.object.metadata?.labels?.[key] === undefined).map((key) => `${where(doc)}: ${key}`),
  );
  expect(missing).toEqual([]);
});

test('every NetworkPolicy is labelled with the application whose pods it selects', () => {
  const policies = loadDist().filter((doc) => doc.object.kind === 'NetworkPolicy');
  expect(policies.length).toBeGreaterThan(0);
  for (const { object } of policies) {
    const selected = (object.spec as { podSelector?: { matchLabels?: Record<string, string> } }).podSelector
      ?.matchLabels?.['app.kubernetes.io/name'];
    expect(object.metadata?.labels?.['app.kubernetes.io/name']).toBe(selected ?? 'liquid-audio-nets-monitoring');
  }
});
