// The identity of a Kubernetes object on the API server, in one format for the whole library: the duplicate check at
// synth (identity.ts) and the plan (lib/plan) key objects the same way.

/**
 * What identifies an object on the API server: API group (not version: `v1beta1` and `v1` of one kind are the same
 * object), kind, namespace and name.
 */
export interface ObjectRef {
  /** API group; `''` for the core group. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /**
   * Namespace.
   * @default - cluster-scoped (or the object's namespace is left to kubectl)
   */
  readonly namespace?: string;
  /** Name. */
  readonly name: string;
  /**
   * `Kind[.group]/[namespace/]name`, e.g. `StatefulSet.apps/consul/consul`, `Namespace/consul`: the key objects are
   * matched by, and the object part of a plan finding id.
   */
  readonly key: string;
}

/** Kinds without a namespace: their identity is group, kind and name, whatever namespace a manifest gives them. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'CertificateSigningRequest',
]);

/** The parts of an object its identity is made of (a synthesized manifest, or what an ApiObject says). */
export interface ObjectRefSource {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * The identity of `o`. A namespaced object without a namespace gets `defaultNamespace` (what the API server would
 * give it: `default` for the objects of an app; none for manifests whose namespace kubectl decides).
 */
export function objectRef(o: ObjectRefSource, defaultNamespace?: string): ObjectRef {
  const apiVersion = o.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const kind = o.kind ?? '';
  const name = o.metadata?.name ?? '';
  const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? undefined : o.metadata?.namespace ?? defaultNamespace;
  const key = `${kind}${group ? `.${group}` : ''}/${namespace ? `${namespace}/` : ''}${name}`;
  return { group, kind, namespace, name, key };
}
