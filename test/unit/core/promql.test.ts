import { Milliseconds, Percent, SERVICE_METRICS, Seconds, selector } from '../../../lib';
import { analysePromQL, compare } from '../../../lib/core/promql';

describe('PromQL builders', () => {
  test('selector sorts matchers and quotes values', () => {
    expect(selector(SERVICE_METRICS.inferenceLatency)).toBe('inference_latency_ms');
    expect(selector(SERVICE_METRICS.inferenceLatency, { job: 'a"b', device: 'edge-01' })).toBe(
      'inference_latency_ms{device="edge-01",job="a\\"b"}',
    );
    expect(selector(SERVICE_METRICS.inferenceLatency, { device: 'edge-01' }, { job: 'x' })).toBe(
      'inference_latency_ms{device="edge-01",job!="x"}',
    );
  });

  test('compare converts the threshold into the metric unit', () => {
    expect(compare(SERVICE_METRICS.inferenceLatency, '>', Seconds.of(0.025))).toBe('inference_latency_ms > 25');
    expect(compare(SERVICE_METRICS.inferenceLatency, '>', Milliseconds.of(25))).toBe('inference_latency_ms > 25');
    expect(compare(SERVICE_METRICS.modelAccuracy, '<', Percent.of(90))).toBe('model_accuracy < 0.9');
  });
});

describe('analysePromQL', () => {
  test('finds every selected metric, by name and by __name__', () => {
    const analysis = analysePromQL(
      'max_over_time(up{job="x"}[1h]) unless on (device) {__name__="model_accuracy"} or rate(foo_total[5m]) > 3',
    );
    expect(analysis.syntaxError).toBeUndefined();
    expect(analysis.metricNames).toEqual(['foo_total', 'model_accuracy', 'up']);
  });

  test('function and label names are not metrics', () => {
    expect(analysePromQL('sum by (device) (rate(x_total[5m]))').metricNames).toEqual(['x_total']);
  });

  test.each(['inference_latency_ms >', 'sum(rate(x[5m])', 'up{job="x"', 'foo bar', ''])('%j does not parse', (expr) => {
    expect(analysePromQL(expr).syntaxError).toBeDefined();
  });
});
