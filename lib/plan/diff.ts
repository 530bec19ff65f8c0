// Object identity and field-level differences between two sets of Kubernetes objects.
import { ObjectRef, objectRef } from '../core/object-ref';

export { ObjectRef };

/** A Kubernetes object as synthesized (JSON). */
export interface PlanObject {
  /**
   * `apiVersion` of the object, e.g. `apps/v1`.
   * @default - none (core group)
   */
  readonly apiVersion?: string;
  /**
   * `kind` of the object, e.g. `StatefulSet`.
   * @default - none
   */
  readonly kind?: string;
  /**
   * `metadata` of the object: at least `name`, and `namespace` for a namespaced object.
   * @default - none
   */
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: { readonly [key: string]: string }; readonly [key: string]: unknown };
  /** Every other field (`spec`, `data`...). */
  readonly [key: string]: unknown;
}

/** The reference of an object (its identity on the API server, {@link objectRef}); kubectl decides the namespace of a namespaced object without one. */
export function refOf(o: PlanObject): ObjectRef {
  return objectRef(o);
}

/** One changed leaf field of an object. */
export interface FieldChange {
  /** JSON path of the field, e.g. `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/version"]`. */
  readonly path: string;
  /**
   * Value before.
   * @default - absent before (added field)
   */
  readonly old?: unknown;
  /**
   * Value after.
   * @default - absent after (removed field)
   */
  readonly new?: unknown;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `base.key`, or `base["key"]` when the key is not an identifier. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (PLAIN_KEY.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every leaf that differs between `a` and `b`, as JSON paths, in document order. An array whose length changed is
 * compared index by index, its extra items reported as added or removed; a value whose type changed is reported whole.
 */
export function diffFields(a: unknown, b: unknown, base = ''): FieldChange[] {
  const out: FieldChange[] = [];
  walk(a, b, base, out);
  return out;
}

function walk(a: unknown, b: unknown, p: string, out: FieldChange[]): void {
  if (a === b) return;
  if (isRecord(a) && isRecord(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) walk(a[k], b[k], childPath(p, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], childPath(p, i), out);
    return;
  }
  if (a === undefined && b === undefined) return;
  if (!isRecord(a) && !Array.isArray(a) && !isRecord(b) && !Array.isArray(b) && a === b) return;
  out.push({ path: p, ...(a === undefined ? {} : { old: a }), ...(b === undefined ? {} : { new: b }) });
}

/** The value at a dotted path of plain keys (`spec.template.spec`), or undefined. */
export function get(o: unknown, path: string): any {
  let cur: any = o;
  for (const k of path.split('.')) {
    if (cur === undefined || cur === null) return undefined;
    cur = cur[k];
  }
  return cur;
}
