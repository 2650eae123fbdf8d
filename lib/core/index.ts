export { Duration } from './duration';
export { DEFAULT_EVALUATION_INTERVAL, DEFAULT_SCRAPE_INTERVAL } from './intervals';
export { markdownCell, markdownTable } from './markdown';
export {
  ALERTMANAGER_METRICS,
  DEFAULT_CATALOGUE,
  DEVICE_TARGETS,
  METRIC_NAME,
  type Metric,
  MetricCatalogue,
  NODE_EXPORTER_METRICS,
  OTLP_METRICS,
  PROMETHEUS_METRICS,
  PUSHGATEWAY_METRICS,
  SERVICE_METRICS,
  SERVICE_SPANS,
  SPAN_METRICS,
  TEST_RUN_METRICS,
} from './metrics';
export { ALERT_NAME, dnsLabelProblem, dnsSubdomainProblem, labelNameProblem } from './names';
export {
  analysePromQL,
  type Comparison,
  compareValue,
  literal,
  type Matchers,
  type PromQLAnalysis,
  type Smoothing,
  selector,
  smoothed,
  smoothingProblem,
} from './promql';
export { displayPath, readFolder, readText } from './source-files';
export {
  Bytes,
  Celsius,
  Cores,
  Count,
  type Dimension,
  formatAmount,
  Gibibytes,
  Hertz,
  Mebibytes,
  Megabytes,
  Millicores,
  Milliseconds,
  Milliwatts,
  Percent,
  Quantity,
  Ratio,
  Seconds,
  type Unit,
  Units,
  Watts,
} from './units';
export { toYaml } from './yaml';
