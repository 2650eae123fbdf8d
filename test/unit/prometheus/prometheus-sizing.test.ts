import { Chart, Testing } from 'cdk8s';
import { SERIES_PER_DEVICE as BENCH_SERIES_PER_DEVICE } from '../../../bench/fleet-history';
import { Duration, Units } from '../../../lib';
import { Prometheus } from '../../../lib/prometheus/prometheus';
import { PrometheusRules } from '../../../lib/prometheus/prometheus-rules';
import { MEASURED, SERIES_PER_DEVICE, sizePrometheus } from '../../../lib/prometheus/prometheus-sizing';
import { byKind, type Manifest } from '../../support/manifests';

describe('sizePrometheus', () => {
  test('the series per device are those the fleet benchmark measures', () => {
    expect(SERIES_PER_DEVICE).toBe(BENCH_SERIES_PER_DEVICE);
  });

  test('memory follows the active series: the measured heap per series, doubled for the garbage collector', () => {
    const small = sizePrometheus({ devices: 1000 });
    const large = sizePrometheus({ devices: 10_000 });
    expect(small.activeSeries).toBe(18_000);
    const heap = (devices: number) => devices * SERIES_PER_DEVICE * MEASURED.heapBytesPerSeries;
    expect(large.resources.requests.memory.in(Units.bytes)).toBeGreaterThanOrEqual(heap(10_000) * 2);
    expect(large.resources.limits.memory.in(Units.bytes)).toBeGreaterThan(
      large.resources.requests.memory.in(Units.bytes),
    );
  });

  test('disk follows samples times retention, and retention.size stays inside the volume', () => {
    const base = sizePrometheus({ devices: 10_000 });
    const longer = sizePrometheus({ devices: 10_000, retention: Duration.days(30) });
    const denser = sizePrometheus({ devices: 10_000, scrapeInterval: Duration.seconds(15) });
    expect(longer.storage.in(Units.bytes)).toBeGreaterThan(base.storage.in(Units.bytes) * 1.8);
    expect(denser.storage.in(Units.bytes)).toBeGreaterThan(base.storage.in(Units.bytes) * 1.8);
    const samples = (10_000 * SERIES_PER_DEVICE * Duration.days(15).seconds) / 30;
    expect(base.storage.in(Units.bytes)).toBeGreaterThan(samples * MEASURED.diskBytesPerSample);
    expect(base.retentionSize.in(Units.bytes)).toBeLessThan(base.storage.in(Units.bytes));
  });

  test('a small fleet still gets a usable volume', () => {
    expect(sizePrometheus({ devices: 5 }).storage.in(Units.gibibytes)).toBe(10);
  });

  test('the Prometheus construct takes its defaults from the fleet size', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'monitoring' });
    const rules = new PrometheusRules(chart, 'Rules', { groups: [] });
    const p = new Prometheus(chart, 'Prometheus', {
      instance: 'test',
      rules,
      alertmanagers: ['am:9093'],
      fleetSize: 10_000,
    });
    const sized = sizePrometheus({ devices: 10_000 });
    expect(p.storage).toEqual(sized.storage);
    const sts: any = byKind(Testing.synth(chart) as Manifest[], 'StatefulSet')[0];
    const container = sts.spec.template.spec.containers[0];
    expect(container.resources.requests.memory).toBe(`${sized.resources.requests.memory.in(Units.mebibytes)}Mi`);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(
      `${sized.storage.in(Units.gibibytes)}Gi`,
    );
  });

  test('fails on a fleet of no devices', () => {
    expect(() => sizePrometheus({ devices: 0 })).toThrow(
      "sizePrometheus: 'devices' must be a whole number of at least 1, got 0",
    );
  });
});
