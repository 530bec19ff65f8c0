// The model of a plan rule: its kind, its text, and what its detection sees of one object's change.
import { FieldChange, ObjectRef, PlanObject } from './diff';

/** How serious a finding is. */
export enum FindingKind {
  /** The API server rejects the change on the existing object: the apply fails (halfway through, with others applied). */
  REFUSED = 'refused',
  /** The API server accepts the change, but the data (or the cluster's quorum) does not survive it. */
  HAZARD = 'hazard',
  /** Accepted and safe for the data, but disruptive or against the upstream project's advice: read before merging. */
  WARNING = 'warning',
}

/** A rule of the plan: what it detects, why that is dangerous, what to do instead. */
export interface PlanRule {
  /** Stable id, used in finding ids and to acknowledge findings (`--ack <id>`, the plan-ack annotation). */
  readonly id: string;
  /** Refused and hazard findings fail the plan unless acknowledged; warnings never do. */
  readonly kind: FindingKind;
  /** One line: what changes. */
  readonly title: string;
  /** Why the change is dangerous (or refused). */
  readonly why: string;
  /** What to do instead, or how to make the change safely. */
  readonly remedy: string;
  /**
   * The Kubernetes releases the rule holds for. A refused rule: the API servers that refuse the change (each is
   * applied to real 1.27.16 and 1.37.2 API servers); where some release accepts part of it, which. The plan refuses
   * what any release of the supported range (1.27 to 1.37) refuses: acknowledge a finding that only older releases
   * refuse when every cluster you apply to is newer.
   */
  readonly kubernetes: string;
}

/** One object's change, as the rules see it. */
export interface ChangeContext {
  readonly ref: ObjectRef;
  readonly old?: PlanObject;
  readonly new?: PlanObject;
  /** Changed leaves (empty for added and removed objects). */
  readonly changes: FieldChange[];
}

/** One detection of a rule on one object. */
export interface Hit {
  readonly field: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** Specific to this hit (counts, versions), printed before the rule's why. */
  readonly detail?: string;
}

export interface RuleDef extends Omit<PlanRule, 'kubernetes'> {
  /** @default the whole supported range (see PLAN_RULES) */
  readonly kubernetes?: string;
  detect(c: ChangeContext): Hit[];
}

/**
 * Annotation by which an object acknowledges findings of {@link plan} on itself: a comma-separated list of rule ids,
 * e.g. `cdk8s-stateful-constructs/plan-ack: statefulset-immutable-field`. Put it in the commit that makes the change.
 */
export const ACK_ANNOTATION = 'cdk8s-stateful-constructs/plan-ack';
