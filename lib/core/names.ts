/**
 * The name rules of Prometheus and Kubernetes, checked at synth so that a name either program
 * would reject stops the synth with a sentence instead of failing at `kubectl apply` or reload.
 */

/** A Prometheus label name; names starting with `__` are reserved for Prometheus itself. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** An alert name: a label value that also reads as an identifier in routes, silences and amtool. */
export const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** RFC 1123 label: namespaces, Service names, rule group names (they become file names). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS_LABEL_MAX = 63;

/** RFC 1123 subdomain: ConfigMap, Secret and most other object names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_SUBDOMAIN_MAX = 253;

/** Why `name` is not a valid Prometheus label name, or undefined when it is. */
export function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return `must match ${LABEL_NAME.source}`;
  if (name.startsWith('__')) return 'must not start with "__" (reserved for Prometheus)';
  return undefined;
}

/** Why `name` is not an RFC 1123 label (namespace, Service), or undefined when it is. */
export function dnsLabelProblem(name: string): string | undefined {
  if (name.length > DNS_LABEL_MAX) return `must be at most ${DNS_LABEL_MAX} characters, got ${name.length}`;
  if (!DNS_LABEL.test(name))
    return 'must be lower-case letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

/** Why `name` is not an RFC 1123 subdomain (ConfigMap and most object names), or undefined when it is. */
export function dnsSubdomainProblem(name: string): string | undefined {
  if (name.length > DNS_SUBDOMAIN_MAX) return `must be at most ${DNS_SUBDOMAIN_MAX} characters, got ${name.length}`;
  if (!DNS_SUBDOMAIN.test(name))
    return 'must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  return undefined;
}
