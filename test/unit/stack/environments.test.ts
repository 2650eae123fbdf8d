import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { config, environmentOverrides, environments, examples } from '../../../config';
import { Duration, renderStack, type StackConfig, withOverrides } from '../../../lib';
import type { Manifest } from '../../support/manifests';

/** Every object a config renders, by `Kind namespace/name`. */
function rendered(stackConfig: StackConfig): Map<string, Manifest> {
  const app = Testing.app();
  renderStack(app, 'liquid-audio-nets', stackConfig);
  const objects = app.charts.flatMap((chart) => Testing.synth(chart) as Manifest[]);
  return new Map(objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

/**
 * A config file held in a ConfigMap is compared as the YAML it holds, so a diff names the field
 * inside; a list of named items (containers, env, ports) by name, as Kubernetes merges them.
 */
function structured(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v?.name === 'string'))
    return Object.fromEntries(value.map((v) => [v.name, v]));
  if (typeof value !== 'string' || !value.includes('\n')) return value;
  try {
    const parsed: unknown = parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : value;
  } catch {
    return value;
  }
}

/** The leaf paths where `a` and `b` differ (`spec.replicas`, `data.prometheus.yml.alerting...`). */
function leafDiff(a: unknown, b: unknown, path = ''): string[] {
  const [x, y] = [structured(a), structured(b)];
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
    return keys.flatMap((k) =>
      leafDiff((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], path ? `${path}.${k}` : k),
    );
  }
  if (JSON.stringify(x) === JSON.stringify(y)) return [];
  const at = path ? `${path} ` : '';
  return [x === undefined ? `${at}(added)` : y === undefined ? `${at}(removed)` : path];
}

/** Every changed leaf, as `Kind namespace/name: path`, between the objects two configs render. */
function diff(base: StackConfig, other: StackConfig): string[] {
  const [a, b] = [rendered(base), rendered(other)];
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  return ids.flatMap((id) => leafDiff(a.get(id), b.get(id)).map((p) => `${id}: ${p}`));
}

/** A changed path with array indexes and config hashes generalised, so one pattern covers every peer. */
const shape = (line: string) => line.replace(/\.\d+(?=\.|$)/g, '.*');

describe('environments', () => {
  test('are rendered beside the examples under names of their own', () => {
    expect(Object.keys(environments).sort()).toEqual(['production', 'staging']);
    for (const name of Object.keys(environments)) expect(Object.keys(examples)).not.toContain(name);
  });

  test('staging changes only the replicas, retention, volume and Grafana route it overrides, and what is derived from them', () => {
    const changed = [...new Set(diff(config, environments.staging).map(shape))];
    expect(changed).toEqual([
      // One Alertmanager and one Prometheus: the StatefulSets, Alertmanager's gossip peers, and the
      // peers Prometheus notifies and scrapes.
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.alerting.alertmanagers.*.static_configs.*.targets.1 (removed)',
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.alerting.alertmanagers.*.static_configs.*.targets.2 (removed)',
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.scrape_configs.*.static_configs.*.targets.1 (removed)',
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.storage.tsdb.retention.time',
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.storage.tsdb.retention.size',
      // Grafana behind the Gateway: the route, the root URL, secure cookies, the Gateway's namespace admitted.
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SECURITY_COOKIE_SECURE.value',
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SECURITY_STRICT_TRANSPORT_SECURITY.value',
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SERVER_ROOT_URL (added)',
      'HTTPRoute liquid-audio-nets-monitoring/grafana: (added)',
      'NetworkPolicy liquid-audio-nets-monitoring/grafana-ingress: spec.ingress.*.from.*.namespaceSelector.matchExpressions.*.values.*',
      'StatefulSet liquid-audio-nets-monitoring/alertmanager: spec.replicas',
      'StatefulSet liquid-audio-nets-monitoring/alertmanager: spec.template.spec.containers.alertmanager.args.7 (removed)',
      'StatefulSet liquid-audio-nets-monitoring/alertmanager: spec.template.spec.containers.alertmanager.args.8 (removed)',
      'StatefulSet liquid-audio-nets-monitoring/prometheus: spec.replicas',
      'StatefulSet liquid-audio-nets-monitoring/prometheus: spec.volumeClaimTemplates.*.spec.resources.requests.storage',
    ]);
  });

  test('production changes only the retention, volume and Grafana ingress it overrides; its replicas are the defaults, pinned', () => {
    const changed = diff(config, environments.production);
    expect(changed).toEqual([
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.storage.tsdb.retention.time',
      'ConfigMap liquid-audio-nets-monitoring/prometheus-config: data.prometheus.yml.storage.tsdb.retention.size',
      // Grafana's root URL and secure cookies follow from the ingress host and its TLS Secret.
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SECURITY_COOKIE_SECURE.value',
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SECURITY_STRICT_TRANSPORT_SECURITY.value',
      'Deployment liquid-audio-nets-monitoring/grafana: spec.template.spec.containers.grafana.env.GF_SERVER_ROOT_URL (added)',
      'Ingress liquid-audio-nets-monitoring/grafana: (added)',
      'StatefulSet liquid-audio-nets-monitoring/prometheus: spec.volumeClaimTemplates.0.spec.resources.requests.storage',
    ]);
    expect(environmentOverrides.production.prometheus?.replicas).toBe(2);
  });

  test('an override of one Grafana setting changes Grafana alone and keeps the rest of its settings', () => {
    const base = withOverrides(config, { grafana: { folder: 'base-folder' } });
    const other = withOverrides(base, { grafana: { rootUrl: 'https://grafana.example.org/' } });
    expect(other.grafana?.folder).toBe('base-folder');
    const objects = [...new Set(diff(base, other).map((line) => line.split(':')[0]))];
    expect(objects).toEqual(['Deployment liquid-audio-nets-monitoring/grafana']);
  });

  test('merges component settings key by key and leaves the base unchanged', () => {
    const merged = withOverrides(config, { alertmanager: { replicas: 1 }, evaluationInterval: Duration.minutes(1) });
    expect(merged.alertmanager.routing).toBe(config.alertmanager.routing);
    expect(merged.alertmanager.replicas).toBe(1);
    expect(merged.evaluationInterval).toEqual(Duration.minutes(1));
    expect(config.alertmanager.replicas).toBeUndefined();
    expect(merged.alertGroups).toBe(config.alertGroups);
  });

  test('the diff sees a change it was not told about', () => {
    expect(diff(config, { ...config, namespace: 'elsewhere' }).length).toBeGreaterThan(50);
  });
});
