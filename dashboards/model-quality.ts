import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DEVICE_ACCURACY_DROP, fleetOf } from '../alerts/fleet';
import { modelQualityAlerts } from '../alerts/model-quality';
import { THRESHOLDS } from '../alerts/thresholds';
import { formatAmount, Percent, SERVICE_METRICS } from '../lib/core';
import { alertSentence, below, dashboardBuilder, deviceSelector, type Thresholds, timeseriesPanel } from './panels';

const M = SERVICE_METRICS;

/**
 * The quality of the deployed model: live and validation accuracy against the release floor, the
 * drop against each device's own baseline as ModelAccuracyDegrading measures it, and the loss of
 * the current training run.
 */
export function modelQualityDashboard(thresholds: Thresholds = THRESHOLDS): Dashboard {
  const T = thresholds;
  const D = T.accuracyDegradation;
  const { lowModelAccuracy, modelAccuracyDegrading } = modelQualityAlerts(thresholds);
  const size = { width: 12, height: 8 } as const;
  // The drop ModelAccuracyDegrading compares, recorded per device with its windows (alerts/fleet.ts).
  const drop = deviceSelector(DEVICE_ACCURACY_DROP);
  const dropLine = modelAccuracyDegrading.line();
  const floor = formatAmount(T.modelAccuracy.critical.in(Percent.unit), Percent.unit);
  return dashboardBuilder({
    uid: 'model-quality',
    title: 'Model Quality',
    description:
      'Model and validation accuracy against the release floor, accuracy drift per device, and training loss.',
  })
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 1,
        title: 'Model accuracy',
        metric: M.modelAccuracy,
        fleet: fleetOf(M.modelAccuracy),
        line: lowModelAccuracy.line(),
        max: Percent.of(100),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 2,
        title: 'Validation accuracy',
        metric: M.validationAccuracy,
        fleet: fleetOf(M.validationAccuracy),
        description: `${M.validationAccuracy.help} The line is the release floor (${floor}) that live accuracy is held to.`,
        // No alert watches validation accuracy: LowModelAccuracy's release floor, drawn for comparison.
        line: below(T.modelAccuracy.critical, 'critical'),
        max: Percent.of(100),
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 3,
        title: 'Accuracy drop against baseline',
        metric: M.modelAccuracy,
        expr: drop,
        description:
          `Mean accuracy over the ${D.baseline} ending ${D.baselineOffset} ago minus the mean over the last ${D.window}. ` +
          alertSentence(M.modelAccuracy.unit, dropLine),
        line: dropLine,
      }),
    )
    .withPanel(
      timeseriesPanel({
        ...size,
        id: 4,
        title: 'Training loss',
        metric: M.trainingLoss,
        fleet: fleetOf(M.trainingLoss),
      }),
    )
    .build();
}
