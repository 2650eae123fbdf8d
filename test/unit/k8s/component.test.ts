import { Chart, Testing } from 'cdk8s';
import { chartNamespace, checkReplicas, selectorLabels } from '../../../lib/k8s/component';
import { recommendedLabels } from '../../../lib/k8s/labels';

describe('chartNamespace', () => {
  test("returns the namespace of the scope's chart", () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
    expect(chartNamespace(chart, "Thing 'x'")).toBe('monitoring');
  });

  test('fails when the chart has no namespace', () => {
    expect(() => chartNamespace(Testing.chart(), "Thing 'x'")).toThrow(
      "Thing 'x': must be in a chart with a namespace",
    );
  });
});

describe('checkReplicas', () => {
  test('returns a whole number of at least 1 unchanged', () => {
    expect(checkReplicas("Thing 'x'", 1)).toBe(1);
    expect(checkReplicas("Thing 'x'", 5)).toBe(5);
  });

  test.each([0, -1, 1.5, Number.NaN])('fails on %p replicas', (n) => {
    expect(() => checkReplicas("Thing 'x'", n)).toThrow(
      `Thing 'x': 'replicas' must be a whole number of at least 1, got ${n}`,
    );
  });
});

describe('selectorLabels', () => {
  test('selects by name and instance only, so that an image bump does not change the selector', () => {
    const labels = recommendedLabels({ name: 'grafana', component: 'dashboards', instance: 'prod', version: '13.2.3' });
    expect(selectorLabels(labels)).toEqual({
      'app.kubernetes.io/name': 'grafana',
      'app.kubernetes.io/instance': 'prod',
    });
    const bumped = recommendedLabels({ name: 'grafana', component: 'dashboards', instance: 'prod', version: '14.0.0' });
    expect(selectorLabels(bumped)).toEqual(selectorLabels(labels));
  });
});
