import { Duration } from '../../../lib';

describe('Duration', () => {
  test.each([
    [Duration.seconds(30), '30s'],
    [Duration.seconds(90), '1m30s'],
    [Duration.minutes(5), '5m'],
    [Duration.hours(1).plus(Duration.minutes(30)), '1h30m'],
    [Duration.days(15), '15d'],
    [Duration.millis(1500), '1s500ms'],
    [Duration.ZERO, '0s'],
  ])('%s renders in Prometheus form as %s', (duration, expected) => {
    expect(duration.toPrometheus()).toBe(expected);
  });

  test('arithmetic and comparison', () => {
    expect(Duration.minutes(5).minus(Duration.seconds(30)).toPrometheus()).toBe('4m30s');
    expect(Duration.minutes(2).times(3).toPrometheus()).toBe('6m');
    expect(Duration.seconds(15).compareTo(Duration.seconds(30))).toBeLessThan(0);
    expect(Duration.seconds(60).compareTo(Duration.minutes(1))).toBe(0);
  });

  test('fails to render a negative duration', () => {
    expect(() => Duration.minutes(-5).toPrometheus()).toThrow(/must not be negative, got -300000ms/);
  });

  test('fails to render NaN or a fraction of a millisecond', () => {
    expect(() => Duration.minutes(Number.NaN).toPrometheus()).toThrow(/must be a finite number/);
    expect(() => Duration.millis(0.5).toPrometheus()).toThrow(/whole number of milliseconds/);
  });

  test('parses Prometheus durations as its own parser does, largest unit first', () => {
    expect(Duration.parse('5m')).toEqual(Duration.minutes(5));
    expect(Duration.parse('1h30m')).toEqual(Duration.minutes(90));
    expect(Duration.parse('1d2h3m4s5ms')).toEqual(Duration.millis(93_784_005));
    expect(Duration.parse('2w')).toEqual(Duration.days(14));
    expect(Duration.parse('1y')).toEqual(Duration.days(365));
    expect(Duration.parse('250ms')).toEqual(Duration.millis(250));
    expect(Duration.parse('0')).toEqual(Duration.ZERO);
    expect(Duration.parse('0s')).toEqual(Duration.ZERO);
  });

  test('refuses what Prometheus refuses: no unit, units out of order or repeated, spaces, signs, fractions', () => {
    for (const text of ['', '5', '30s5m', '5m5m', '5 m', '-5m', '1.5h', 'm', '5M', '5mins'])
      expect([text, Duration.parse(text)]).toEqual([text, undefined]);
  });
});
