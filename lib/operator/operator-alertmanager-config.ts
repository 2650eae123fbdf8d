import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { type AlertRoutingProps, AlertmanagerConfig as CheckedAlertmanagerConfig } from '../alertmanager';
import { AlertmanagerConfig, type AlertmanagerConfigSpec } from './imports/monitoring.coreos.com';

export interface OperatorAlertmanagerConfigProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The stack's typed routing, checked exactly as for the standalone Alertmanager. */
  readonly routing: AlertRoutingProps;
}

/**
 * The typed routing as an AlertmanagerConfig (monitoring.coreos.com/v1alpha1), translated from the
 * very configuration the standalone Alertmanager reads, so the receivers, routes, timers,
 * inhibitions and message texts are the same and checked the same way. Each `*_file` credential
 * becomes a reference to the same Secret and key, which the operator reads in this object's namespace.
 */
export function operatorAlertmanagerConfig(
  scope: Construct,
  id: string,
  props: OperatorAlertmanagerConfigProps,
): ApiObject {
  const checked = new CheckedAlertmanagerConfig({ routing: props.routing, secretsRoot: SECRET_MARK });
  const rendered = checked.object as { route: Rendered; receivers: Rendered[]; inhibit_rules: Rendered[] };
  const spec = {
    route: route(rendered.route),
    receivers: rendered.receivers.map((r) => crdFields(r)),
    inhibitRules: rendered.inhibit_rules.map((r) => ({
      sourceMatch: (r.source_matchers as string[]).map(matcher),
      targetMatch: (r.target_matchers as string[]).map(matcher),
      equal: r.equal as string[],
    })),
  };
  const object = new AlertmanagerConfig(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: spec as unknown as AlertmanagerConfigSpec,
  });
  // The generated class writes only the fields the CRD declares: one it dropped would be a setting lost.
  const lost = leaves(spec).length - leaves(object.toJson().spec).length;
  if (lost !== 0) {
    throw new Error(
      `AlertmanagerConfig '${props.name}': ${lost} setting(s) of the routing have no field in the pinned AlertmanagerConfig CRD`,
    );
  }
  return object;
}

/** Every leaf value of a JSON value, as a string. */
function leaves(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(leaves);
  return value === undefined ? [] : [String(value)];
}

type Rendered = Record<string, unknown>;

/** The secrets root the checked configuration is rendered with: every `*_file` path names its Secret and key below it. */
const SECRET_MARK = '/secret-ref';

/** A `*_file` field and the CRD field that takes a Secret reference instead. */
const SECRET_FIELDS: Readonly<Record<string, string>> = {
  api_url_file: 'apiUrl',
  auth_password_file: 'authPassword',
  url_file: 'urlSecret',
};

function route(r: Rendered): Record<string, unknown> {
  const { matchers, routes, ...rest } = r;
  return {
    ...crdFields(rest),
    ...(matchers ? { matchers: (matchers as string[]).map(matcher) } : {}),
    ...(routes ? { routes: (routes as Rendered[]).map(route) } : {}),
  };
}

/** Alertmanager's snake_case fields in the CRD's camelCase (the generated class maps them to the wire names). */
function crdFields(value: Rendered): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const secretField = SECRET_FIELDS[key];
    if (secretField) out[secretField] = secretRef(v as string);
    // A mail's headers are a map in alertmanager.yml and a list of key and value in the CRD.
    else if (key === 'headers' && isObject(v)) out.headers = Object.entries(v).map(([k, x]) => ({ key: k, value: x }));
    else
      out[camel(key)] = Array.isArray(v)
        ? v.map((x) => (isObject(x) ? crdFields(x) : x))
        : isObject(v)
          ? crdFields(v)
          : v;
  }
  return out;
}

function secretRef(path: string): { name: string; key: string } {
  const [name, key] = path.slice(SECRET_MARK.length + 1).split('/');
  return { name, key };
}

/** `label="value"` or `label!="value"` (values double-quoted, as the checked configuration renders them). */
function matcher(text: string): { name: string; value: string; matchType: string } {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(!=|=)(".*")$/.exec(text);
  if (!match) throw new Error(`matcher '${text}': not 'label="value"' or 'label!="value"'`);
  return { name: match[1], matchType: match[2], value: JSON.parse(match[3]) as string };
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function isObject(v: unknown): v is Rendered {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
