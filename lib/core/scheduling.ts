// Where a workload's pods may run: the scheduling controls every system offers, and how they are checked.
import * as k8s from '../../imports/k8s';
import { isQualifiedName, LABEL_VALUE, QUALIFIED_KEY_RULE } from './validation-rules';
import { PropValidator } from './validation';

/** How strictly pods of one workload are kept off the same node. */
export enum PodAntiAffinity {
  /** Never two pods on one node: a node failure costs at most one member. Pods stay Pending when nodes run out. */
  REQUIRED = 'required',
  /** Spread across nodes when possible; share a node rather than stay Pending. */
  PREFERRED = 'preferred',
  /** No anti-affinity. */
  NONE = 'none',
}

/**
 * Where a workload's pods may run and how they rank against others: the scheduling controls every chart offers.
 * Every system takes them as `scheduling`; its batch pods (backups, snapshots, Cassandra's auth bootstrap) take the
 * priority class, tolerations and node selector too.
 */
export interface SchedulingOptions {
  /**
   * PriorityClass of the pods (it must exist in the cluster), so that they are scheduled, and not preempted, before
   * less important workloads.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Tolerations, e.g. to run on nodes tainted for databases (`dedicated=db:NoSchedule`).
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node labels the pods must run on (`nodeSelector`).
   * @default - any Linux node
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * Spread the pods evenly across zones (`topology.kubernetes.io/zone`, maxSkew 1, best effort: nodes without a
   * zone label still take pods).
   * @default - per system: on for the quorum and ring systems (Consul, Cassandra), off for single pods and for StatefulCluster
   */
  readonly spreadAcrossZones?: boolean;
  /**
   * How strictly the pods are kept off the same node (`kubernetes.io/hostname`).
   * @default - per system: PodAntiAffinity.REQUIRED for Consul and Cassandra (two members on one node would fail
   * together), PodAntiAffinity.NONE for PostgreSQL (one pod), PodAntiAffinity.PREFERRED for Squash TM and StatefulCluster
   */
  readonly antiAffinity?: PodAntiAffinity;
}

/** The scheduling controls with a system's defaults filled in. */
export interface ResolvedScheduling {
  readonly priorityClassName?: string;
  readonly tolerations?: k8s.Toleration[];
  readonly nodeSelector?: { [key: string]: string };
  readonly spreadAcrossZones: boolean;
  readonly antiAffinity: PodAntiAffinity;
}

/** `scheduling` with the system's own defaults for the zone spread and the anti-affinity. */
export function resolveScheduling(o: SchedulingOptions | undefined, defaults: { spreadAcrossZones: boolean; antiAffinity: PodAntiAffinity }): ResolvedScheduling {
  return {
    priorityClassName: o?.priorityClassName,
    tolerations: o?.tolerations,
    nodeSelector: o?.nodeSelector,
    spreadAcrossZones: o?.spreadAcrossZones ?? defaults.spreadAcrossZones,
    antiAffinity: o?.antiAffinity ?? defaults.antiAffinity,
  };
}

/** What a system's batch pods (backups, snapshots, Cassandra's auth bootstrap) take from its scheduling options. */
export interface BatchScheduling {
  readonly priorityClassName?: string;
  readonly tolerations?: k8s.Toleration[];
  readonly nodeSelector?: { [key: string]: string };
}

/**
 * The scheduling options a system's batch pods inherit: the priority class, tolerations and node selector (the nodes
 * the system may run on, and how it ranks), not the anti-affinity or zone spread, which keep the servers apart from
 * each other (a batch pod is one pod, and runs beside them).
 */
export function batchScheduling(o: SchedulingOptions | undefined): BatchScheduling {
  return { priorityClassName: o?.priorityClassName, tolerations: o?.tolerations, nodeSelector: o?.nodeSelector };
}

/** The well-known node label naming a node's zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

const TOLERATION_OPERATORS = ['Exists', 'Equal'];

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * The scheduling controls (`SchedulingOptions`, or the same props of StatefulCluster) as the API server checks them,
 * at `v`'s path: `v.child('scheduling')` for the systems' `scheduling` prop, `v` itself for StatefulCluster's.
 */
export function validateScheduling(v: PropValidator, o: SchedulingOptions | undefined): void {
  if (o === undefined) return;
  if (o.antiAffinity !== undefined) v.child('antiAffinity').oneOf(o.antiAffinity, Object.values(PodAntiAffinity));
  v.child('nodeSelector').labels(o.nodeSelector);
  if (o.priorityClassName !== undefined) v.child('priorityClassName').dnsSubdomain(o.priorityClassName);
  if (o.spreadAcrossZones !== undefined) v.child('spreadAcrossZones').check(typeof o.spreadAcrossZones === 'boolean', 'must be true or false', o.spreadAcrossZones);
  if (o.tolerations === undefined) return;
  if (!v.child('tolerations').check(Array.isArray(o.tolerations), 'must be a list', o.tolerations)) return;
  (o.tolerations as Array<Record<string, unknown>>).forEach((t, i) => {
    const at = v.child('tolerations').index(i);
    const operator = t?.operator ?? 'Equal';
    at.child('operator').check(TOLERATION_OPERATORS.includes(operator as string), `must be one of ${TOLERATION_OPERATORS.join(', ')}`, operator);
    if (t?.key !== undefined && t.key !== '') at.child('key').check(isQualifiedName(t.key), QUALIFIED_KEY_RULE, t.key);
    else at.child('operator').check(operator === 'Exists', 'must be Exists when no key is given (a toleration of every taint)', operator);
    if (operator === 'Exists') at.child('value').check(t?.value === undefined || t.value === '', 'must be empty with operator Exists', t?.value);
    else if (t?.value !== undefined) at.child('value').check(typeof t.value === 'string' && (t.value === '' || LABEL_VALUE.test(t.value)), 'must be a label value', t.value);
    if (t?.effect !== undefined && t.effect !== '') at.child('effect').check(TAINT_EFFECTS.includes(t.effect as string), `must be one of ${TAINT_EFFECTS.join(', ')} (or empty: every effect)`, t.effect);
    if (t?.tolerationSeconds !== undefined) {
      at.child('tolerationSeconds').check(t.effect === 'NoExecute', 'is only allowed with effect NoExecute', t.tolerationSeconds);
      at.child('tolerationSeconds').integer(t.tolerationSeconds, 0);
    }
  });
}
