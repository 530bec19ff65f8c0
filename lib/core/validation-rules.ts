// The rules props are checked against, as the API server (or the software) states them: names, keys, labels,
// schedules, addresses, images.
import { isIP } from 'net';

/** DNS-1123 label: lower-case alphanumerics and '-', starts and ends alphanumeric, at most 63 characters. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: unknown, maxLength = 63): boolean {
  return typeof value === 'string' && value.length <= maxLength && DNS1123_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** [registry[:port]/]path[:tag][@sha256:digest], with the lower-case path components registries accept. */
export const IMAGE_REFERENCE = /^(?:(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A host name for an Ingress rule: a DNS subdomain, optionally with a leading `*.` wildcard label. */
export function isIngressHost(value: unknown): boolean {
  return typeof value === 'string' && isDnsSubdomain(value.startsWith('*.') ? value.slice(2) : value) && value.includes('.')
    && value.split('.').every((label) => label.length <= 63);
}

/** The name part of a label or annotation key (after the optional `prefix/`). */
export const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Environment variable names the API server accepts (1.27: `[-._a-zA-Z][-._a-zA-Z0-9]*`). */
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export const INT32_MAX = 2147483647;

export const CRON_FIELDS: Array<[number, number, string[]]> = [
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
