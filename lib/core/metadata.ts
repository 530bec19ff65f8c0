// Internal: where objects live and their metadata: the namespace, cluster-scoped kinds, explicit stable names.
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** The namespace objects are written to: the explicit prop, else the chart's, else `default`. */
export function resolveNamespace(scope: Construct, explicit?: string): string {
  return explicit ?? Chart.of(scope).namespace ?? 'default';
}

/** Drops the namespace cdk8s copies from the chart onto every object: cluster-scoped kinds (PersistentVolume, Namespace) have none. */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/** Object metadata with an explicit, stable name (never a cdk8s hash suffix). */
export function meta(name: string, namespace: string, labels: Record<string, string>, annotations?: Record<string, string>): k8s.ObjectMeta {
  return {
    name,
    namespace,
    labels,
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
