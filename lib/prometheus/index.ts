export { PROMETHEUS_APP_NAME, PROMETHEUS_JOB } from './names';
export { PROMETHEUS_PORT, Prometheus, type PrometheusProps } from './prometheus';
export type { RelabelRule, ScrapeJob, ScrapeLimits, ScrapeProtocol } from './prometheus-config';
export { checkRuleGroupNames, PrometheusRules, type PrometheusRulesProps, renderRuleFile } from './prometheus-rules';
export {
  componentJob,
  componentRelabelling,
  DEVICE_RELABELLING,
  DEVICE_SCRAPE_LABEL,
  devicesJob,
  type ExtraScrapeJob,
  type ExtraScrapePods,
  extraScrapeJob,
  hardwareExporterJob,
  hardwareExporterRelabelling,
  SCRAPE_LIMITS,
} from './scrape-jobs';
