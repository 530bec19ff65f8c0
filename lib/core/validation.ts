import { isIP } from 'net';
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseImageReference } from './image';
import { cpuCores, resolveResources } from './resources';

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
  return typeof value === 'string' && isDnsSubdomain(value.startsWith('*.') ? value.slice(2) : value) && value.includes('.')
    && value.split('.').every((label) => label.length <= 63);
}

/** The name part of a label or annotation key (after the optional `prefix/`). */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** Environment variable names the API server accepts (1.27: `[-._a-zA-Z][-._a-zA-Z0-9]*`). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const INT32_MAX = 2147483647;

const CRON_FIELDS: Array<[number, number, string[]]> = [
  [0, 59, []], [0, 23, []], [1, 31, []],
  [1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  [0, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
];

/**
 * A CronJob schedule the 1.27 API server accepts (robfig/cron's standard parser): five fields (minute, hour, day of
 * month, month, day of week) of `*`, `?`, values, ranges, lists and steps, or a descriptor such as `@daily`. No
 * `TZ=` prefix (the API refuses it: time zones go in `spec.timeZone`).
 */
export function isCronSchedule(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(text)) return true;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return false;
  return fields.every((field, i) => {
    const [min, max, names] = CRON_FIELDS[i];
    const num = (x: string): number => {
      const named = names.indexOf(x.toUpperCase());
      if (named >= 0) return named + (i === 3 ? 1 : 0);
      return /^\d+$/.test(x) ? Number(x) : NaN;
    };
    return field.split(',').every((item) => {
      const [range, step, ...extra] = item.split('/');
      if (extra.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))) return false;
      if (range === '*' || (range === '?' && (i === 2 || i === 4))) return true;
      const [a, b, ...more] = range.split('-');
      if (more.length > 0) return false;
      const lo = num(a);
      const hi = b === undefined ? lo : num(b);
      return lo >= min && hi <= max && lo <= hi;
    });
  });
}

/** An IPv4 or IPv6 CIDR. */
export function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [ip, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

/** A Secret or ConfigMap data key, as IsConfigMapKey: at most 253 of [-._a-zA-Z0-9], not "." and not starting with "..". */
export function isSecretKey(key: unknown): boolean {
  return typeof key === 'string' && key.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(key) && key !== '.' && !key.startsWith('..');
}

/** A label or annotation key: an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  return (prefix === undefined || isDnsSubdomain(prefix)) && QUALIFIED_NAME.test(name);
}

/** A non-empty label value. */
export const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
export const QUALIFIED_KEY_RULE = 'must be a label or annotation key: an optional DNS subdomain and \'/\', then 1 to 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit';

/**
 * Collects every broken rule of one construct's props, then throws them together,
 * so a user fixes all of them in one pass.
 *
 * @example
 * const v = new PropValidator(this);
 * v.check('replicas', Number.isInteger(replicas) && replicas >= 1, 'must be an integer >= 1', replicas);
 * v.throwIfInvalid();
 */
/** Props that are not an object at all (null, a string) become a PropValidationError naming the construct path. */
export function requireProps<T>(scope: Construct, props: T): T {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new PropValidationError(scope.node.path, [`props must be an object; got ${describeValue(props)}`]);
  }
  return props;
}

/**
 * Runs a construct's prop validation; props of the wrong JavaScript type or range (a string where a list is
 * expected, an infinite Size) make it throw, and that becomes a PropValidationError naming the construct path
 * instead of a stack trace from inside the library.
 */
