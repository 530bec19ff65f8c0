// Internal: every object of an app must have its own identity (API group, kind, namespace, name). kustomize,
// `kubectl apply -k`, Argo CD and Flux refuse an output with two objects of one identity ("may not add resource
// with an already registered id"); plain `kubectl apply -f` silently applies the second over the first. Caught at
// synth instead, naming both construct paths.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Kinds without a namespace: their identity is group, kind and name. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'CertificateSigningRequest',
]);

const REGISTERED = Symbol.for('cdk8s-stateful-constructs.unique-object-identities');

/** The identity kustomize keys an object by: `group/kind namespace/name` (no namespace for cluster-scoped kinds). */
export function objectIdentity(o: ApiObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'core';
  const namespace = CLUSTER_SCOPED_KINDS.has(o.kind) ? '' : `${o.metadata.namespace ?? 'default'}/`;
  return `${group}/${o.kind} ${namespace}${o.name}`;
}

/** One message per object whose identity an earlier object of the tree already has. */
export function duplicateObjectErrors(root: IConstruct): string[] {
  const first = new Map<string, ApiObject>();
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const id = objectIdentity(c);
    const other = first.get(id);
    if (other) {
      errors.push(`two objects have the identity ${id}: ${other.node.path} and ${c.node.path}; `
        + 'kustomize, kubectl apply -k, Argo CD and Flux refuse the output (and kubectl apply -f would apply one over the other): give one of them another name or namespace');
    } else {
      first.set(id, c);
    }
  }
  return errors;
}

/**
 * Registers, once per app, a validation of the whole tree at its root: `app.synth()` (what `cdk8s synth` runs) and
 * `Manifests.write` run it before anything is written.
 */
export function checkUniqueObjectIdentities(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [REGISTERED]?: boolean };
  if (root[REGISTERED]) return;
  root[REGISTERED] = true;
  root.node.addValidation({ validate: () => duplicateObjectErrors(root) });
}
