// The rules of `plan`: one table, each rule with its id, kind, detection, why and remedy.
//
// "refused" rules are the changes the Kubernetes API server forbids on an existing object, on any supported release
// (1.27 to 1.37; the validation of pkg/apis/{apps,core,batch,rbac,storage}/validation: ValidateStatefulSetUpdate,
// ValidateDeploymentUpdate, ValidateDaemonSetUpdate, ValidateServiceUpdate, ValidatePersistentVolumeClaimUpdate,
// ValidatePersistentVolumeUpdate, the selector-matches-template check of every workload, ValidateJobUpdate,
// ValidatePriorityClassUpdate, ValidateConfigMapUpdate, ValidateSecretUpdate, ValidateRoleBindingUpdate,
// ValidateStorageClassUpdate); every one of them is applied to real 1.27.16 and 1.37.2 kube-apiservers by
// test/e2e/cluster/plan.e2e.ts, and a rule's `kubernetes` says where a release differs. "hazard" rules are changes
// the server accepts but the data does not survive; "warning" rules are safe but disruptive or against upstream advice.
import { FindingKind, PlanRule, RuleDef } from './rule';
import { HAZARD_RULES } from './rules-hazard';
import { REFUSED_RULES } from './rules-refused';
import { WARNING_RULES } from './rules-warning';

/** The table. Order is the order findings are printed in, for one object. */
export const RULE_TABLE: readonly RuleDef[] = [...REFUSED_RULES, ...HAZARD_RULES, ...WARNING_RULES];

/** The rules, without their detection code (for documentation and tooling). */
export const PLAN_RULES: readonly PlanRule[] = RULE_TABLE.map(({ id, kind, title, why, remedy, kubernetes }) => ({
  id, kind, title, why, remedy,
  kubernetes: kubernetes ?? (kind === FindingKind.REFUSED
    ? '1.27 to 1.37: every release refuses it (proved on 1.27.16 and 1.37.2)'
    : '1.27 to 1.37: the API server accepts the change; the finding is about the data, the quorum or the pods'),
}));

