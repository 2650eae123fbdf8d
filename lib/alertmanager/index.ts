export { ALERTMANAGER_PORTS, Alertmanager, type AlertmanagerProps } from './alertmanager';
export { AlertmanagerConfig, type AlertmanagerConfigProps } from './alertmanager-config';
export type { InhibitRuleProps } from './inhibitions';
export { type LabelMatcher, labelIs, labelIsNot } from './matchers';
export { ALERTMANAGER_APP_NAME, ALERTMANAGER_JOB } from './names';
export type { ReceiverProps, SmtpServer } from './receivers';
export {
  type AlertRoutingProps,
  type DeadMansSwitchProps,
  type NotificationTiming,
  type RouteProps,
  severityRoute,
  WATCHDOG_ALERT,
} from './routing';
