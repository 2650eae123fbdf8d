import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root; file names in messages are relative to it (`dist/0001-prometheus.k8s.yaml`). */
const ROOT = resolve(__dirname, '../..');

/** Every example and environment `npm run synth` renders, one folder of dist/ each. */
export const DIST_ROOT = join(ROOT, 'dist');

/** The standalone example, the stack with its own servers: what most tests judge. */
export const DIST_DIR = join(DIST_ROOT, 'standalone');

/** The names of dist/'s folders (the examples and the environments), sorted. */
export function exampleNames(): string[] {
  return readdirSync(DIST_ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** An example's or environment's folder. */
export function exampleDir(name: string): string {
  return join(DIST_ROOT, name);
}

/** A Kubernetes object as read from a manifest: only the type meta is known to be there. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** One document of one manifest file. */
export interface DistDocument {
  /** The file, relative to the repository root, as messages name it. */
  readonly file: string;
  /** Position of the document in its file, from 0. */
  readonly index: number;
  readonly object: KubeObject;
}

/** The manifest files in `dir`, in apply order. */
export function distFiles(dir: string = DIST_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.k8s.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Every document of every `*.k8s.yaml` file in `dir`, read from disk on every call (dist/ changes
 * under the tests' feet while constructs are edited; nothing is cached).
 *
 * Documents are read as YAML 1.1, as kubectl's YAML reader (sigs.k8s.io/yaml, go-yaml v2) reads them:
 * an unquoted `on` or `yes` is a boolean there, and the schema check must see what the API server sees.
 * A YAML error or a document that is not an object with a string apiVersion and kind throws,
 * naming the file and the document.
 */
export function loadDist(dir: string = DIST_DIR, version: '1.1' | '1.2' = '1.1'): DistDocument[] {
  return distFiles(dir).flatMap((path) => parseManifest(relative(ROOT, path), readFileSync(path, 'utf8'), version));
}

/** The documents of one manifest's text; `file` only names it in messages. */
export function parseManifest(file: string, text: string, version: '1.1' | '1.2' = '1.1'): DistDocument[] {
  return parseAllDocuments(text, { version }).flatMap((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0)
      throw new Error(`${file}: document ${index}: ${problems.map((p) => p.message).join('; ')}`);
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
    if (value === null || value === undefined) return []; // an empty document (a trailing `---`) holds no object
    if (!isKubeObject(value)) {
      throw new Error(
        `${file}: document ${index}: not a Kubernetes object (an object with a string 'apiVersion' and 'kind')`,
      );
    }
    return [{ file, index, object: value }];
  });
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

/** `Kind/name`, as messages name an object. */
export function objectRef(object: KubeObject): string {
  return `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
}

/** `dist/0001-prometheus.k8s.yaml: StatefulSet/prometheus`, the prefix of every message about a document. */
export function where(doc: DistDocument): string {
  return `${doc.file}: ${objectRef(doc.object)}`;
}

export function byKind(docs: readonly DistDocument[], kind: string): DistDocument[] {
  return docs.filter((d) => d.object.kind === kind);
}

/**
 * A JSON path in the form messages use: `spec.template.spec.containers[0].image`, with keys that are
 * not identifiers quoted (`metadata.labels["app.kubernetes.io/name"]`).
 */
export function jsonPath(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_$][\w$-]*$/.test(s)
          ? i === 0
            ? s
            : `.${s}`
          : `[${JSON.stringify(s)}]`,
    )
    .join('');
}
