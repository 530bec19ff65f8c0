// Internal: stable hashes of configuration, for pod-template annotations and object names that change with it.
import { createHash } from 'crypto';

/** Stable hash of a configuration object, for a pod-template annotation that rolls the pods when it changes. */
export function configHash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : stableJson(value)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function stableJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), undefined, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
