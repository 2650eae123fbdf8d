import type {
  AlertmanagerOptions,
  GrafanaOptions,
  OtelCollectorOptions,
  PrometheusOptions,
  StackConfig,
  StackSecurity,
} from './monitoring-stack';
import type { NetworkPolicyOptions } from './stack-network-policies';

/** The component settings an environment merges over the base's, one level deep (see `withOverrides`). */
type MergedKeys = 'prometheus' | 'alertmanager' | 'grafana' | 'otelCollector' | 'networkPolicies' | 'security';

/**
 * What an environment changes in a base StackConfig. A component's settings (`prometheus`,
 * `alertmanager`, `grafana`, `otelCollector`, `networkPolicies`, `security`) are merged over the
 * base's key by key, so `{ prometheus: { replicas: 1 } }` keeps the base's retention; every other
 * field, lists included, replaces the base's value whole.
 */
export type StackOverrides = Omit<Partial<StackConfig>, MergedKeys> & {
  /** @default - the base's Prometheus settings */
  readonly prometheus?: PrometheusOptions;
  /** @default - the base's Alertmanager settings, its routing included */
  readonly alertmanager?: Partial<AlertmanagerOptions>;
  /** @default - the base's Grafana settings */
  readonly grafana?: Partial<GrafanaOptions>;
  /** @default - the base's collector settings */
  readonly otelCollector?: OtelCollectorOptions;
  /** @default - the base's network policies */
  readonly networkPolicies?: NetworkPolicyOptions;
  /** @default - the base's security settings */
  readonly security?: StackSecurity;
};

/** The base config with an environment's overrides applied; the base is not changed. */
export function withOverrides(base: StackConfig, overrides: StackOverrides): StackConfig {
  const merge = <T extends object>(a: T | undefined, b: T | undefined): T | undefined =>
    b === undefined ? a : { ...a, ...b };
  return {
    ...base,
    ...overrides,
    prometheus: merge(base.prometheus, overrides.prometheus),
    alertmanager: { ...base.alertmanager, ...overrides.alertmanager },
    grafana: merge<Partial<GrafanaOptions>>(base.grafana, overrides.grafana) as GrafanaOptions | undefined,
    otelCollector: merge(base.otelCollector, overrides.otelCollector),
    networkPolicies: merge(base.networkPolicies, overrides.networkPolicies),
    security: merge(base.security, overrides.security),
  };
}
