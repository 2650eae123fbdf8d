import { dnsSubdomainProblem } from '../core';

/**
 * A credential held in a Kubernetes Secret, named by reference. Components mount the Secret as
 * files and their configuration reads the file (`password_file`, `api_url_file`, ...), so no
 * secret value is ever in a generated file.
 */
export interface SecretKeyRef {
  /** The Secret's name, in the component's namespace. */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Fails unless `ref` names a Secret and key Kubernetes would accept. */
export function checkSecretRef(owner: string, field: string, ref: SecretKeyRef): void {
  if (typeof ref !== 'object' || ref === null || typeof ref.secretName !== 'string' || typeof ref.key !== 'string') {
    throw new Error(`${owner}: '${field}' must be a reference to a Secret ({ secretName, key }), not a literal value`);
  }
  const problem = dnsSubdomainProblem(ref.secretName);
  if (problem) throw new Error(`${owner}: '${field}.secretName' '${ref.secretName}' ${problem}`);
  if (!SECRET_KEY.test(ref.key) || ref.key.length > 253) {
    throw new Error(`${owner}: '${field}.key' '${ref.key}' must be letters, digits, "-", "_" and "."`);
  }
}

/** Where a Secret is mounted in a container: one folder per Secret under `root`. */
export function secretMountPath(root: string, ref: SecretKeyRef): string {
  return `${root}/${ref.secretName}`;
}

/** The file a component reads the referenced value from. */
export function secretFilePath(root: string, ref: SecretKeyRef): string {
  return `${secretMountPath(root, ref)}/${ref.key}`;
}

/** The distinct Secrets among `refs`, sorted by name, for volumes and mounts. */
export function distinctSecrets(refs: readonly SecretKeyRef[]): string[] {
  return [...new Set(refs.map((r) => r.secretName))].sort();
}
