import { SERVICE_METRICS } from '../../../lib/core';
import { Duration } from '../../../lib/core/duration';
import { Percent } from '../../../lib/core/units';
import { AlertRule } from '../../../lib/rules/alert-rule';
import { AlertText, goTemplateProblem } from '../../../lib/rules/alert-text';

describe('goTemplateProblem', () => {
  test.each([
    ['plain text', undefined],
    ['on {{ $labels.device }} at {{ $value }}', undefined],
    ['on {{ $labels.device ', 'the action opened at offset 3 is never closed'],
    ['on {{ $labels.device {{ $value }}', 'the action opened at offset 3 is never closed'],
    ['on $labels.device }}', "'}}' at offset 18 closes no action"],
  ])('%j', (text, problem) => expect(goTemplateProblem(text)).toBe(problem));
});

const rule = (summary: AlertText) =>
  new AlertRule({
    name: 'Custom',
    expr: 'model_accuracy < 0.5',
    for: Duration.minutes(5),
    severity: 'warning',
    summary,
    description: AlertText.template('d'),
  });

test('fails when an annotation template is never closed', () => {
  expect(() => rule(AlertText.template('on {{ $labels.device'))).toThrow(
    "alert 'Custom': 'summary' is not a valid Go template: the action opened at offset 3 is never closed",
  );
});

test('fails when a fraction threshold is over 100%', () => {
  expect(() =>
    AlertRule.threshold({
      name: 'LowAccuracy',
      severity: 'critical',
      metric: SERVICE_METRICS.modelAccuracy,
      op: '<',
      threshold: Percent.of(101),
      for: Duration.minutes(5),
      series: { device: 'edge-01' },
      summary: AlertText.of`low`,
      description: AlertText.of`low`,
    }),
  ).toThrow("alert 'LowAccuracy': 'threshold' must be at most 100% (it is a fraction), got 101%");
});
