import { exampleDir, exampleNames, loadDist, where } from '../../support/dist';

/** Kubernetes' recommended labels, on every object `kubectl apply -f dist/` creates. */
const RECOMMENDED = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

test.each(exampleNames())('every object in dist/%s/ carries the recommended app.kubernetes.io labels', (example) => {
  const missing = loadDist(exampleDir(example)).flatMap((doc) =>
    RECOMMENDED.filter((key) => doc.object.metadata?.labels?.[key] === undefined).map((key) => `${where(doc)}: ${key}`),
  );
  expect(missing).toEqual([]);
});

test.each(exampleNames())(
  'every NetworkPolicy of dist/%s/ is labelled with the application whose pods it selects',
  (example) => {
    const policies = loadDist(exampleDir(example)).filter((doc) => doc.object.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThan(0);
    for (const { object } of policies) {
      const selected = (object.spec as { podSelector?: { matchLabels?: Record<string, string> } }).podSelector
        ?.matchLabels?.['app.kubernetes.io/name'];
      expect(object.metadata?.labels?.['app.kubernetes.io/name']).toBe(selected ?? 'liquid-audio-nets-monitoring');
    }
  },
);
