/**
 * What applying a new output over the previous one changes, and whether the API server and the data survive it
 * (`npm run plan`). TypeScript only: `cdk8s-stateful-constructs/plan`, a subpath of the package outside the jsii
 * assembly. It reads and compares manifests (files, parsed YAML) in a Node.js pipeline, whatever language
 * synthesized them; its inputs are free-form Kubernetes objects, which other languages would see as untyped maps.
 * @module cdk8s-stateful-constructs/plan
 */
export { plan, Plan, PlanOptions, PlanFinding, ObjectChange } from './plan';
export { PlanObject, ObjectRef, FieldChange } from './diff';
export { FindingKind, PlanRule, ACK_ANNOTATION } from './rule';
export { PLAN_RULES } from './rules';
export { formatPlan, FormatPlanOptions, readManifests, parseManifests, kubernetesObjects } from './report';
