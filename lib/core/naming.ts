// Internal: the names (and label values) a construct derives from its `name`, and the longest `name` they allow.
// Kubernetes limits each derived value on its own (a CronJob name, a Service name, a label value a controller writes),
// so the longest `name` a construct accepts is the tightest of them; a longer one is refused at synth with the
// derived object that needs it, instead of by the API server halfway through an apply (or never: a controller that
// cannot create its pods only logs it).

/** One value derived from `name`, and the limit the API server (or a controller) puts on it. */
export interface DerivedName {
  /** What carries it, with the derived value as a pattern: `the snapshot CronJob "<name>-snapshot"`. */
  readonly object: string;
  /** How many characters it adds to `name`. */
  readonly added: number;
  /** The longest the derived value may be. */
  readonly limit: number;
  /** Why, as Kubernetes states it. */
  readonly rule: string;
}

/** Characters of the longest revision hash the StatefulSet controller writes (an fnv32a hash, safe-encoded). */
const REVISION_HASH = 10;

/**
 * Characters the CronJob controller appends to a CronJob's name for each Job: `-` and the scheduled time in minutes
 * since the epoch (8 digits until the year 2160; the API server reserves 11).
 */
const CRONJOB_SUFFIX = 11;

/** The longest label value (and name part of a label key), Service name or DNS label. */
const LABEL_MAX = 63;

/** `<name>` with `suffix` appended, as patterns in messages show it. */
function pattern(suffix: string): string {
  return `"<name>${suffix}"`;
}

/**
 * A StatefulSet named `<name>`: its pods carry `controller-revision-hash: <name>-<revision hash>`, a label value, so
 * the name has at most 63 - 11 = 52 characters (the pods `<name>-<ordinal>`, also labels, fit within that).
 */
export function statefulSetName(): DerivedName {
  return {
    object: 'the StatefulSet "<name>"',
    added: 0,
    limit: LABEL_MAX - 1 - REVISION_HASH,
    rule: `its pods carry the label controller-revision-hash: <name>-<revision hash of up to ${REVISION_HASH} characters>, and label values are at most ${LABEL_MAX} characters`,
  };
}

/** A Service named `<name><suffix>`: a DNS-1035 label of at most 63 characters. */
export function serviceName(what: string, suffix = ''): DerivedName {
  return { object: `the ${what ? `${what} ` : ''}Service ${pattern(suffix)}`, added: suffix.length, limit: LABEL_MAX, rule: 'a Service name is a DNS-1035 label' };
}

/**
 * A CronJob named `<name><suffix>`: at most 52 characters, as the API server checks (the controller names each Job
 * `<cronjob>-<scheduled minute>`, and the Job's pods carry that name in a label).
 */
export function cronJobName(what: string, suffix: string): DerivedName {
  return {
    object: `the ${what} CronJob ${pattern(suffix)}`,
    added: suffix.length,
    limit: LABEL_MAX - CRONJOB_SUFFIX,
    rule: `the API server's limit on CronJob names: the controller names each Job <cronjob>-<scheduled minute>, and its pods carry that name in a label of at most ${LABEL_MAX} characters`,
  };
}

/** A Job named `<name><suffix>` (`hashLength` more characters of hash): its pods carry the name in the `job-name` label. */
export function jobName(what: string, suffix: string, hashLength: number): DerivedName {
  return {
    object: `the ${what} Job ${pattern(`${suffix}${'<hash>'}`)}`,
    added: suffix.length + hashLength,
    limit: LABEL_MAX,
    rule: `its pods carry its name in the job-name and batch.kubernetes.io/job-name labels, whose values are at most ${LABEL_MAX} characters`,
  };
}

/** A label key whose name part is `<name><suffix>`. */
export function labelKeyName(what: string, suffix: string): DerivedName {
  return { object: `the ${what} label key ${pattern(suffix)}`, added: suffix.length, limit: LABEL_MAX, rule: 'the name part of a label key' };
}

/** The longest `name` every one of `derived` allows, and the first derived value that sets it. */
export function longestName(derived: readonly DerivedName[]): { readonly max: number; readonly by: DerivedName } {
  let by = derived[0];
  for (const d of derived) if (d.limit - d.added < by.limit - by.added) by = d;
  return { max: by.limit - by.added, by };
}

/** The rule a `name` longer than `derived` allow breaks, for an error message. */
export function nameLengthRule(derived: readonly DerivedName[]): string {
  const { max, by } = longestName(derived);
  return `must be at most ${max} characters: ${by.object} may have at most ${by.limit} characters (${by.rule})`;
}
