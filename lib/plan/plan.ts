// plan(): what applying `newObjects` over `oldObjects` changes, and the findings of the rule table on it.
import { diffFields, FieldChange, ObjectRef, PlanObject, refOf } from './diff';
import { ACK_ANNOTATION, FindingKind } from './rule';
import { RULE_TABLE } from './rules';

/** Options of {@link plan}. */
export interface PlanOptions {
  /**
   * Findings acknowledged deliberately: rule ids (`postgres-major-version`: every finding of the rule) or finding
   * ids (`postgres-major-version:StatefulSet.apps/squash/postgres`: that object only). Objects can also acknowledge
   * their own findings with the annotation `cdk8s-stateful-constructs/plan-ack: <rule id>[,<rule id>...]`.
   * @default - none
   */
  readonly acknowledge?: string[];
}

/** One finding of a rule on one object. */
export interface PlanFinding {
  /** `<rule id>:<object key>`, what `--ack` takes to acknowledge this finding only. */
  readonly id: string;
  /** Id of the rule (see {@link PLAN_RULES}). */
  readonly rule: string;
  /** Refused and hazard findings fail the plan unless acknowledged. */
  readonly kind: FindingKind;
  /** The rule's one-line title. */
  readonly title: string;
  /** The object. */
  readonly object: ObjectRef;
  /** JSON path of the field. */
  readonly field: string;
  /**
   * Value before.
   * @default - absent before
   */
  readonly old?: unknown;
  /**
   * Value after.
   * @default - absent after
   */
  readonly new?: unknown;
  /**
   * What is specific to this finding (counts, versions, pace of a rollout).
   * @default - nothing beyond the rule's text
   */
  readonly detail?: string;
  /** Why the change is dangerous. */
  readonly why: string;
  /** What to do instead. */
  readonly remedy: string;
  /**
   * How the finding was acknowledged: `--ack <value>` or `annotation <annotation>`.
   * @default - not acknowledged
   */
  readonly acknowledgedBy?: string;
}

/** A changed object and its changed fields. */
export interface ObjectChange {
  /** The object. */
  readonly object: ObjectRef;
  /** Changed leaves, as JSON paths with old and new values. */
  readonly fields: FieldChange[];
}

/** The result of {@link plan}. */
export interface Plan {
  /** Objects only in the new set, in its order. */
  readonly added: ObjectRef[];
  /** Objects in both sets that differ, in the new set's order. */
  readonly changed: ObjectChange[];
  /** Objects only in the old set, in its order. */
  readonly removed: ObjectRef[];
  /** Every finding, object by object, in rule table order. */
  readonly findings: PlanFinding[];
  /** Refused and hazard findings that are not acknowledged: the plan fails when there is one. */
  readonly blocking: PlanFinding[];
  /** Acknowledgements (`acknowledge` values) that matched no finding: a typo, or a finding that went away. */
  readonly unusedAcknowledgements: string[];
  /** Number of objects in the new set. */
  readonly objectCount: number;
}

function index(objects: PlanObject[], which: string): Map<string, PlanObject> {
  const out = new Map<string, PlanObject>();
  for (const o of objects) {
    if (o === null || typeof o !== 'object') continue;
    const ref = refOf(o);
    if (out.has(ref.key)) throw new Error(`plan: two objects ${ref.key} in the ${which} objects`);
    out.set(ref.key, o);
  }
  return out;
}

function annotationAcks(o: PlanObject | undefined): string[] {
  const v = o?.metadata?.annotations?.[ACK_ANNOTATION];
  return typeof v === 'string' ? v.split(/[\s,]+/).filter((x) => x.length > 0) : [];
}

/**
 * Compares two sets of Kubernetes objects (the previous output and the new one), object by object (matched by API
 * group, kind, namespace and name) and field by field, and runs every rule of {@link PLAN_RULES} on the changes.
 * @param oldObjects what is applied now (e.g. `dist/` as committed)
 * @param newObjects what the apply will send
 * @param options findings acknowledged deliberately
 */
export function plan(oldObjects: PlanObject[], newObjects: PlanObject[], options: PlanOptions = {}): Plan {
  const before = index(oldObjects, 'old');
  const after = index(newObjects, 'new');
  const acks = options.acknowledge ?? [];
  const used = new Set<string>();
  const added: ObjectRef[] = [];
  const changed: ObjectChange[] = [];
  const removed: ObjectRef[] = [];
  const findings: PlanFinding[] = [];

  const visit = (ref: ObjectRef, old: PlanObject | undefined, now: PlanObject | undefined, fields: FieldChange[]) => {
    const own = annotationAcks(now);
    for (const rule of RULE_TABLE) {
      for (const hit of rule.detect({ ref, old, new: now, changes: fields })) {
        const id = `${rule.id}:${ref.key}`;
        const flag = acks.find((a) => a === id || a === rule.id);
        if (flag !== undefined) used.add(flag);
        const acknowledgedBy = flag !== undefined ? `--ack ${flag}` : own.includes(rule.id) ? `annotation ${ACK_ANNOTATION}: ${rule.id}` : undefined;
        findings.push({
          id, rule: rule.id, kind: rule.kind, title: rule.title, object: ref, field: hit.field,
          ...(hit.old === undefined ? {} : { old: hit.old }), ...(hit.new === undefined ? {} : { new: hit.new }),
          ...(hit.detail === undefined ? {} : { detail: hit.detail }),
          why: rule.why, remedy: rule.remedy,
          ...(acknowledgedBy === undefined ? {} : { acknowledgedBy }),
        });
      }
    }
  };

  for (const [key, now] of after) {
    const old = before.get(key);
    const ref = refOf(now);
    if (old === undefined) {
      added.push(ref);
      visit(ref, undefined, now, []);
      continue;
    }
    const fields = diffFields(old, now);
    if (fields.length === 0) continue;
    changed.push({ object: ref, fields });
    visit(ref, old, now, fields);
  }
  for (const [key, old] of before) {
    if (after.has(key)) continue;
    const ref = refOf(old);
    removed.push(ref);
    visit(ref, old, undefined, []);
  }
  const blocking = findings.filter((f) => f.kind !== FindingKind.WARNING && f.acknowledgedBy === undefined);
  return { added, changed, removed, findings, blocking, unusedAcknowledgements: acks.filter((a) => !used.has(a)), objectCount: after.size };
}
