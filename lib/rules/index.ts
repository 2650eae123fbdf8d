export { renderAlertCatalogue } from './alert-catalogue';
export {
  AlertRule,
  type AlertRuleProps,
  type AlertShaping,
  type LineAlert,
  type LineSeverity,
  type Severity,
  type ThresholdAlertProps,
  ThresholdAlertRule,
  type ThresholdAlertRuleProps,
  type ThresholdLine,
} from './alert-rule';
export { AlertText, type LabelRef, label, type ValueRef, value } from './alert-text';
export { RecordingRule, type RecordingRuleProps } from './recording-rule';
export {
  loadRuleFiles,
  RuleFileGroup,
  type RuleFileGroupProps,
  type RuleFiles,
  type RuleFilesOptions,
  type RuleTestFile,
  renderedRuleTest,
} from './rule-files';
export { RuleGroup, type RuleGroupProps } from './rule-group';
export { type RuleTestCase, seriesText } from './rule-test';
