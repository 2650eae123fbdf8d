/**
 * Every container image of the stack, pinned in one place. Tags are exact releases, never
 * `latest`; bump them here, in review, with the release notes at hand.
 */
export interface ContainerImage {
  readonly repository: string;
  readonly tag: string;
  /** The image's content digest: the node pulls exactly these bytes, whatever the tag points at. @default - the tag alone */
  readonly digest?: string;
}

function image(repository: string, tag: string): ContainerImage {
  return Object.freeze({ repository, tag });
}

/** `repository:tag`, or `repository:tag@sha256:...` with a digest, as a pod spec names it. */
export function imageRef(img: ContainerImage): string {
  return `${img.repository}:${img.tag}${img.digest ? `@${img.digest}` : ''}`;
}

/** The version the image runs, without the `v`, for `app.kubernetes.io/version`. */
export function imageVersion(img: ContainerImage): string {
  return img.tag.replace(/^v/, '');
}

export const IMAGES = {
  /** Prometheus 3.13.2; the tests run promtool and Prometheus built from module v0.313.2. */
  prometheus: image('quay.io/prometheus/prometheus', 'v3.13.2'),
  /**
   * node_exporter 1.12.1, for its hwmon, thermal_zone, powersupplyclass, rapl and cpufreq
   * collectors. The module proxy serves no source for 1.12.0, so the tests could not run it.
   */
  nodeExporter: image('quay.io/prometheus/node-exporter', 'v1.12.1'),
  /**
   * The contrib distribution of the OpenTelemetry collector. The tests run a collector built with
   * the collector builder from the same component versions.
   */
  otelCollector: image('docker.io/otel/opentelemetry-collector-contrib', '0.155.0'),
  /**
   * Alertmanager 0.35.0, the newest version the Go module proxy serves (0.35.1 is not), so the
   * tests run the very version the pods do. Receiver secrets are read from files (webhook
   * `url_file` needs 0.26): see ALERTMANAGER_FILE_FIELDS in lib/alertmanager/alertmanager-config.ts.
   */
  alertmanager: image('quay.io/prometheus/alertmanager', 'v0.35.0'),
  /**
   * Grafana OSS 13.2.3. No Grafana binary runs in the tests (neither Debian nor npm ships one).
   * The image's entrypoint, packaging/docker/run.sh in Grafana's repository (read, not run),
   * expands `GF_*__FILE` variables: that is how the admin credentials arrive.
   */
  grafana: image('docker.io/grafana/grafana', '13.2.3'),
  /**
   * Jaeger 2.13.0, the trace store (Apache-2.0; Grafana Tempo is AGPL-licensed, so it is not
   * bundled). Jaeger v2 is published in the Go module's v1 line: module JAEGER_MODULE_VERSION's
   * CHANGELOG.md heads that release "v1.76.0 / v2.13.0", and the tests run `cmd/jaeger` built from it.
   */
  jaeger: image('docker.io/jaegertracing/jaeger', '2.13.0'),
  /**
   * Pushgateway 1.11.1, the newest version the Go module proxy serves (1.11.2, 1.12.0, 1.12.1 and
   * 1.13.0 are not), so the tests run the very version the pod does.
   */
  pushgateway: image('quay.io/prometheus/pushgateway', 'v1.11.1'),
  /**
   * The Prometheus Operator's config reloader at PROMETHEUS_OPERATOR_VERSION, the sidecar that
   * calls `/-/reload` on Prometheus and Alertmanager when their mounted files change. The tests run
   * `cmd/prometheus-config-reloader` built from that module version.
   */
  configReloader: image('quay.io/prometheus-operator/prometheus-config-reloader', 'v0.93.1'),
} as const;

/** The Go module version of github.com/jaegertracing/jaeger that is Jaeger IMAGES.jaeger. */
export const JAEGER_MODULE_VERSION = 'v1.76.0';

/**
 * The Kubernetes API server, and the etcd it stores in, that judge dist/ in the tests
 * (`kubectl apply --server-side --validate=strict`, Pod Security admission, RBAC). The etcd is
 * the one Kubernetes 1.36.3 names in its build/dependencies.yaml.
 */
export const KUBERNETES_VERSION = 'v1.36.3';
export const ETCD_VERSION = 'v3.6.8';

/**
 * The Prometheus Operator whose CRDs (crds/prometheus-operator/, from this module version's
 * example/prometheus-operator-crd/) operator mode's objects are typed and validated against.
 */
export const PROMETHEUS_OPERATOR_VERSION = 'v0.93.1';

/** The pinned images, by the keys of IMAGES. */
export type PinnedImages = { readonly [K in keyof typeof IMAGES]: ContainerImage };

/** Where the pinned images are pulled from: a mirror registry, and digests that fix their bytes. */
export interface ImageSource {
  /**
   * A registry host, with an optional port and path, that replaces every pinned image's registry:
   * `mirror.edge.example:5000` turns `quay.io/prometheus/prometheus` into
   * `mirror.edge.example:5000/prometheus/prometheus`, as an air-gapped site mirrors them.
   * @default - each image's own registry (quay.io, docker.io)
   */
  readonly registry?: string;
  /** `sha256:` digests by image (`{ prometheus: 'sha256:...' }`), rendered after the tag. @default - tags only */
  readonly digests?: { readonly [K in keyof typeof IMAGES]?: string };
}

/** host[:port][/path]: lower-case DNS labels (or an IPv4 address), a port, path segments. */
const REGISTRY =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** IMAGES pulled as `source` says, checked; `owner` names the stack in messages. */
export function pinnedImages(owner: string, source: ImageSource = {}): PinnedImages {
  const { registry, digests = {} } = source;
  if (registry !== undefined && !REGISTRY.test(registry)) {
    throw new Error(
      `${owner}: 'images.registry' must be a registry host, optionally with ':port' and a '/path' (mirror.example:5000/quay), got '${registry}'`,
    );
  }
  for (const [key, digest] of Object.entries(digests)) {
    if (!(key in IMAGES))
      throw new Error(`${owner}: 'images.digests' has no image '${key}'; images are ${Object.keys(IMAGES).join(', ')}`);
    if (digest !== undefined && !DIGEST.test(digest))
      throw new Error(`${owner}: 'images.digests.${key}' must be 'sha256:' and 64 hex digits, got '${digest}'`);
  }
  const entries = Object.entries(IMAGES).map(([key, img]) => {
    const repository = registry ? `${registry}/${img.repository.split('/').slice(1).join('/')}` : img.repository;
    const digest = digests[key as keyof typeof IMAGES];
    return [key, Object.freeze({ repository, tag: img.tag, ...(digest ? { digest } : {}) })];
  });
  return Object.fromEntries(entries) as PinnedImages;
}

/**
 * The Gateway API whose HTTPRoute CRD (crds/gateway-api/, this module version's
 * config/crd/standard/) judges Grafana's HTTPRoute in the API-server tests.
 */
export const GATEWAY_API_VERSION = 'v1.6.3';
