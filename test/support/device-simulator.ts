import { type Metric, SERVICE_METRICS } from '../../lib';
import { type LoopbackServer, serve } from './http';

/** The values one simulated device reports, by metric. */
export type DeviceReadings = ReadonlyMap<Metric, number>;

/** Nominal readings of a healthy device, inside every threshold. */
export function nominalReadings(): Map<Metric, number> {
  const m = SERVICE_METRICS;
  return new Map<Metric, number>([
    [m.inferenceLatency, 12.5],
    [m.samplesPerSecond, 16_000 * 1.5],
    [m.powerConsumption, 1.8],
    [m.memoryUsage, 6.2],
    [m.modelAccuracy, 0.95],
    [m.validationAccuracy, 0.94],
    [m.trainingLoss, 0.12],
    [m.deviceTemperature, 41],
    [m.cpuUsage, 35],
    [m.batteryLevel, 80],
  ]);
}

/** The Prometheus text exposition of `readings`, with HELP and TYPE from the metric catalogue. */
export function exposition(readings: DeviceReadings): string {
  const lines: string[] = [];
  for (const [metric, v] of readings) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`, `${metric.name} ${v}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A device serving the service contract's metrics on /metrics, as a liquid-audio-nets pod does. */
export function startDevice(readings: () => DeviceReadings): Promise<LoopbackServer> {
  return serve((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exposition(readings()));
  });
}
