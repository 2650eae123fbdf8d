import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { deviceAlerts } from '../alerts/device';
import { fleetOf } from '../alerts/fleet';
import { hardwareAlerts } from '../alerts/hardware';
import { THRESHOLDS } from '../alerts/thresholds';
import { Percent, SERVICE_METRICS } from '../lib/core';
import { dashboardBuilder, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * The devices' hardware: temperature, CPU, battery and power per device, with the lines of
 * DeviceTooHot, BatteryLow and HighPowerConsumption. A device that does not report these itself
 * is covered by recording rules over node_exporter that write the same catalogue names.
 */
export function hardwareDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const { deviceTooHot, batteryLow } = hardwareAlerts(thresholds);
  const { highPowerConsumption } = deviceAlerts(thresholds);
  const size = { width: 12, height: 8 } as const;
  const percent = { min: Percent.of(0), max: Percent.of(100) } as const;
  return dashboardBuilder({
    uid: 'hardware',
    title: 'Hardware',
    description: 'Temperature, CPU use, battery charge and power draw per device, with the alert thresholds.',
  })
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 1,
        title: 'Temperature',
        metric: M.deviceTemperature,
        fleet: fleetOf(M.deviceTemperature),
        line: deviceTooHot.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({ ...size, ...percent, id: 2, title: 'CPU use', metric: M.cpuUsage, fleet: fleetOf(M.cpuUsage) }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        ...percent,
        id: 3,
        title: 'Battery',
        metric: M.batteryLevel,
        fleet: fleetOf(M.batteryLevel),
        line: batteryLow.line(),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 4,
        title: 'Power draw',
        metric: M.powerConsumption,
        fleet: fleetOf(M.powerConsumption),
        line: highPowerConsumption.line(),
      }),
    )
    .build();
}