export function guardValidation<T>(scope: Construct, validate: () => T): T {
  try {
    return validate();
  } catch (e) {
    if (e instanceof PropValidationError) throw e;
    throw new PropValidationError(scope.node.path, [`props do not have the documented types or ranges (${(e as Error).message}); see the props interface in API.md`]);
  }
}

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

  /** A DNS-1035 label (what Service names must be): a DNS-1123 label that starts with a letter. */
  public dns1035Label(prop: string, value: unknown, maxLength = 63): boolean {
    return this.check(prop, isDnsLabel(value, maxLength) && /^[a-z]/.test(value as string),
      `must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${maxLength} characters): it names a Service`, value);
  }

  /** One of the values of an enum (or a list). */
  public oneOf(prop: string, value: unknown, allowed: readonly unknown[]): boolean {
    return this.check(prop, allowed.includes(value), `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }

  /** A key of a Secret or ConfigMap (what a volume item's `key` may be). */
  public secretKey(prop: string, value: unknown): boolean {
    return this.check(prop, isSecretKey(value), 'must be a Secret key (1 to 253 of [-._a-zA-Z0-9], not "." and not starting with "..")', value);
  }

  /** The user a pod runs as: uid 1..int32 (runAsNonRoot: uid 0 would never start), gid and fsGroup 0..int32. */
  public runAs(prop: string, runAs: { uid: unknown; gid: unknown; fsGroup?: unknown } | undefined): boolean {
    if (runAs === undefined) return true;
    let ok = this.integer(`${prop}.uid`, runAs.uid, 1, INT32_MAX);
    ok = this.integer(`${prop}.gid`, runAs.gid, 0, INT32_MAX) && ok;
    if (runAs.fsGroup !== undefined) ok = this.integer(`${prop}.fsGroup`, runAs.fsGroup, 0, INT32_MAX) && ok;
    return ok;
  }

  /**
   * NetworkPolicy peers as the API server accepts them, and never an empty list: `from: []` admits every source,
   * the opposite of what an empty list of allowed clients reads as.
   */
  public networkPeers(prop: string, peers: unknown): boolean {
    if (peers === undefined) return true;
    if (!this.check(prop, Array.isArray(peers) && peers.length > 0,
      'must name at least one peer (an empty list would admit every source; leave it out for the default)', peers)) return false;
    let ok = true;
    (peers as Array<Record<string, any>>).forEach((peer, i) => {
      const at = `${prop}[${i}]`;
      if (!this.check(at, typeof peer === 'object' && peer !== null && !Array.isArray(peer), 'must be a NetworkPolicyPeer object', peer)) {
        ok = false;
        return;
      }
      const selectors = ['podSelector', 'namespaceSelector'].filter((k) => peer[k] !== undefined);
      ok = this.check(at, selectors.length > 0 || peer.ipBlock !== undefined, 'must specify podSelector, namespaceSelector or ipBlock', peer) && ok;
      ok = this.check(at, !(peer.ipBlock !== undefined && selectors.length > 0), 'may not specify both ipBlock and a selector', peer) && ok;
      for (const k of selectors) ok = this.labelSelector(`${at}.${k}`, peer[k]) && ok;
      if (peer.ipBlock !== undefined) {
        ok = this.check(`${at}.ipBlock.cidr`, isCidr(peer.ipBlock?.cidr), 'must be a CIDR (e.g. 10.0.0.0/8)', peer.ipBlock?.cidr) && ok;
        for (const [j, c] of (peer.ipBlock?.except ?? []).entries()) ok = this.check(`${at}.ipBlock.except[${j}]`, isCidr(c), 'must be a CIDR', c) && ok;
      }
    });
    return ok;
  }

  /** A label selector: `matchLabels` as labels, `matchExpressions` with a key, a known operator, and values as needed. */
  public labelSelector(prop: string, sel: unknown): boolean {
    if (!this.check(prop, typeof sel === 'object' && sel !== null && !Array.isArray(sel), 'must be a label selector', sel)) return false;
    const s = sel as { matchLabels?: unknown; matchExpressions?: Array<{ key?: unknown; operator?: unknown; values?: unknown[] }> };
    let ok = this.labels(`${prop}.matchLabels`, s.matchLabels);
    for (const [i, e] of (s.matchExpressions ?? []).entries()) {
      ok = this.check(`${prop}.matchExpressions[${i}].key`, isQualifiedName(e?.key), QUALIFIED_KEY_RULE, e?.key) && ok;
      if (this.oneOf(`${prop}.matchExpressions[${i}].operator`, e?.operator, ['In', 'NotIn', 'Exists', 'DoesNotExist'])) {
        const needsValues = e.operator === 'In' || e.operator === 'NotIn';
        ok = this.check(`${prop}.matchExpressions[${i}].values`, needsValues ? Array.isArray(e.values) && e.values.length > 0 : (e.values ?? []).length === 0,
          needsValues ? 'must be a non-empty list with In and NotIn' : 'must be empty with Exists and DoesNotExist', e.values) && ok;
      } else ok = false;
    }
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
    const ref = typeof value === 'string' && IMAGE_REFERENCE.test(value) ? parseImageReference(value) : undefined;
    const ok = ref !== undefined && ref.tag !== 'latest' && (ref.tag !== undefined || ref.digest !== undefined);
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
      let sizesOk = true;
      for (const [part, size] of [['request', pair?.request], ['limit', pair?.limit]] as const) {
        if (size !== undefined && !this.size(`${prop}.${name}.${part}`, size)) sizesOk = false;
      }
      if (name === 'memory' && sizesOk && pair?.limit) {
        sizesOk = this.check(`${prop}.memory.limit`, pair.limit.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) >= 6 * 1024,
          'must be at least 6 MiB (container runtimes refuse less)', pair.limit);
      }
      ok = sizesOk && ok;
      if (!sizesOk) continue;
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

