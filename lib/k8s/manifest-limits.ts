/**
 * Client-side `kubectl apply` copies an object into its last-applied annotation, and all of an
 * object's annotations may hold at most 256 KiB (a ConfigMap at most 1 MiB): the smaller decides.
 */
export const KUBECTL_APPLY_ANNOTATION_LIMIT = 262_144;

/**
 * The API server refuses a ConfigMap whose data values exceed 1 MiB together (ValidateConfigMap,
 * core.MaxSecretSize, in k8s.io/kubernetes 1.36.3). Server-side apply keeps no copy in an
 * annotation, so through it this is the only limit.
 */
export const CONFIGMAP_DATA_LIMIT = 1_048_576;

/**
 * Fails when the data of ConfigMap `name` exceeds `limit` bytes (keys and values counted):
 * by default what fits through client-side `kubectl apply`.
 */
export function checkConfigMapSize(
  name: string,
  data: Readonly<Record<string, string>>,
  limit: number = KUBECTL_APPLY_ANNOTATION_LIMIT,
): void {
  const bytes = configMapDataBytes(data);
  if (bytes > limit) {
    const why =
      limit === KUBECTL_APPLY_ANNOTATION_LIMIT
        ? `over the ${limit} bytes that 'kubectl apply' can record in its last-applied annotation`
        : `over the ${limit} bytes`;
    throw new Error(`ConfigMap '${name}': its data is ${bytes} bytes, ${why}; split it into several ConfigMaps`);
  }
}

/** The bytes of a ConfigMap's keys and values. */
export function configMapDataBytes(data: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [key, content] of Object.entries(data)) bytes += Buffer.byteLength(key) + Buffer.byteLength(content);
  return bytes;
}
