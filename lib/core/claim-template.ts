// Internal: the cdk8s-plus-27 storage workaround, in one place: claim templates written in the form the API server
// stores them.
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { READ_WRITE_ONCE } from './kplus';
import { quantity } from './resources';
import { ClaimTemplate } from './stateful-cluster-props';

/**
 * Every claim template carries this `metadata.creationTimestamp`: a fixed, non-zero time that every API server stores
 * and echoes as written. A template's creationTimestamp is never used (the API server stamps each claim it creates
 * with the real time); the value only has to be one the server gives back unchanged. The zero value does not work on
 * every release: up to 1.33 the API server echoes it as `creationTimestamp: null`, from 1.34 on it leaves it out
 * (kubernetes/kubernetes#130989), so neither writing `null` nor leaving it out matches both.
 */
const CLAIM_TEMPLATE_CREATION_TIMESTAMP = '1970-01-01T00:00:00Z';

/**
 * The cdk8s-plus-27 storage workaround, in one place: a raw claim template whose size is a real quantity string,
 * in the form the API server stores it: with `apiVersion`, `kind`, `volumeMode: Filesystem`, `status.phase: Pending`
 * and a fixed `metadata.creationTimestamp` ({@link CLAIM_TEMPLATE_CREATION_TIMESTAMP}). `volumeClaimTemplates` is an
 * atomic list: written in any other form than the server echoes, every client-side `kubectl apply` sends it again
 * ("configured" forever), and server-side apply (Argo CD, Flux, `kubectl apply --server-side`) conflicts with the
 * client-side apply that created the StatefulSet. Proved on real API servers 1.27 and 1.37 by the e2e:cluster suite.
 */
export function serverFormClaimTemplate(c: ClaimTemplate, labels: Record<string, string>): unknown {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: c.name, labels, creationTimestamp: CLAIM_TEMPLATE_CREATION_TIMESTAMP },
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
