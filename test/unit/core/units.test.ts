import {
  Bytes,
  Celsius,
  Hertz,
  Megabytes,
  Milliseconds,
  Milliwatts,
  Percent,
  type Quantity,
  Ratio,
  Seconds,
  Units,
  Watts,
} from '../../../lib';

describe('units', () => {
  test('time converts between seconds and milliseconds without float noise', () => {
    expect(Seconds.of(0.025).in(Units.milliseconds)).toBe(25);
    expect(Milliseconds.of(250).in(Units.seconds)).toBe(0.25);
  });

  test('power converts between watts and milliwatts', () => {
    expect(Watts.of(0.003).in(Units.milliwatts)).toBe(3);
    expect(Milliwatts.of(1500).in(Units.watts)).toBe(1.5);
  });

  test('data converts between SI megabytes and bytes', () => {
    expect(Megabytes.of(10).in(Units.bytes)).toBe(10_000_000);
    expect(Bytes.of(2_500_000).in(Units.megabytes)).toBe(2.5);
  });

  test('a percent becomes a 0-1 ratio and back', () => {
    expect(Percent.of(90).in(Units.ratio)).toBe(0.9);
    expect(Ratio.of(0.07).in(Units.percent)).toBe(7);
  });

  test('the same unit returns the amount unchanged', () => {
    expect(Hertz.of(16_000).in(Units.hertz)).toBe(16_000);
    expect(Celsius.of(-10).in(Units.celsius)).toBe(-10);
  });

  test('quantities print with their unit', () => {
    expect(String(Milliseconds.of(25))).toBe('25 ms');
    expect(String(Percent.of(90))).toBe('90%');
    expect(String(Megabytes.of(10))).toBe('10 MB');
    expect(String(Hertz.of(16000))).toBe('16000 Hz');
    expect(String(Ratio.of(0.5))).toBe('0.5');
  });

  test('conversion across dimensions fails even from untyped code', () => {
    const latency = Milliseconds.of(25) as unknown as Quantity<'power'>;
    expect(() => latency.in(Units.milliwatts)).toThrow(/cannot convert 25 ms \(time\) into mW \(power\)/);
  });
});
