export { PROMETHEUS_APP_NAME, PROMETHEUS_JOB } from './names';
export { PROMETHEUS_PORT, Prometheus, type PrometheusProps } from './prometheus';
export type { ScrapeJob, ScrapeLimits, ScrapeProtocol } from './prometheus-config';
export { PrometheusRules, type PrometheusRulesProps, renderRuleFile } from './prometheus-rules';
export {
  componentJob,
  devicesJob,
  type ExtraScrapeJob,
  type ExtraScrapePods,
  extraScrapeJob,
  hardwareExporterJob,
  SCRAPE_LIMITS,
} from './scrape-jobs';
