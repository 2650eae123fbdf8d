import {
  AlertRule,
  AlertText,
  DEVICE_TARGETS,
  label,
  literal,
  PROMETHEUS_JOB,
  PROMETHEUS_METRICS,
  selector,
  seriesText,
  Units,
  value,
} from '../lib';
import { perThresholds, type Thresholds } from './thresholds';

const M = PROMETHEUS_METRICS;
const self = { job: PROMETHEUS_JOB };
const POD = label('instance');
const componentsUp = selector(M.up, {}, { job: DEVICE_TARGETS.job });

/** Prometheus watching itself and its scrape targets, for a set of thresholds (THRESHOLDS, or a scaled copy). */
export const prometheusAlerts = perThresholds((thresholds: Thresholds) => {
  const T = thresholds.prometheus;
  const window = T.window.toPrometheus();

  const prometheusConfigReloadFailed = new AlertRule({
    name: 'PrometheusConfigReloadFailed',
    severity: 'warning',
    expr: `max_over_time(${selector(M.configLastReloadSuccessful, self)}[${window}]) == 0`,
    for: T.configReloadFailedFor,
    summary: AlertText.of`Prometheus ${POD} failed to reload its configuration`,
    description: AlertText.of`Prometheus ${POD} could not load its new configuration for ${T.configReloadFailedFor}; it keeps running the previous one.`,
    tests: (interval) => {
      const series = seriesText(M.configLastReloadSuccessful.name, { ...self, instance: 'prometheus-0' });
      return [
        {
          name: 'a failed reload fires after for',
          interval,
          input: [
            { series, values: `0x${Math.ceil(T.configReloadFailedFor.times(2).milliseconds / interval.milliseconds)}` },
          ],
          checks: [
            { at: T.configReloadFailedFor.minus(interval), firing: [] },
            {
              at: T.configReloadFailedFor.plus(interval),
              firing: [{ labels: { ...self, instance: 'prometheus-0' }, value: 0 }],
            },
          ],
        },
        {
          name: 'a successful reload stays quiet',
          interval,
          input: [
            { series, values: `1x${Math.ceil(T.configReloadFailedFor.times(2).milliseconds / interval.milliseconds)}` },
          ],
          checks: [{ at: T.configReloadFailedFor.plus(interval), firing: [] }],
        },
      ];
    },
  });

  const prometheusRuleEvaluationFailures = new AlertRule({
    name: 'PrometheusRuleEvaluationFailures',
    severity: 'critical',
    expr: `increase(${selector(M.ruleEvaluationFailures, self)}[${window}]) > 0`,
    for: T.ruleFailuresFor,
    summary: AlertText.of`Prometheus ${POD} fails to evaluate rules`,
    description: AlertText.of`Prometheus ${POD} failed ${value(Units.count)} rule evaluations in 5 minutes: alerts depending on them cannot fire.`,
  });

  const prometheusNotificationsFailing = new AlertRule({
    name: 'PrometheusNotificationsFailing',
    severity: 'warning',
    expr:
      `rate(${selector(M.notificationsErrors, self)}[${window}]) / rate(${selector(M.notificationsSent, self)}[${window}]) ` +
      `> ${literal(T.notificationErrors.in(Units.ratio))}`,
    for: T.notificationErrorsFor,
    summary: AlertText.of`Prometheus ${POD} fails to send alerts to Alertmanager ${label('alertmanager')}`,
    description: AlertText.of`${value(Units.ratio)} of the notifications from Prometheus ${POD} to ${label('alertmanager')} fail (alert above ${T.notificationErrors}).`,
  });

  const prometheusNotConnectedToAlertmanagers = new AlertRule({
    name: 'PrometheusNotConnectedToAlertmanagers',
    severity: 'warning',
    expr: `max_over_time(${selector(M.alertmanagersDiscovered, self)}[${window}]) < 1`,
    for: T.notConnectedFor,
    summary: AlertText.of`Prometheus ${POD} is not connected to any Alertmanager`,
    description: AlertText.of`Prometheus ${POD} has had no Alertmanager to send alerts to for ${T.notConnectedFor}: its alerts are lost.`,
  });

  const prometheusRemoteWriteBehind = new AlertRule({
    name: 'PrometheusRemoteWriteBehind',
    severity: 'critical',
    expr:
      // Both gauges are per queue (remote_name, url), so they match one to one.
      `(max_over_time(${selector(M.remoteStorageQueueHighestTimestamp, self)}[${window}]) - ` +
      `max_over_time(${selector(M.remoteStorageQueueHighestSent, self)}[${window}])) > ${literal(T.remoteWriteBehind.in(Units.seconds))}`,
    for: T.remoteWriteBehindFor,
    summary: AlertText.of`Prometheus ${POD} remote write to ${label('remote_name')} is behind`,
    description: AlertText.of`Remote write from Prometheus ${POD} to ${label('remote_name')} is ${value(Units.seconds)} behind the local head (alert above ${T.remoteWriteBehind}).`,
    tests: (interval) => {
      const queue = { ...self, instance: 'prometheus-0', remote_name: 'mimir', url: 'https://mimir.example.org/push' };
      const limit = T.remoteWriteBehind.in(Units.seconds);
      const steps = Math.ceil(T.remoteWriteBehindFor.times(2).milliseconds / interval.milliseconds);
      /** Both queue gauges advancing with the clock, the sent one `lag` seconds behind. */
      const lagging = (lag: number) => [
        {
          series: seriesText(M.remoteStorageQueueHighestTimestamp.name, queue),
          values: `${1000 + lag}+${interval.seconds}x${steps}`,
        },
        {
          series: seriesText(M.remoteStorageQueueHighestSent.name, queue),
          values: `1000+${interval.seconds}x${steps}`,
        },
      ];
      return [
        {
          name: 'a queue twice the threshold behind fires after for',
          interval,
          input: lagging(limit * 2),
          checks: [
            { at: T.remoteWriteBehindFor.minus(interval), firing: [] },
            { at: T.remoteWriteBehindFor.plus(interval), firing: [{ labels: queue, value: limit * 2 }] },
          ],
        },
        {
          name: 'a queue half the threshold behind stays quiet',
          interval,
          input: lagging(limit / 2),
          checks: [{ at: T.remoteWriteBehindFor.plus(interval), firing: [] }],
        },
      ];
    },
  });

  const targetDown = new AlertRule({
    name: 'TargetDown',
    severity: 'warning',
    expr:
      `100 * (count by (job, namespace) (${componentsUp} == 0) / count by (job, namespace) (${componentsUp})) ` +
      `> ${literal(T.targetsDown.in(Units.percent))}`,
    for: T.targetsDownFor,
    summary: AlertText.of`Targets of ${label('job')} are down`,
    description: AlertText.of`${value(Units.percent)} of the ${label('job')} targets in ${label('namespace')} are down (alert above ${T.targetsDown}).`,
  });

  return {
    prometheusConfigReloadFailed,
    prometheusRuleEvaluationFailures,
    prometheusNotificationsFailing,
    prometheusNotConnectedToAlertmanagers,
    prometheusRemoteWriteBehind,
    targetDown,
  } as const;
});

const DEFAULTS = prometheusAlerts();
export const {
  prometheusConfigReloadFailed,
  prometheusRuleEvaluationFailures,
  prometheusNotificationsFailing,
  prometheusNotConnectedToAlertmanagers,
  prometheusRemoteWriteBehind,
  targetDown,
} = DEFAULTS;

/** Prometheus watching itself and its scrape targets, with THRESHOLDS. */
export const PROMETHEUS_ALERTS = Object.values(DEFAULTS);
