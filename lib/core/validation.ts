import { Duration, Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { cpuCores, resolveResources } from './common';

/**
 * Thrown at synth time when a construct receives props it cannot turn into a safe deployment.
 * The message names the construct path, the prop, the rule and the value received.
 */
export class PropValidationError extends Error {
  /** Path of the construct whose props are invalid (e.g. `consul/consul`). */
  public readonly constructPath: string;
  /** One line per broken rule: `prop "<name>" <rule>; got <value>`. */
  public readonly violations: string[];

  /**
   * @param constructPath path of the construct whose props are invalid
   * @param violations one line per broken rule
   */
  constructor(constructPath: string, violations: string[]) {
    super(`${constructPath}: invalid props\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'PropValidationError';
    this.constructPath = constructPath;
    this.violations = violations;
  }
}

/** Renders a received value for an error message: strings quoted, objects as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Size) return `Size.${(value as any).unit?.label ?? 'unknown'}(${(value as any).amount})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** DNS-1123 label: lower-case alphanumerics and '-', starts and ends alphanumeric, at most 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isDnsLabel(value: unknown, maxLength = 63): boolean {
  return typeof value === 'string' && value.length <= maxLength && DNS1123_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** [registry[:port]/]path[:tag][@sha256:digest], with the lower-case path components registries accept. */
const IMAGE_REFERENCE = /^(?:(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A host name for an Ingress rule: a DNS subdomain, optionally with a leading `*.` wildcard label. */
export function isIngressHost(value: unknown): boolean {
  return typeof value === 'string' && isDnsSubdomain(value.startsWith('*.') ? value.slice(2) : value) && value.includes('.');
}

/** The name part of a label or annotation key (after the optional `prefix/`). */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Environment variable names the API server accepts (1.27: `[-._a-zA-Z][-._a-zA-Z0-9]*`). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const INT32_MAX = 2147483647;

/** A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  return (prefix === undefined || isDnsSubdomain(prefix)) && QUALIFIED_NAME.test(name);
}

/** A non-empty label value. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const QUALIFIED_KEY_RULE = 'must be a label or annotation key: an optional DNS subdomain and \'/\', then 1 to 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit';

/**
 * Collects every broken rule of one construct's props, then throws them together,
 * so a user fixes all of them in one pass.
 *
 * @example
 * const v = new PropValidator(this);
 * v.check('replicas', Number.isInteger(replicas) && replicas >= 1, 'must be an integer >= 1', replicas);
 * v.throwIfInvalid();
 */
export class PropValidator {
  private readonly violations: string[] = [];

  constructor(private readonly scope: Construct) {}

  /** Records a violation of `rule` by `prop` when `ok` is false. Returns `ok`. */
  public check(prop: string, ok: boolean, rule: string, value: unknown): boolean {
    if (!ok) {
      this.violations.push(`prop "${prop}" ${rule}; got ${describeValue(value)}`);
    }
    return ok;
  }

  public dnsLabel(prop: string, value: unknown, maxLength = 63): boolean {
    return this.check(prop, isDnsLabel(value, maxLength),
      `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`, value);
  }

  public dnsSubdomain(prop: string, value: unknown): boolean {
    return this.check(prop, isDnsSubdomain(value),
      'must be a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)', value);
  }

  /** A label value that names something (non-empty): a zone, a rack. */
  public labelValue(prop: string, value: unknown): boolean {
    return this.check(prop, typeof value === 'string' && LABEL_VALUE.test(value),
      'must be a label value (1 to 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit)', value);
  }

  /** A map of labels: qualified-name keys, values of at most 63 characters ('' allowed unless `nonEmpty`). */
  public labels(prop: string, value: unknown, nonEmpty = false): boolean {
    if (value === undefined) return true;
    if (!this.check(prop, typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a map of strings', value)) return false;
    let ok = true;
    for (const [k, val] of Object.entries(value as object)) {
      ok = this.check(`${prop}["${k}"]`, isQualifiedName(k), QUALIFIED_KEY_RULE, k) && ok;
      ok = this.check(`${prop}["${k}"]`, typeof val === 'string' && ((!nonEmpty && val === '') || LABEL_VALUE.test(val)),
        `must be a label value (${nonEmpty ? '' : 'empty, or '}1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`, val) && ok;
    }
    return ok;
  }

  /** A map of annotations: qualified-name keys, string values. */
  public annotations(prop: string, value: unknown): boolean {
    if (value === undefined) return true;
    if (!this.check(prop, typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a map of strings', value)) return false;
    let ok = true;
    for (const [k, val] of Object.entries(value as object)) {
      ok = this.check(`${prop}["${k}"]`, isQualifiedName(k), QUALIFIED_KEY_RULE, k) && ok;
      ok = this.check(`${prop}["${k}"]`, typeof val === 'string', 'must be a string', val) && ok;
    }
    return ok;
  }

  /** Environment variables: names the API server accepts, each once. */
  public envVars(prop: string, env: unknown): boolean {
    if (env === undefined) return true;
    if (!this.check(prop, Array.isArray(env), 'must be a list', env)) return false;
    let ok = true;
    const seen = new Set<string>();
    (env as Array<{ name?: unknown }>).forEach((e, i) => {
      ok = this.check(`${prop}[${i}].name`, typeof e?.name === 'string' && ENV_VAR_NAME.test(e.name),
        'must be an environment variable name (letters, digits, \'_\', \'-\' or \'.\', not starting with a digit)', e?.name) && ok;
      ok = this.check(`${prop}[${i}].name`, !seen.has(e?.name as string), `must be unique in ${prop} (a later entry silently replaces an earlier one)`, e?.name) && ok;
      seen.add(e?.name as string);
    });
    return ok;
  }

  /** A Duration of whole seconds, at least `minSeconds` (Kubernetes counts grace periods in seconds, int64). */
  public wholeSeconds(prop: string, value: Duration | undefined, minSeconds: number, rule = `at least ${minSeconds} second${minSeconds === 1 ? '' : 's'}`): boolean {
    if (value === undefined) return true;
    const ms = value instanceof Duration ? value.toMilliseconds() : NaN;
    return this.check(prop, Number.isFinite(ms) && ms % 1000 === 0 && ms / 1000 >= minSeconds && ms / 1000 <= Number.MAX_SAFE_INTEGER,
      `must be a whole number of seconds, ${rule}`, Number.isFinite(ms) ? `${ms / 1000}s` : value);
  }

  /** A non-empty list of distinct label values (zones). */
  public labelValues(prop: string, value: unknown): boolean {
    if (!this.check(prop, Array.isArray(value) && value.length > 0, 'must be a non-empty list', value)) return false;
    let ok = true;
    (value as unknown[]).forEach((item, i) => {
      ok = this.labelValue(`${prop}[${i}]`, item) && ok;
      ok = this.check(`${prop}[${i}]`, (value as unknown[]).indexOf(item) === i, `must be unique in ${prop}`, item) && ok;
    });
    return ok;
  }

  public integer(prop: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    return this.check(prop, ok, `must be an integer ${range}`, value);
  }

  /** A storage size: a cdk8s Size of at least 1 MiB. */
  public size(prop: string, value: unknown): boolean {
    let ok = value instanceof Size;
    if (ok) {
      try {
        ok = (value as Size).toKibibytes() >= 1024;
      } catch {
        ok = false;
      }
    }
    return this.check(prop, ok, 'must be a Size of at least 1 MiB (e.g. Size.gibibytes(10))', value);
  }

  /**
   * A container image reference pinned to a tag (not "latest") or a digest: optional registry host (with port),
   * lower-case path components, tag and/or sha256 digest.
   */
  public image(prop: string, value: unknown): boolean {
    const ok = typeof value === 'string' && IMAGE_REFERENCE.test(value) && !/:latest$/.test(value.split('@')[0])
      && (/@sha256:/.test(value) || /:[\w][\w.-]*$/.test(value.split('/').pop() ?? ''));
    return this.check(prop, ok, 'must be an image reference pinned to a tag (not "latest") or a digest, e.g. "postgres:17.2" or "registry.local:5000/team/app@sha256:..."', value);
  }

  /** Requests never above limits, once resolved against the defaults. */
  public resources(prop: string, given: kplus.ContainerResources | undefined, defaults: kplus.ContainerResources): boolean {
    if (!given) return true;
    const r = resolveResources(given, defaults);
    let ok = true;
    const cpu = r.cpu;
    if (cpu?.request && cpu.limit) {
      const [req, lim] = [cpuCores(cpu.request.amount), cpuCores(cpu.limit.amount)];
      ok = this.check(`${prop}.cpu`, req > 0 && req <= lim, 'must have a positive request no higher than its limit', `${cpu.request.amount} / ${cpu.limit.amount}`) && ok;
    }
    for (const [name, pair] of [['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]] as const) {
      if (pair?.request && pair.limit) {
        const [req, lim] = [pair.request.toKibibytes(), pair.limit.toKibibytes()];
        ok = this.check(`${prop}.${name}`, req > 0 && req <= lim, 'must have a positive request no higher than its limit', `${describeValue(pair.request)} / ${describeValue(pair.limit)}`) && ok;
      }
    }
    return ok;
  }

  public throwIfInvalid(): void {
    if (this.violations.length > 0) {
      throw new PropValidationError(this.scope.node.path, this.violations);
    }
  }
}

const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/**
 * The scheduling controls (`SchedulingOptions`, or the same props of StatefulCluster) as the API server checks them;
 * `prefix` is `scheduling.` for the systems' `scheduling` prop.
 */
export function validateScheduling(v: PropValidator, prefix: string, o: {
  priorityClassName?: unknown; tolerations?: unknown; nodeSelector?: unknown; spreadAcrossZones?: unknown;
} | undefined): void {
  if (o === undefined) return;
  v.labels(`${prefix}nodeSelector`, o.nodeSelector);
  if (o.priorityClassName !== undefined) v.dnsSubdomain(`${prefix}priorityClassName`, o.priorityClassName);
  if (o.spreadAcrossZones !== undefined) v.check(`${prefix}spreadAcrossZones`, typeof o.spreadAcrossZones === 'boolean', 'must be true or false', o.spreadAcrossZones);
  if (o.tolerations === undefined) return;
  if (!v.check(`${prefix}tolerations`, Array.isArray(o.tolerations), 'must be a list', o.tolerations)) return;
  (o.tolerations as Array<Record<string, unknown>>).forEach((t, i) => {
    const at = `${prefix}tolerations[${i}]`;
    const operator = t?.operator ?? 'Equal';
    v.check(`${at}.operator`, TOLERATION_OPERATORS.includes(operator as string), `must be one of ${TOLERATION_OPERATORS.join(', ')}`, operator);
    if (t?.key !== undefined && t.key !== '') v.check(`${at}.key`, isQualifiedName(t.key), QUALIFIED_KEY_RULE, t.key);
    else v.check(`${at}.operator`, operator === 'Exists', 'must be Exists when no key is given (a toleration of every taint)', operator);
    if (operator === 'Exists') v.check(`${at}.value`, t?.value === undefined || t.value === '', 'must be empty with operator Exists', t?.value);
    else if (t?.value !== undefined) v.check(`${at}.value`, typeof t.value === 'string' && (t.value === '' || LABEL_VALUE.test(t.value)), 'must be a label value', t.value);
    if (t?.effect !== undefined && t.effect !== '') v.check(`${at}.effect`, TAINT_EFFECTS.includes(t.effect as string), `must be one of ${TAINT_EFFECTS.join(', ')} (or empty: every effect)`, t.effect);
    if (t?.tolerationSeconds !== undefined) {
      v.check(`${at}.tolerationSeconds`, t.effect === 'NoExecute', 'is only allowed with effect NoExecute', t.tolerationSeconds);
      v.integer(`${at}.tolerationSeconds`, t.tolerationSeconds, 0);
    }
  });
}
