import { IMAGES, imageRef, pinnedImages } from '../../../lib/k8s';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('pinnedImages', () => {
  test('without a source, the pinned images as they are', () => {
    expect(pinnedImages('stack')).toEqual(IMAGES);
  });

  test("a registry replaces every image's registry host and keeps its path and tag", () => {
    const images = pinnedImages('stack', { registry: 'mirror.edge.example:5000' });
    for (const [key, img] of Object.entries(images)) {
      const pinned = IMAGES[key as keyof typeof IMAGES];
      expect(imageRef(img)).toBe(
        `mirror.edge.example:5000/${pinned.repository.split('/').slice(1).join('/')}:${pinned.tag}`,
      );
    }
    expect(imageRef(images.prometheus)).toBe('mirror.edge.example:5000/prometheus/prometheus:v3.13.2');
    expect(imageRef(pinnedImages('s', { registry: 'harbor.example/quay-proxy' }).alertmanager)).toBe(
      'harbor.example/quay-proxy/prometheus/alertmanager:v0.35.0',
    );
  });

  test('a digest is rendered after the tag, for that image only', () => {
    const images = pinnedImages('stack', { digests: { grafana: DIGEST } });
    expect(imageRef(images.grafana)).toBe(`docker.io/grafana/grafana:13.2.3@${DIGEST}`);
    expect(imageRef(images.prometheus)).toBe('quay.io/prometheus/prometheus:v3.13.2');
  });

  test('fails when the registry is not a host name', () => {
    for (const registry of ['https://mirror.example', 'Mirror.Example', 'mirror.example/', 'mirror:port'])
      expect(() => pinnedImages("stack 'x'", { registry })).toThrow(
        `stack 'x': 'images.registry' must be a registry host, optionally with ':port' and a '/path' (mirror.example:5000/quay), got '${registry}'`,
      );
  });

  test('fails on a digest that is not sha256, or for an image that is not pinned', () => {
    expect(() => pinnedImages('s', { digests: { prometheus: 'sha256:abc' } })).toThrow(
      "s: 'images.digests.prometheus' must be 'sha256:' and 64 hex digits, got 'sha256:abc'",
    );
    const unknown = JSON.parse(`{ "busybox": "${DIGEST}" }`);
    expect(() => pinnedImages('s', { digests: unknown })).toThrow(/'images.digests' has no image 'busybox'/);
  });
});
