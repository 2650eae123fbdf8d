import type { Duration } from '../core';
import type { SecretKeyRef } from '../k8s';
import type { AlertmanagerFileField } from './alertmanager-config';

/**
 * What each section of `alertmanager.yml` needs while it is checked and rendered. Internal to
 * lib/alertmanager: AlertmanagerConfig makes one per configuration.
 */
export interface ConfigContext {
  /** Throws `alertmanager '<name>': <message>`, the one line a user sees. */
  readonly fail: (message: string) => never;
  /** The notification log's retention, which caps every repeat interval. */
  readonly retention: Duration;
  /** Checks a Secret reference, records it, and returns the file Alertmanager reads its value from. */
  readonly secretFile: (where: string, field: string, ref: SecretKeyRef, fileField: AlertmanagerFileField) => string;
}
