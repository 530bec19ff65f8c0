// Internal: every object of an app must have its own identity (API group, kind, namespace, name). kustomize,
// `kubectl apply -k`, Argo CD and Flux refuse an output with two objects of one identity ("may not add resource
// with an already registered id"); plain `kubectl apply -f` silently applies the second over the first. Caught at
// synth instead, naming both construct paths.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { objectRef } from './object-ref';

const REGISTERED = Symbol.for('cdk8s-stateful-constructs.unique-object-identities');

/** The identity kustomize keys an object by (see {@link objectRef}); a namespaced object without one is in `default`. */
export function objectIdentity(o: ApiObject): string {
  return objectRef({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.metadata.namespace } }, 'default').key;
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

/** Id of the construct, under the app, that carries the check (cdk8s names it in the error: `[<id>] ...`). */
const CHECK_ID = 'cdk8s-stateful-constructs';

/**
 * Registers, once per app, a validation of the whole tree: `app.synth()` (what `cdk8s synth` runs) and
 * `Manifests.write` run it before anything is written. It is carried by a construct of its own under the app (not
 * by the app itself, whose path is empty), so the error reads `[cdk8s-stateful-constructs] two objects ...`.
 */
export function checkUniqueObjectIdentities(scope: IConstruct): void {
  const root = scope.node.root as IConstruct & { [REGISTERED]?: boolean };
  if (root[REGISTERED]) return;
  root[REGISTERED] = true;
  const check = new Construct(root as Construct, CHECK_ID);
  check.node.addValidation({ validate: () => duplicateObjectErrors(root) });
}
