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
   * Alertmanager 0.35.1, the current release (November 2026). Every receiver secret is read from a
   * file, which needs at least 0.26 (webhook `url_file`; Slack `api_url_file` came in 0.22, email
   * `auth_password_file` in 0.25): see ALERTMANAGER_FILE_FIELDS in lib/alertmanager-config.ts,
   * which a test checks against this tag.
   */
  alertmanager: image('quay.io/prometheus/alertmanager', 'v0.35.1'),
} as const;
