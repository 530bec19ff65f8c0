// Internal: the cdk8s-plus-27 storage workaround, in one place: claim templates written in the form the API server
// stores them.
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { READ_WRITE_ONCE } from './kplus';
import { quantity } from './resources';
import { ClaimTemplate } from './stateful-cluster-props';

/**
 * The cdk8s-plus-27 storage workaround, in one place: a raw claim template whose size is a real quantity string,
 * in the form the API server stores it: with `apiVersion`, `kind`, `volumeMode: Filesystem`,
 * `status.phase: Pending` and `metadata.creationTimestamp: null` (what the server fills in). `volumeClaimTemplates`
 * is an atomic list: written any other way, every client-side `kubectl apply` sends it again ("configured" forever),
 * and server-side apply (Argo CD, Flux, `kubectl apply --server-side`) conflicts with the client-side apply that
 * created the StatefulSet. Proved on a real API server by the e2e:cluster suite.
 */
export function serverFormClaimTemplate(c: ClaimTemplate, labels: Record<string, string>): unknown {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: c.name, labels, creationTimestamp: null },
    spec: {
      accessModes: c.accessModes ?? [READ_WRITE_ONCE],
      ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
      resources: { requests: { storage: quantity(c.size).value } },
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Pending' },
  };
}

/**
 * A StatefulSet whose claim templates are written in the server's form ({@link serverFormClaimTemplate}): the
 * generated KubeStatefulSet serializes through its typed props, which have no place for some of those fields.
 */
export class ServerFormStatefulSet extends k8s.KubeStatefulSet {
  constructor(scope: Construct, id: string, private readonly claimTemplates: unknown[], props: k8s.KubeStatefulSetProps) {
    super(scope, id, props);
  }

  public toJson(): any {
    const json = super.toJson();
    if (this.claimTemplates.length > 0) json.spec.volumeClaimTemplates = this.claimTemplates;
    return json;
  }
}
