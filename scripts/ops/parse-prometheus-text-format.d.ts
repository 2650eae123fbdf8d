/**
 * Types of parse-prometheus-text-format 1.1.1 (the package ships none): it parses the Prometheus
 * text exposition format into prom2json's shape, one entry per metric family, and throws
 * `InvalidLineError` on a line it cannot parse.
 */
declare module 'parse-prometheus-text-format' {
  namespace parsePrometheusTextFormat {
    /** The `# TYPE` of a family, upper-cased; `UNTYPED` when it has no TYPE line. */
    type FamilyType = 'GAUGE' | 'COUNTER' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    interface Sample {
      readonly value?: string;
      readonly labels?: Readonly<Record<string, string>>;
      readonly buckets?: Readonly<Record<string, string>>;
      readonly quantiles?: Readonly<Record<string, string>>;
      readonly count?: string;
      readonly sum?: string;
    }
    interface MetricFamily {
      readonly name: string;
      /** The `# HELP` text, '' without one. */
      readonly help: string;
      readonly type: FamilyType;
      readonly metrics: readonly Sample[];
    }
  }
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.MetricFamily[];
  export = parsePrometheusTextFormat;
}
