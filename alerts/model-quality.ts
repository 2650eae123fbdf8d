import {
  AlertRule,
  AlertText,
  Duration,
  SERVICE_METRICS,
  selector,
  seriesText,
  ThresholdAlertRule,
  value,
} from '../lib';
import { DEVICE, deviceScope, EXAMPLE_DEVICE } from './device';
import { perThresholds, type Thresholds } from './thresholds';

const accuracy = SERVICE_METRICS.modelAccuracy;

/**
 * Each device's accuracy drop against its own baseline, with the windows of `T`: what
 * ModelAccuracyDegrading compares with its threshold, and what the dashboards record (alerts/fleet.ts).
 */
export function accuracyDropExpr(T: Thresholds): string {
  const D = T.accuracyDegradation;
  return (
    `avg_over_time(${selector(accuracy)}[${D.baseline.toPrometheus()}] offset ${D.baselineOffset.toPrometheus()}) ` +
    `- avg_over_time(${selector(accuracy)}[${D.window.toPrometheus()}])`
  );
}

/** The model-quality alerts for a set of thresholds: THRESHOLDS, or a scaled-down copy for a compressed end-to-end run. */
export const modelQualityAlerts = perThresholds((T: Thresholds) => {
  const lowModelAccuracy = AlertRule.threshold({
    name: 'LowModelAccuracy',
    labels: deviceScope('LowModelAccuracy'),
    severity: 'critical',
    metric: accuracy,
    op: '<',
    threshold: T.modelAccuracy.critical,
    for: T.modelAccuracy.for,
    resolve: T.modelAccuracy.resolve,
    series: EXAMPLE_DEVICE,
    summary: AlertText.of`Model accuracy on ${DEVICE} is below ${T.modelAccuracy.critical}`,
    description: AlertText.of`The model on device ${DEVICE} is ${value(accuracy.unit)} accurate, below the ${T.modelAccuracy.critical} release floor, for ${T.modelAccuracy.for}.`,
  });

  const D = T.accuracyDegradation;
  if (D.baselineOffset.compareTo(D.window.plus(D.for)) < 0) {
    throw new Error(
      `alert 'ModelAccuracyDegrading': 'baselineOffset' must be at least 'window' + 'for' (${D.window.plus(D.for)}) so the baseline does not include the drop, got ${D.baselineOffset}`,
    );
  }
  const dropRatio = D.warning.in(accuracy.unit);

  /**
   * Accuracy drifting down against the device's own recent baseline: a model that usually scores
   * 97% and now scores 91% is degrading, although it is still above the 90% floor.
   */
  const modelAccuracyDegrading = new ThresholdAlertRule({
    name: 'ModelAccuracyDegrading',
    labels: deviceScope('ModelAccuracyDegrading'),
    severity: 'warning',
    value: accuracyDropExpr(T),
    unit: accuracy.unit,
    op: '>',
    threshold: D.warning,
    for: D.for,
    keepFiringFor: D.shaping.keepFiringFor,
    summary: AlertText.of`Model accuracy on ${DEVICE} is degrading`,
    description: AlertText.of`The model on device ${DEVICE} is ${value(accuracy.unit)} points less accurate over the last ${D.window} than over the ${D.baseline} before ${D.baselineOffset} ago (alert at ${D.warning} points).`,
    tests: (interval) => {
      const sample = Duration.minutes(1);
      const healthy = 0.97;
      const dropAt = D.baseline.plus(D.baselineOffset);
      const before = Math.round(dropAt.milliseconds / sample.milliseconds);
      const after = Math.round(D.baselineOffset.plus(D.window).milliseconds / sample.milliseconds);
      const series = seriesText(accuracy.name, EXAMPLE_DEVICE);
      const nudge = dropRatio * 1e-2;
      const past = Number((healthy - dropRatio - nudge).toFixed(6));
      const inside = Number((healthy - dropRatio + nudge).toFixed(6));
      const firesBy = dropAt.plus(D.window).plus(D.for).plus(interval.times(2));
      return [
        {
          name: `a drop just past ${D.warning} points from ${healthy} fires after window + for`,
          interval: sample,
          input: [{ series, values: `${healthy}x${before - 1} ${past}x${after}` }],
          checks: [
            { at: dropAt.minus(interval), firing: [] },
            { at: firesBy, firing: [{ labels: EXAMPLE_DEVICE, value: healthy - past }] },
          ],
        },
        {
          name: `a drop just inside ${D.warning} points from ${healthy} never fires`,
          interval: sample,
          input: [{ series, values: `${healthy}x${before - 1} ${inside}x${after}` }],
          checks: [
            { at: firesBy, firing: [] },
            { at: dropAt.plus(D.baselineOffset), firing: [] },
          ],
        },
      ];
    },
  });
  return { lowModelAccuracy, modelAccuracyDegrading } as const;
});

const DEFAULTS = modelQualityAlerts();
export const { lowModelAccuracy, modelAccuracyDegrading } = DEFAULTS;

/** The quality of the deployed model. */
export const MODEL_QUALITY_ALERTS = Object.values(DEFAULTS);
