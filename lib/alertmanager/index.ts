export * from './alertmanager';
export * from './alertmanager-config';
export type { InhibitRuleProps } from './inhibitions';
export { type LabelMatcher, labelIs, labelIsNot, renderMatcher } from './matchers';
export * from './names';
export type {
  EmailReceiverConfig,
  ReceiverProps,
  SlackReceiverConfig,
  SmtpServer,
  WebhookReceiverConfig,
} from './receivers';
export {
  ALERTMANAGER_BUILTIN_TIMING,
  type AlertRoutingProps,
  type DeadMansSwitchProps,
  type NotificationTiming,
  type RouteProps,
  severityRoute,
  WATCHDOG_ALERT,
} from './routing';
