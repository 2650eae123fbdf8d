/**
 * Client-side `kubectl apply` copies an object into its last-applied annotation, and all of an
 * object's annotations may hold at most 256 KiB (a ConfigMap at most 1 MiB): the smaller decides.
 */
export const KUBECTL_APPLY_ANNOTATION_LIMIT = 262_144;

/** Fails when the data of ConfigMap `name` would not fit through `kubectl apply`. */
export function checkConfigMapSize(name: string, data: Readonly<Record<string, string>>): void {
  let bytes = 0;
  for (const [key, content] of Object.entries(data)) bytes += Buffer.byteLength(key) + Buffer.byteLength(content);
  if (bytes > KUBECTL_APPLY_ANNOTATION_LIMIT) {
    throw new Error(
      `ConfigMap '${name}': its data is ${bytes} bytes, over the ${KUBECTL_APPLY_ANNOTATION_LIMIT} bytes that 'kubectl apply' can record in its last-applied annotation; split it into several ConfigMaps`,
    );
  }
}
