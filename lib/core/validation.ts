// Collects every broken rule of one construct's props, each at its field path, then throws them together so a user
// fixes all of them in one pass. Paths are built, not glued, as Kubernetes' field.Path is: a child validator per
// nested prop (`v.child('metrics', 'scrapers').index(0)` checks `metrics.scrapers[0]`).
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseImageReference } from './image';
import { DerivedName, longestName, nameLengthRule } from './naming';
import { cpuCores, resolveResources } from './resources';
import { describeValue, PropValidationError, shown } from './validation-error';
import {
  ENV_VAR_NAME, IMAGE_REFERENCE, INT32_MAX, isCidr, isDnsLabel, isDnsSubdomain, isQualifiedName, isSecretKey, LABEL_VALUE, QUALIFIED_KEY_RULE,
} from './validation-rules';

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

/** One element of a field path: a prop name, a list index or a map key. */
type PathElement = { readonly name: string } | { readonly index: number } | { readonly key: string };

/**
 * The broken rules of one construct's props, checked at field paths.
 *
 * @example
 * const v = new PropValidator(this);
 * v.child('replicas').integer(replicas, 1);
 * validateMetrics(v.child('metrics'), props.metrics);
 * v.throwIfInvalid();
 */
export class PropValidator {
  private readonly violations: string[];
  private readonly elements: readonly PathElement[];

  /** The root validator of `scope`'s props. */
  constructor(private readonly scope: Construct, shared?: { violations: string[]; elements: readonly PathElement[] }) {
    this.violations = shared?.violations ?? [];
    this.elements = shared?.elements ?? [];
  }

  /** The validator of a nested prop: `child('tls')`, or several levels at once: `child('tls', 'caSecretName')`. */
  public child(...names: string[]): PropValidator {
    return this.at(names.map((name) => ({ name })));
  }

  /** The validator of item `i` of this list prop. */
  public index(i: number): PropValidator {
    return this.at([{ index: i }]);
  }

  /** The validator of key `k` of this map prop. */
  public key(k: string): PropValidator {
    return this.at([{ key: k }]);
  }

  /** The field path, as messages show it: `metrics.scrapers[0]`, `nodeSelector["kubernetes.io/os"]`. */
  public get path(): string {
    return this.elements.map((e, i) => ('name' in e ? `${i === 0 ? '' : '.'}${e.name}` : 'index' in e ? `[${e.index}]` : `[${JSON.stringify(e.key)}]`)).join('');
  }

  /** Records a violation of `rule` by this prop when `ok` is false. Returns `ok`. */
  public check(ok: boolean, rule: string, value: unknown): boolean {
    if (!ok) {
      const subject = this.elements.length === 0 ? 'props' : `prop "${this.path}"`;
      this.violations.push(`${subject} ${rule}; got ${describeValue(value)}`);
    }
    return ok;
  }

  /** A DNS-1123 label of at most `maxLength` characters. */
  public dnsLabel(value: unknown, maxLength = 63): boolean {
    return this.check(isDnsLabel(value, maxLength),
      `must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters)`, value);
  }

  /** A DNS-1123 subdomain. */
  public dnsSubdomain(value: unknown): boolean {
    return this.check(isDnsSubdomain(value),
      'must be a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)', value);
  }

  /** A label value that names something (non-empty): a zone, a rack. */
  public labelValue(value: unknown): boolean {
    return this.check(typeof value === 'string' && LABEL_VALUE.test(value),
      'must be a label value (1 to 63 letters, digits, \'-\', \'_\' or \'.\', starting and ending with a letter or digit)', value);
  }

