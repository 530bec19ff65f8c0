// Internal: the identity of a batch pod (the backup CronJobs, Cassandra's auth bootstrap Job): its own ServiceAccount
// without an API token, its own NetworkPolicy (no ingress; DNS and what it needs out), and the per-object linter
// exceptions every batch pod needs.
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { meta } from './metadata';
import { networkPolicySpec } from './network-policy';
import { IMAGE_USER_EXCEPTION } from './security';

/** The per-object exceptions every batch pod needs (no probes: it serves nothing, and a deadline bounds it). */
export const BATCH_JOB_ANNOTATIONS: Record<string, string> = {
  'ignore-check.kube-linter.io/no-readiness-probe': 'a batch job serves no traffic',
  'ignore-check.kube-linter.io/no-liveness-probe': 'a batch job is bounded by activeDeadlineSeconds',
  ...IMAGE_USER_EXCEPTION,
};

/**
 * A batch job's own ServiceAccount (no API token) and NetworkPolicy (no ingress; DNS and `egress` out), named `name`,
 * with construct ids `<id>-sa` and `<id>-netpol`. Returns the ServiceAccount's name.
 */
export function batchIdentity(scope: Construct, id: string, o: { name: string; namespace: string; labels: Record<string, string>;
  selector: Record<string, string>; egress: k8s.NetworkPolicyEgressRule[]; }): string {
  const sa = new k8s.KubeServiceAccount(scope, `${id}-sa`, { metadata: meta(o.name, o.namespace, o.labels), automountServiceAccountToken: false });
  new k8s.KubeNetworkPolicy(scope, `${id}-netpol`, {
    metadata: meta(o.name, o.namespace, o.labels),
    spec: networkPolicySpec(o.selector, [], o.egress),
  });
  return sa.name;
}
