import { Duration, toYaml } from '../core';
import { checkSecretRef, type SecretKeyRef, secretFilePath } from '../k8s';
import type { ConfigContext } from './config-context';
import { type InhibitRuleProps, renderInhibitRules } from './inhibitions';
import { DEFAULT_LISTED_ALERTS, renderReceivers } from './receivers';
import {
  ALERTMANAGER_BUILTIN_TIMING,
  type AlertRoutingProps,
  type NotificationTiming,
  renderRouteTree,
} from './routing';

/**
 * `alertmanager.yml` as typed values (receivers.ts, routing.ts, inhibitions.ts), field names as in
 * Alertmanager's configuration reference. Every credential is a SecretKeyRef named by file
 * (`*_file`), so no secret is rendered; what the product routes where is in alerts/routing.ts.
 */

// Re-exported because lib/alertmanager/alertmanager.ts imports them from this file.
export type { AlertRoutingProps } from './routing';

/** Where the Alertmanager container finds the receivers' Secrets, one folder per Secret. */
export const ALERTMANAGER_SECRETS_ROOT = '/etc/alertmanager/secrets';

/** The `*_file` fields this library writes, as `<integration>_configs.<field>`. */
export type AlertmanagerFileField =
  | 'slack_configs.api_url_file'
  | 'email_configs.auth_password_file'
  | 'webhook_configs.url_file';

/**
 * The first Alertmanager release that reads each `*_file` field (read from config/notifiers.go at
 * the release tags): an older Alertmanager rejects the whole configuration. A test checks the
 * pinned image (lib/k8s/images.ts) against this table, and the pinned amtool against it.
 */
export const ALERTMANAGER_FILE_FIELDS: Readonly<Record<AlertmanagerFileField, string>> = {
  'slack_configs.api_url_file': '0.22.0',
  'email_configs.auth_password_file': '0.25.0',
  'webhook_configs.url_file': '0.26.0',
};

/** True when `version` (`v0.35.1` or `0.35.1`) is `minimum` or later. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => {
    const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
    if (!match) throw new Error(`version '${v}' must look like 1.2.3 or v1.2.3`);
    return match.slice(1).map(Number);
  };
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

export interface AlertmanagerConfigProps {
  /** The Alertmanager configured, as error messages name it. @default 'alertmanager' */
  readonly alertmanager?: string;
  /** Receivers, routes and inhibitions: where alerts go. No default: only the product knows (alerts/routing.ts). */
  readonly routing: AlertRoutingProps;
  /** Folder the receivers' Secrets are mounted under, one folder per Secret. @default ALERTMANAGER_SECRETS_ROOT */
  readonly secretsRoot?: string;
  /**
   * How long Alertmanager keeps the notification log (`--data.retention`); a repeat interval
   * longer than it would be cut to it. @default Duration.hours(120)
   */
  readonly retention?: Duration;
}

/**
 * A checked Alertmanager configuration. Every receiver, route and inhibition is validated when it
 * is made; `text` is the `alertmanager.yml` Alertmanager reads.
 */
export class AlertmanagerConfig {
  public readonly alertmanager: string;
  public readonly secretsRoot: string;
  public readonly retention: Duration;
  public readonly groupBy: readonly string[];
  public readonly timing: NotificationTiming;
  public readonly inhibitRules: readonly InhibitRuleProps[];
  public readonly routing: AlertRoutingProps;
  /** Every Secret the configuration reads, in order of appearance (duplicates kept). */
  public readonly secretRefs: readonly SecretKeyRef[];
  /** The `*_file` fields the configuration uses. */
  public readonly fileFields: readonly AlertmanagerFileField[];
  /** The configuration as a YAML-ready object. */
  public readonly object: Readonly<Record<string, unknown>>;
  /** `alertmanager.yml`. */
  public readonly text: string;

  public constructor(props: AlertmanagerConfigProps) {
    this.alertmanager = props.alertmanager ?? 'alertmanager';
    this.secretsRoot = props.secretsRoot ?? ALERTMANAGER_SECRETS_ROOT;
    this.retention = props.retention ?? Duration.hours(120);
    this.routing = props.routing;
    this.groupBy = this.routing.groupBy ?? ['alertname'];
    this.timing = this.routing.timing ?? ALERTMANAGER_BUILTIN_TIMING;
    this.inhibitRules = this.routing.inhibitRules ?? [];

    const secretRefs: SecretKeyRef[] = [];
    const fileFields = new Set<AlertmanagerFileField>();
    const ctx = this.context(secretRefs, fileFields);
    if (!this.secretsRoot.startsWith('/'))
      ctx.fail(`'secretsRoot' must be an absolute path, got '${this.secretsRoot}'`);
    const receivers = renderReceivers(ctx, this.routing.receivers, {
      listed: this.routing.listedAlerts ?? DEFAULT_LISTED_ALERTS,
      ...(this.routing.titleLabel === undefined ? {} : { titleLabel: this.routing.titleLabel }),
    });
    const root = { groupBy: this.groupBy, timing: this.timing };
    this.object = {
      route: renderRouteTree(ctx, this.routing, root, receivers.names),
      receivers: receivers.rendered,
      inhibit_rules: renderInhibitRules(ctx, this.inhibitRules),
    };
    this.secretRefs = secretRefs;
    this.fileFields = [...fileFields];
    this.text = `# Generated from lib/alertmanager-config.ts: change the typed routing, not this file.\n${toYaml(this.object)}`;
  }

  /** What the sections share: errors that name this Alertmanager, and a record of every Secret they read. */
  private context(secretRefs: SecretKeyRef[], fileFields: Set<AlertmanagerFileField>): ConfigContext {
    const owner = `alertmanager '${this.alertmanager}'`;
    return {
      retention: this.retention,
      fail: (message) => {
        throw new Error(`${owner}: ${message}`);
      },
      secretFile: (where, field, ref, fileField) => {
        checkSecretRef(`${owner}: ${where}`, field, ref);
        secretRefs.push(ref);
        fileFields.add(fileField);
        return secretFilePath(this.secretsRoot, ref);
      },
    };
  }
}
