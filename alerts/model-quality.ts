import {
  AlertRule,
  AlertText,
  Duration,
  Ratio,
  SERVICE_METRICS,
  selector,
  seriesText,
  ThresholdAlertRule,
  Units,
  value,
} from '../lib';
import { DEVICE, deviceScope, EXAMPLE_DEVICE } from './device';
import { perThresholds, type Thresholds } from './thresholds';
import { valueTests } from './value-tests';

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
    ...T.modelAccuracy.shaping,
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
  const TR = T.training;
  const loss = SERVICE_METRICS.trainingLoss;
  const lossMean = (offset: string) => `avg_over_time(${selector(loss)}[${TR.lossWindow.toPrometheus()}]${offset})`;
  /** Still decreasing means below (1 - minImprovement) of the loss a window ago. */
  const plateauLevel = Ratio.of(1 - TR.minImprovement.in(Units.ratio));

  /** A training run whose loss has not gone down over the plateau window: it stopped converging. */
  const trainingLossPlateau = new ThresholdAlertRule({
    name: 'TrainingLossPlateau',
    labels: deviceScope('TrainingLossPlateau'),
    severity: 'warning',
    // A loss that has not changed at all is a run that ended and left its last value: not a plateau.
    value: `(${lossMean('')} / ${lossMean(` offset ${TR.plateauWindow.toPrometheus()}`)} unless changes(${selector(loss)}[${TR.plateauWindow.toPrometheus()}]) == 0)`,
    unit: Units.ratio,
    op: '>',
    threshold: plateauLevel,
    for: TR.plateauFor,
    summary: AlertText.of`Training on ${DEVICE} stopped converging`,
    description: AlertText.of`The training loss on device ${DEVICE} is ${value(Units.ratio)} of what it was ${TR.plateauWindow} ago, for ${TR.plateauFor}: it still changes but fell by less than ${TR.minImprovement}, so the run no longer converges.`,
    tests: (interval) => {
      const series = seriesText(loss.name, EXAMPLE_DEVICE);
      const history = TR.plateauWindow.plus(TR.plateauFor).plus(Duration.hours(1));
      const n = Math.ceil(history.milliseconds / interval.milliseconds);
      const perSample = (0.5 * interval.milliseconds) / TR.plateauWindow.milliseconds;
      const firesBy = TR.plateauWindow.plus(TR.plateauFor).plus(interval.times(2));
      // A stalled run: the loss still moves from batch to batch, around a level that no longer falls.
      const stalled = Array.from({ length: n + 1 }, (_, i) => (i % 2 === 0 ? '0.4' : '0.41')).join(' ');
      return [
        {
          name: `a loss wobbling around 0.405 fires after ${TR.plateauWindow} + ${TR.plateauFor}`,
          interval,
          input: [{ series, values: stalled }],
          checks: [
            { at: TR.plateauFor, firing: [] },
            { at: firesBy, firing: [{ labels: EXAMPLE_DEVICE, value: 1 }] },
          ],
        },
        {
          name: 'a constant loss (a finished run) never fires',
          interval,
          input: [{ series, values: `0.4x${n}` }],
          checks: [
            { at: firesBy, firing: [] },
            { at: history, firing: [] },
          ],
        },
        {
          name: 'a loss falling by half of its start value an hour never fires',
          interval,
          input: [{ series, values: `1-${perSample}x${n}` }],
          checks: [
            { at: firesBy, firing: [] },
            { at: history, firing: [] },
          ],
        },
      ];
    },
  });

  const divergence = {
    op: '>',
    threshold: TR.divergence,
    resolve: TR.divergenceResolve,
    unit: accuracy.unit,
    for: TR.divergenceFor,
  } as const;
  /** Validation accuracy well above the accuracy on live samples: the model fits its training data, not the world. */
  const validationAccuracyDiverging = new ThresholdAlertRule({
    ...divergence,
    name: 'ValidationAccuracyDiverging',
    labels: deviceScope('ValidationAccuracyDiverging'),
    severity: 'warning',
    value: `${selector(SERVICE_METRICS.validationAccuracy)} - ${selector(accuracy)}`,
    summary: AlertText.of`The model on ${DEVICE} scores far better on validation than live`,
    description: AlertText.of`The model on device ${DEVICE} scores ${value(Units.ratio)} points more on its validation set than on live labelled samples, more than ${TR.divergence}, for ${TR.divergenceFor}: it overfits, or the live audio has moved away from the training data.`,
    tests: (interval) =>
      valueTests(
        divergence,
        (v) => [
          { series: seriesText(SERVICE_METRICS.validationAccuracy.name, EXAMPLE_DEVICE), value: 0.95 },
          { series: seriesText(accuracy.name, EXAMPLE_DEVICE), value: 0.95 - v },
        ],
        EXAMPLE_DEVICE,
        interval,
        (v) => 0.95 - (0.95 - v),
      ),
  });
  return { lowModelAccuracy, modelAccuracyDegrading, trainingLossPlateau, validationAccuracyDiverging } as const;
});

const DEFAULTS = modelQualityAlerts();
export const { lowModelAccuracy, modelAccuracyDegrading, trainingLossPlateau, validationAccuracyDiverging } = DEFAULTS;

/** The quality of the deployed model. */
export const MODEL_QUALITY_ALERTS = Object.values(DEFAULTS);
