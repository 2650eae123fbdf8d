import { AlertText, label, Milliseconds, Units, value } from '../../../lib';
import { formatGoG } from '../../../lib/rules/alert-text';

describe('AlertText', () => {
  const text = AlertText.of`Latency on ${label('device')} is ${value(Units.milliseconds)}, above ${Milliseconds.of(25)}`;

  test('renders the Go template Prometheus evaluates', () => {
    expect(text.toGoTemplate()).toBe('Latency on {{ $labels.device }} is {{ $value | printf "%.2f" }} ms, above 25 ms');
  });

  test('renders the text Prometheus will produce for given labels and value', () => {
    expect(text.render({ device: 'edge-01' }, 26.5)).toBe('Latency on edge-01 is 26.50 ms, above 25 ms');
  });

  test('a ratio renders as Prometheus humanizePercentage does', () => {
    const accuracy = AlertText.of`${value(Units.ratio)}`;
    expect(accuracy.toGoTemplate()).toBe('{{ $value | humanizePercentage }}');
    expect(accuracy.render({}, 0.8991)).toBe('89.91%');
    expect(accuracy.render({}, 0.5)).toBe('50%');
  });

  test('formatGoG follows Go %g', () => {
    expect(formatGoG(89.91, 4)).toBe('89.91');
    expect(formatGoG(5.100000000000005, 4)).toBe('5.1');
    expect(formatGoG(123456, 4)).toBe('1.235e+05');
    expect(formatGoG(0.00001234, 4)).toBe('1.234e-05');
    expect(formatGoG(0.0001234, 4)).toBe('0.0001234');
  });

  test('lists the labels it refers to', () => {
    expect(text.labelNames).toEqual(['device']);
  });
});
