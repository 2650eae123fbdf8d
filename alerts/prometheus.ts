import {
  AlertRule,
  AlertText,
  DEVICE_TARGETS,
  label,
  literal,
  PROMETHEUS_METRICS,
  selector,
  seriesText,
  Units,
  value,
} from '../lib';
import { THRESHOLDS } from './thresholds';

/** The job Prometheus scrapes itself under (its StatefulSet's name). */
export const PROMETHEUS_JOB = 'prometheus';

const T = THRESHOLDS.prometheus;
const M = PROMETHEUS_METRICS;
const self = { job: PROMETHEUS_JOB };
const POD = label('instance');

export const prometheusConfigReloadFailed = new AlertRule({
  name: 'PrometheusConfigReloadFailed',
  severity: 'warning',
  expr: `max_over_time(${selector(M.configLastReloadSuccessful, self)}[5m]) == 0`,
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

export const prometheusRuleEvaluationFailures = new AlertRule({
  name: 'PrometheusRuleEvaluationFailures',
  severity: 'critical',
  expr: `increase(${selector(M.ruleEvaluationFailures, self)}[5m]) > 0`,
  for: T.ruleFailuresFor,
  summary: AlertText.of`Prometheus ${POD} fails to evaluate rules`,
  description: AlertText.of`Prometheus ${POD} failed ${value(Units.count)} rule evaluations in 5 minutes: alerts depending on them cannot fire.`,
});

export const prometheusNotificationsFailing = new AlertRule({
  name: 'PrometheusNotificationsFailing',
  severity: 'warning',
  expr:
    `rate(${selector(M.notificationsErrors, self)}[5m]) / rate(${selector(M.notificationsSent, self)}[5m]) ` +
    `> ${literal(T.notificationErrors.in(Units.ratio))}`,
  for: T.notificationErrorsFor,
  summary: AlertText.of`Prometheus ${POD} fails to send alerts to Alertmanager ${label('alertmanager')}`,
  description: AlertText.of`${value(Units.ratio)} of the notifications from Prometheus ${POD} to ${label('alertmanager')} fail (alert above ${T.notificationErrors}).`,
});

export const prometheusNotConnectedToAlertmanagers = new AlertRule({
  name: 'PrometheusNotConnectedToAlertmanagers',
  severity: 'warning',
  expr: `max_over_time(${selector(M.alertmanagersDiscovered, self)}[5m]) < 1`,
  for: T.notConnectedFor,
  summary: AlertText.of`Prometheus ${POD} is not connected to any Alertmanager`,
  description: AlertText.of`Prometheus ${POD} has had no Alertmanager to send alerts to for ${T.notConnectedFor}: its alerts are lost.`,
});

export const prometheusRemoteWriteBehind = new AlertRule({
  name: 'PrometheusRemoteWriteBehind',
  severity: 'critical',
  expr:
    `(max_over_time(${selector(M.remoteStorageHighestTimestamp, self)}[5m]) - ignoring (remote_name, url) group_right ` +
    `max_over_time(${selector(M.remoteStorageQueueHighestSent, self)}[5m])) > ${literal(T.remoteWriteBehind.in(Units.seconds))}`,
  for: T.remoteWriteBehindFor,
  summary: AlertText.of`Prometheus ${POD} remote write to ${label('remote_name')} is behind`,
  description: AlertText.of`Remote write from Prometheus ${POD} to ${label('remote_name')} is ${value(Units.seconds)} behind the local head (alert above ${T.remoteWriteBehind}).`,
});

const componentsUp = selector(M.up, {}, { job: DEVICE_TARGETS.job });

export const targetDown = new AlertRule({
  name: 'TargetDown',
  severity: 'warning',
  expr:
    `100 * (count by (job, namespace) (${componentsUp} == 0) / count by (job, namespace) (${componentsUp})) ` +
    `> ${literal(T.targetsDown.in(Units.percent))}`,
  for: T.targetsDownFor,
  summary: AlertText.of`Targets of ${label('job')} are down`,
  description: AlertText.of`${value(Units.percent)} of the ${label('job')} targets in ${label('namespace')} are down (alert above ${T.targetsDown}).`,
});

/** Prometheus watching itself and its scrape targets. */
export const PROMETHEUS_ALERTS = [
  prometheusConfigReloadFailed,
  prometheusRuleEvaluationFailures,
  prometheusNotificationsFailing,
  prometheusNotConnectedToAlertmanagers,
  prometheusRemoteWriteBehind,
  targetDown,
] as const;
