import { type ApiObject, JsonPatch } from 'cdk8s';

/** Drops the namespace a chart gives every object from a cluster-scoped one (Namespace, ClusterRole, ...). */
export function clusterScoped(obj: ApiObject): ApiObject {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}
