/**
 * Every container image of the stack, pinned in one place. Tags are exact releases, never
 * `latest`; bump them here, in review, with the release notes at hand.
 */
export interface ContainerImage {
  readonly repository: string;
  readonly tag: string;
}

function image(repository: string, tag: string): ContainerImage {
  return Object.freeze({ repository, tag });
}

/** `repository:tag`, as a pod spec names it. */
export function imageRef(img: ContainerImage): string {
  return `${img.repository}:${img.tag}`;
}

/** The version the image runs, without the `v`, for `app.kubernetes.io/version`. */
export function imageVersion(img: ContainerImage): string {
  return img.tag.replace(/^v/, '');
}

export const IMAGES = {
  /**
   * Prometheus 3.13, the long-term-support line (supported until July 2027): a pair of servers
   * kept for years should not chase a release every six weeks.
   */
  prometheus: image('quay.io/prometheus/prometheus', 'v3.13.2'),
  /**
   * node_exporter 1.12.0 (July 2026), the current release: the hwmon, thermal_zone,
   * powersupplyclass, rapl and cpufreq collectors and every flag used here are long-standing,
   * and checked against Debian's node_exporter in the tests.
   */
  nodeExporter: image('quay.io/prometheus/node-exporter', 'v1.12.0'),
  /**
   * The contrib distribution of the OpenTelemetry collector, 0.155.0: it has the prometheus
   * exporter's `translation_strategy` and the `readers` form of the collector's own telemetry
   * used here. Collector releases come every two weeks; bump deliberately.
   */
  otelCollector: image('docker.io/otel/opentelemetry-collector-contrib', '0.155.0'),
  /**
   * Alertmanager 0.35.1, the current release (November 2026). Every receiver secret is read from a
   * file, which needs at least 0.26 (webhook `url_file`; Slack `api_url_file` came in 0.22, email
   * `auth_password_file` in 0.25): see ALERTMANAGER_FILE_FIELDS in lib/alertmanager-config.ts,
   * which a test checks against this tag.
   */
  alertmanager: image('quay.io/prometheus/alertmanager', 'v0.35.1'),
  /**
   * Grafana OSS 13.2.3, the newest patch of the 13.2 line (13.2.0 came out in August 2026;
   * 13.2.1 fixed CVE-2026-12704 and CVE-2026-14199). A 13.3.0 appears in the wild; bump to it
   * in review with its release notes. 13.x reads the classic dashboard JSON (schemaVersion 42)
   * the foundation SDK renders, and the image's entrypoint expands `GF_*__FILE` variables, which
   * is how the admin credentials arrive from their Secret.
   */
  grafana: image('docker.io/grafana/grafana', '13.2.3'),
} as const;
