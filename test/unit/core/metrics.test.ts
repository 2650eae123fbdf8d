import { DEFAULT_CATALOGUE, MetricCatalogue, SERVICE_METRICS, Units } from '../../../lib';

describe('metric catalogue', () => {
  test('holds every metric of the service contract with a unit that matches its name', () => {
    expect(
      Object.values(SERVICE_METRICS)
        .map((m) => m.name)
        .sort(),
    ).toEqual(
      [
        'audio_samples_processed_per_second',
        'battery_level_percent',
        'cpu_usage_percent',
        'device_temperature_celsius',
        'inference_latency_ms',
        'memory_usage_mb',
        'model_accuracy',
        'power_consumption_mw',
        'training_loss',
        'validation_accuracy',
      ].sort(),
    );
    expect(SERVICE_METRICS.inferenceLatency.unit).toBe(Units.milliseconds);
    expect(SERVICE_METRICS.powerConsumption.unit).toBe(Units.milliwatts);
    expect(SERVICE_METRICS.memoryUsage.unit).toBe(Units.megabytes);
    expect(SERVICE_METRICS.modelAccuracy.unit).toBe(Units.ratio);
    expect(SERVICE_METRICS.batteryLevel.unit).toBe(Units.percent);
    expect(SERVICE_METRICS.deviceTemperature.unit).toBe(Units.celsius);
    for (const m of Object.values(SERVICE_METRICS)) expect(m.help.length).toBeGreaterThan(10);
  });

  test('the default catalogue also knows up', () => {
    expect(DEFAULT_CATALOGUE.has('up')).toBe(true);
    expect(DEFAULT_CATALOGUE.has('inference_latency_ms')).toBe(true);
    expect(DEFAULT_CATALOGUE.has('node_load1')).toBe(false);
  });

  test('with() adds a team metric without changing the original', () => {
    const extended = DEFAULT_CATALOGUE.with({
      name: 'wake_words_total',
      type: 'counter',
      unit: Units.count,
      help: 'Wake words heard.',
    });
    expect(extended.has('wake_words_total')).toBe(true);
    expect(DEFAULT_CATALOGUE.has('wake_words_total')).toBe(false);
  });

  test('fails when a metric is declared twice', () => {
    expect(() => DEFAULT_CATALOGUE.with(SERVICE_METRICS.modelAccuracy)).toThrow(
      /metric 'model_accuracy' is declared twice/,
    );
  });

  test('fails on a metric name Prometheus would reject', () => {
    expect(
      () => new MetricCatalogue([{ name: 'latency-ms', type: 'gauge', unit: Units.milliseconds, help: 'x' }]),
    ).toThrow(/metric name 'latency-ms' is not a valid Prometheus metric name/);
  });
});