  /** A map of labels: qualified-name keys, values of at most 63 characters ('' allowed unless `nonEmpty`). */
  public labels(value: unknown, nonEmpty = false): boolean {
    if (value === undefined) return true;
    if (!this.check(typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a map of strings', value)) return false;
    let ok = true;
    for (const [k, val] of Object.entries(value as object)) {
      ok = this.key(k).check(isQualifiedName(k), QUALIFIED_KEY_RULE, k) && ok;
      ok = this.key(k).check(typeof val === 'string' && ((!nonEmpty && val === '') || LABEL_VALUE.test(val)),
        `must be a label value (${nonEmpty ? '' : 'empty, or '}1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`, val) && ok;
    }
    return ok;
  }

  /** A map of annotations: qualified-name keys, string values. */
  public annotations(value: unknown): boolean {
    if (value === undefined) return true;
    if (!this.check(typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a map of strings', value)) return false;
    let ok = true;
    for (const [k, val] of Object.entries(value as object)) {
      ok = this.key(k).check(isQualifiedName(k), QUALIFIED_KEY_RULE, k) && ok;
      ok = this.key(k).check(typeof val === 'string', 'must be a string', val) && ok;
    }
    return ok;
  }

  /** Environment variables: names the API server accepts, each once. */
  public envVars(env: unknown): boolean {
    if (env === undefined) return true;
    if (!this.check(Array.isArray(env), 'must be a list', env)) return false;
    let ok = true;
    const seen = new Set<string>();
    (env as Array<{ name?: unknown }>).forEach((e, i) => {
      const at = this.index(i).child('name');
      ok = at.check(typeof e?.name === 'string' && ENV_VAR_NAME.test(e.name),
        'must be an environment variable name (letters, digits, \'_\', \'-\' or \'.\', not starting with a digit)', e?.name) && ok;
      ok = at.check(!seen.has(e?.name as string), `must be unique in ${this.path} (a later entry silently replaces an earlier one)`, e?.name) && ok;
      seen.add(e?.name as string);
    });
    return ok;
  }

  /** A DNS-1035 label (what Service names must be): a DNS-1123 label that starts with a letter. */
  public dns1035Label(value: unknown, maxLength = 63): boolean {
    return this.check(isDnsLabel(value, maxLength) && /^[a-z]/.test(value as string),
      `must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${maxLength} characters): it names a Service`, value);
  }

  /**
   * A `name` short enough for every name and label value derived from it (a string already checked as a label):
   * the error names the derived object that sets the limit.
   */
  public derivedNames(name: unknown, derived: readonly DerivedName[]): boolean {
    if (typeof name !== 'string') return true;
    const { max } = longestName(derived);
    return this.check(name.length <= max, nameLengthRule(derived), shown(`${describeValue(name)} (${name.length} characters)`));
  }

  /** One of the values of an enum (or a list). */
  public oneOf(value: unknown, allowed: readonly unknown[]): boolean {
    return this.check(allowed.includes(value), `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }

  /** A key of a Secret or ConfigMap (what a volume item's `key` may be). */
  public secretKey(value: unknown): boolean {
    return this.check(isSecretKey(value), 'must be a Secret key (1 to 253 of [-._a-zA-Z0-9], not "." and not starting with "..")', value);
  }

  /** The user a pod runs as: uid 1..int32 (runAsNonRoot: uid 0 would never start), gid and fsGroup 0..int32. */
  public runAs(runAs: { uid: unknown; gid: unknown; fsGroup?: unknown } | undefined): boolean {
    if (runAs === undefined) return true;
    let ok = this.child('uid').integer(runAs.uid, 1, INT32_MAX);
    ok = this.child('gid').integer(runAs.gid, 0, INT32_MAX) && ok;
    if (runAs.fsGroup !== undefined) ok = this.child('fsGroup').integer(runAs.fsGroup, 0, INT32_MAX) && ok;
    return ok;
  }

  /**
   * NetworkPolicy peers as the API server accepts them, and never an empty list: `from: []` admits every source,
   * the opposite of what an empty list of allowed clients reads as.
   */
  public networkPeers(peers: unknown): boolean {
    if (peers === undefined) return true;
    if (!this.check(Array.isArray(peers) && peers.length > 0,
      'must name at least one peer (an empty list would admit every source; leave it out for the default)', peers)) return false;
    let ok = true;
    (peers as Array<Record<string, any>>).forEach((peer, i) => {
      const at = this.index(i);
      if (!at.check(typeof peer === 'object' && peer !== null && !Array.isArray(peer), 'must be a NetworkPolicyPeer object', peer)) {
        ok = false;
        return;
      }
      const selectors = ['podSelector', 'namespaceSelector'].filter((k) => peer[k] !== undefined);
      ok = at.check(selectors.length > 0 || peer.ipBlock !== undefined, 'must specify podSelector, namespaceSelector or ipBlock', peer) && ok;
      ok = at.check(!(peer.ipBlock !== undefined && selectors.length > 0), 'may not specify both ipBlock and a selector', peer) && ok;
      for (const k of selectors) ok = at.child(k).labelSelector(peer[k]) && ok;
      if (peer.ipBlock !== undefined) {
        ok = at.child('ipBlock', 'cidr').check(isCidr(peer.ipBlock?.cidr), 'must be a CIDR (e.g. 10.0.0.0/8)', peer.ipBlock?.cidr) && ok;
        for (const [j, c] of (peer.ipBlock?.except ?? []).entries()) ok = at.child('ipBlock', 'except').index(j).check(isCidr(c), 'must be a CIDR', c) && ok;
      }
    });
    return ok;
  }

  /** A label selector: `matchLabels` as labels, `matchExpressions` with a key, a known operator, and values as needed. */
  public labelSelector(sel: unknown): boolean {
    if (!this.check(typeof sel === 'object' && sel !== null && !Array.isArray(sel), 'must be a label selector', sel)) return false;
    const s = sel as { matchLabels?: unknown; matchExpressions?: Array<{ key?: unknown; operator?: unknown; values?: unknown[] }> };
    let ok = this.child('matchLabels').labels(s.matchLabels);
    for (const [i, e] of (s.matchExpressions ?? []).entries()) {
      const at = this.child('matchExpressions').index(i);
      ok = at.child('key').check(isQualifiedName(e?.key), QUALIFIED_KEY_RULE, e?.key) && ok;
      if (at.child('operator').oneOf(e?.operator, ['In', 'NotIn', 'Exists', 'DoesNotExist'])) {
        const needsValues = e.operator === 'In' || e.operator === 'NotIn';
        ok = at.child('values').check(needsValues ? Array.isArray(e.values) && e.values.length > 0 : (e.values ?? []).length === 0,
          needsValues ? 'must be a non-empty list with In and NotIn' : 'must be empty with Exists and DoesNotExist', e.values) && ok;
      } else ok = false;
    }
    return ok;
  }

  /** A Duration of whole seconds, at least `minSeconds` (Kubernetes counts grace periods in seconds, int64). */
  public wholeSeconds(value: Duration | undefined, minSeconds: number, rule = `at least ${minSeconds} second${minSeconds === 1 ? '' : 's'}`): boolean {
    if (value === undefined) return true;
    const ms = value instanceof Duration ? value.toMilliseconds() : NaN;
    return this.check(Number.isFinite(ms) && ms % 1000 === 0 && ms / 1000 >= minSeconds && ms / 1000 <= Number.MAX_SAFE_INTEGER,
      `must be a whole number of seconds, ${rule}`, Number.isFinite(ms) ? shown(`${ms / 1000}s`) : value);
  }

  /** A non-empty list of distinct label values (zones). */
  public labelValues(value: unknown): boolean {
    if (!this.check(Array.isArray(value) && value.length > 0, 'must be a non-empty list', value)) return false;
    let ok = true;
    (value as unknown[]).forEach((item, i) => {
      ok = this.index(i).labelValue(item) && ok;
      ok = this.index(i).check((value as unknown[]).indexOf(item) === i, `must be unique in ${this.path}`, item) && ok;
    });
    return ok;
  }

  /** An integer from `min` to `max`. */
  public integer(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    return this.check(ok, `must be an integer ${range}`, value);
  }

  /** A storage size: a cdk8s Size of at least 1 MiB. */
  public size(value: unknown): boolean {
    let ok = value instanceof Size;
    if (ok) {
      try {
        ok = (value as Size).toKibibytes() >= 1024;
      } catch {
        ok = false;
      }
    }
    return this.check(ok, 'must be a Size of at least 1 MiB (e.g. Size.gibibytes(10))', value);
  }

  /**
   * A container image reference pinned to a tag (not "latest") or a digest: optional registry host (with port),
   * lower-case path components, tag and/or sha256 digest.
   */
  public image(value: unknown): boolean {
    const ref = typeof value === 'string' && IMAGE_REFERENCE.test(value) ? parseImageReference(value) : undefined;
    const ok = ref !== undefined && ref.tag !== 'latest' && (ref.tag !== undefined || ref.digest !== undefined);
    return this.check(ok, 'must be an image reference pinned to a tag (not "latest") or a digest, e.g. "postgres:17.2" or "registry.local:5000/team/app@sha256:..."', value);
  }

  /** Requests never above limits, once resolved against the defaults. */
  public resources(given: kplus.ContainerResources | undefined, defaults: kplus.ContainerResources): boolean {
    if (!given) return true;
    const r = resolveResources(given, defaults);
    let ok = true;
    const cpu = r.cpu;
    if (cpu?.request && cpu.limit) {
      const [req, lim] = [cpuCores(cpu.request.amount), cpuCores(cpu.limit.amount)];
      ok = this.child('cpu').check(req > 0 && req <= lim, 'must have a positive request no higher than its limit', shown(`${cpu.request.amount} / ${cpu.limit.amount}`)) && ok;
    }
    for (const [name, pair] of [['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]] as const) {
      let sizesOk = true;
      for (const [part, size] of [['request', pair?.request], ['limit', pair?.limit]] as const) {
        if (size !== undefined && !this.child(name, part).size(size)) sizesOk = false;
      }
      if (name === 'memory' && sizesOk && pair?.limit) {
        sizesOk = this.child('memory', 'limit').check(pair.limit.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) >= 6 * 1024,
          'must be at least 6 MiB (container runtimes refuse less)', pair.limit);
      }
      ok = sizesOk && ok;
      if (!sizesOk) continue;
      if (pair?.request && pair.limit) {
        const [req, lim] = [pair.request.toKibibytes(), pair.limit.toKibibytes()];
        ok = this.child(name).check(req > 0 && req <= lim, 'must have a positive request no higher than its limit', shown(`${describeValue(pair.request)} / ${describeValue(pair.limit)}`)) && ok;
      }
    }
    return ok;
  }

  /** Throws every violation recorded by this validator and its children, if there is one. */
  public throwIfInvalid(): void {
    if (this.violations.length > 0) {
      throw new PropValidationError(this.scope.node.path, this.violations);
    }
  }

  private at(more: PathElement[]): PropValidator {
    return new PropValidator(this.scope, { violations: this.violations, elements: [...this.elements, ...more] });
  }
}
