// The rules of `plan`: one table, each rule with its id, kind, detection, why and remedy.
//
// "refused" rules are the changes the Kubernetes 1.27 API server forbids on an existing object (the validation of
// pkg/apis/{apps,core,batch,rbac,storage}/validation at v1.27: ValidateStatefulSetUpdate, ValidateDeploymentUpdate,
// ValidateDaemonSetUpdate, ValidateServiceUpdate, ValidatePersistentVolumeClaimUpdate, ValidatePersistentVolumeUpdate,
// the selector-matches-template check of every workload, ValidateJobUpdate, ValidatePriorityClassUpdate,
// ValidateConfigMapUpdate, ValidateSecretUpdate, ValidateRoleBindingUpdate, ValidateStorageClassUpdate); every
// one of them is applied to a real 1.27 kube-apiserver by test/e2e/cluster/plan.e2e.ts. "hazard" rules are changes
// the server accepts but the data does not survive; "warning" rules are safe but disruptive or against upstream advice.
import { PlanRule, RuleDef } from './rule';
import { HAZARD_RULES } from './rules-hazard';
import { REFUSED_RULES } from './rules-refused';
import { WARNING_RULES } from './rules-warning';

/** The table. Order is the order findings are printed in, for one object. */
export const RULE_TABLE: readonly RuleDef[] = [...REFUSED_RULES, ...HAZARD_RULES, ...WARNING_RULES];

/** The rules, without their detection code (for documentation and tooling). */
export const PLAN_RULES: readonly PlanRule[] = RULE_TABLE.map(({ id, kind, title, why, remedy }) => ({ id, kind, title, why, remedy }));

