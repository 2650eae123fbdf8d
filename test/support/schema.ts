import * as models from 'kubernetes-models';
import { type DistDocument, jsonPath, type KubeObject, where } from './dist';

/**
 * Schema checks of Kubernetes objects with kubernetes-models (the Kubernetes OpenAPI definitions
 * compiled to validators).
 *
 * Where the schemas are: kubernetes-models ships no JSON Schema documents. Its generator compiles
 * each OpenAPI definition with ajv (standalone code, `allErrors`) into one validate function per
 * definition (`kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSetSpec.js`,
 * `@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta.js`, ...), and
 * `setValidateFunc` installs the top-level one as the class's `validate()`, which checks `this`.
 * Those files are not in the package's `exports`; the class method is the public way to reach them.
 *
 * Unknown fields: the compiled code reads every property the definition declares, present or not
 * (`void 0===data.replicas||validate(data.replicas, ...)`), follows a `$ref` by calling the
 * referenced definition's function on the nested value, and enumerates an object's keys
 * (`for (key in data)`) only where the definition has `additionalProperties` (labels, annotations,
 * ConfigMap data, resource lists, nodeSelector). It sets `additionalProperties: false` nowhere, so
 * ajv alone accepts any extra key. The check runs the class's own validator on a recording Proxy of
 * the object: the keys read at an object are its definition's `properties`; an enumerated object is
 * a map, whose keys are all allowed; any other key is an unknown field. An object none of whose
 * keys is read has a definition without properties (a free-form object such as RawExtension) and is
 * not checked; the walk never descends into an unknown field.
 */

/** A kubernetes-models class of a top-level kind, such as `StatefulSet` of `apps/v1`. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
  readonly prototype: { validate(): void };
}

/** One problem of one object, at a JSON path (`spec.replicas`; '' for the object itself). */
export interface SchemaViolation {
  /** A kind kubernetes-models has no class for; what `validate()` rejects; a field the schema does not declare. */
  readonly problem: 'unknown-kind' | 'invalid' | 'unknown-field';
  readonly path: string;
  readonly message: string;
}

let registry: ReadonlyMap<string, ModelClass> | undefined;

/** Every top-level kind kubernetes-models has a class for, by `apiVersion/kind`. */
function knownKinds(): ReadonlyMap<string, ModelClass> {
  if (registry) return registry;
  const found = new Map<string, ModelClass>();
  const seen = new Set<object>();
  const visit = (namespace: object) => {
    if (seen.has(namespace)) return;
    seen.add(namespace);
    for (const value of Object.values(namespace)) {
      if (typeof value === 'function') {
        const c = value as Partial<ModelClass>;
        if (typeof c.apiVersion === 'string' && typeof c.kind === 'string')
          found.set(`${c.apiVersion}/${c.kind}`, value as ModelClass);
      } else if (typeof value === 'object' && value !== null) {
        visit(value); // an API group (`apps`) or version (`apps.v1`) namespace
      }
    }
  };
  visit(models);
  registry = found;
  return found;
}

/** The kubernetes-models class for an object's apiVersion and kind, or undefined when it has none. */
export function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  return knownKinds().get(`${apiVersion}/${kind}`);
}

/**
 * Everything wrong with an object against its Kubernetes schema: a kind kubernetes-models does not
 * know, what the class's `validate()` rejects (types, enums, required fields, formats), and every
 * unknown field.
 */
export function schemaViolations(object: KubeObject): SchemaViolation[] {
  const Model = modelFor(object.apiVersion, object.kind);
  if (!Model) {
    const elsewhere = [...knownKinds().values()].filter((c) => c.kind === object.kind).map((c) => c.apiVersion);
    const hint = elsewhere.length > 0 ? ` (it knows ${object.kind} as ${elsewhere.join(', ')})` : '';
    return [
      {
        problem: 'unknown-kind',
        path: '',
        message: `unknown kind: kubernetes-models has no class for apiVersion '${object.apiVersion}' kind '${object.kind}'${hint}`,
      },
    ];
  }
  return [
    ...validationErrors(Model, object),
    ...unknownFields(Model, object).map((path) => ({
      problem: 'unknown-field' as const,
      path,
      message: `unknown field ${path}`,
    })),
  ];
}

/** What the class's `validate()` throws, one violation per ajv error, with the JSON path resolved on the object. */
function validationErrors(Model: ModelClass, object: KubeObject): SchemaViolation[] {
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: readonly { instancePath?: string; message?: string }[] }).errors;
    if (!Array.isArray(errors)) throw error; // not a validation error: a defect to see, not a violation
    const seen = new Set<string>();
    return errors.flatMap((e) => {
      const path = resolvePath(object, e.instancePath ?? '');
      const message = `${path || 'the object'} ${e.message ?? 'is invalid'}`;
      if (seen.has(message)) return [];
      seen.add(message);
      return [{ problem: 'invalid' as const, path, message }];
    });
  }
}

/** An ajv instance path (`/spec/template/spec/containers/0/name`) as a JSON path on the object, array indices told from keys. */
function resolvePath(object: unknown, instancePath: string): string {
  const segments: (string | number)[] = [];
  let node: unknown = object;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : undefined;
    segments.push(index ?? key);
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return jsonPath(segments);
}

/** The JSON paths of the fields of `object` its schema does not declare, in document order. */
function unknownFields(Model: ModelClass, object: KubeObject): string[] {
  const read = new Map<object, Set<PropertyKey>>();
  const enumerated = new Set<object>();
  const proxies = new WeakMap<object, object>();
  const recordRead = (target: object, key: PropertyKey) => {
    let keys = read.get(target);
    if (!keys) {
      keys = new Set();
      read.set(target, keys);
    }
    keys.add(key);
  };
  const record = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    let proxy = proxies.get(value);
    if (!proxy) {
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          recordRead(target, key);
          return record(Reflect.get(target, key, receiver));
        },
        has(target, key) {
          recordRead(target, key);
          return Reflect.has(target, key);
        },
        ownKeys(target) {
          enumerated.add(target);
          return Reflect.ownKeys(target);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  try {
    Model.prototype.validate.call(record(object));
  } catch {
    // What the schema rejects is reported by validationErrors; here only the keys read matter.
  }

  const unknown: string[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, [...path, i]);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const declared = read.get(value);
    for (const [key, child] of Object.entries(value)) {
      const isMap = enumerated.has(value);
      const isFreeForm = declared === undefined;
      if (isMap || isFreeForm || declared.has(key)) walk(child, [...path, key]);
      else unknown.push(jsonPath([...path, key]));
    }
  };
  walk(object, []);
  return unknown;
}

/** Every schema violation of `docs`, each as `dist/<file>: Kind/name: <message>`; only those of the given problems when named. */
export function schemaMessages(
  docs: readonly DistDocument[],
  problems?: readonly SchemaViolation['problem'][],
): string[] {
  return docs.flatMap((doc) =>
    schemaViolations(doc.object)
      .filter((v) => !problems || problems.includes(v.problem))
      .map((v) => `${where(doc)}: ${v.message}`),
  );
}
