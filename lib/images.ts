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
} as const;
