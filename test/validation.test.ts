// PropValidator: field paths built from child validators (as Kubernetes' field.Path), one list of violations for the
// whole construct, and values shown without escaping noise.
import { Chart, Size, Testing } from 'cdk8s';
import { PostgresWithSecrets, PropValidationError } from '../lib';
import { describeValue, kindOf, shown } from '../lib/core/validation-error';
import { PropValidator } from '../lib/core/validation';
import { errorOf } from './util';

function validator(): PropValidator {
  return new PropValidator(new Chart(Testing.app(), 'test'));
}

function violations(check: (v: PropValidator) => void): string[] {
  const v = validator();
  check(v);
  try {
    v.throwIfInvalid();
  } catch (e) {
    return (e as PropValidationError).violations;
  }
  return [];
}

test('paths are built from children, indexes and keys', () => {
  expect(violations((v) => {
    v.child('metrics', 'scrapers').index(0).child('podSelector').check(false, 'must be X', 1);
    v.child('scheduling').child('nodeSelector').key('kubernetes.io/os').check(false, 'must be Y', 'windows');
    v.child('replicas').integer(-1, 0);
  })).toEqual([
    'prop "metrics.scrapers[0].podSelector" must be X; got 1',
    'prop "scheduling.nodeSelector["kubernetes.io/os"]" must be Y; got "windows"',
    'prop "replicas" must be an integer >= 0; got -1',
  ]);
});

test('a child records into its parent: one throw reports every violation of the construct', () => {
  const v = validator();
  const tls = v.child('tls');
  tls.child('caSecretName').dnsSubdomain('Not A Name');
  v.child('name').dnsLabel('UPPER');
  expect(() => v.throwIfInvalid()).toThrow(/test: invalid props\n {2}- prop "tls.caSecretName" must be a DNS-1123 subdomain[\s\S]*\n {2}- prop "name" must be a DNS-1123 label/);
  expect(tls.path).toBe('tls');
  expect(v.path).toBe('');
});

test('a check of the props themselves names them, not an empty path', () => {
  expect(violations((v) => v.check(false, 'must not be empty', {}))).toEqual(['props must not be empty; got {}']);
});

test('values are shown once, without escaping noise; shown() and kindOf() print descriptions as they are', () => {
  expect(describeValue(undefined)).toBe('undefined');
  expect(describeValue('x')).toBe('"x"');
  expect(describeValue(Size.gibibytes(2))).toBe('Size.gibibytes(2)');
  expect(describeValue(shown('<redacted>'))).toBe('<redacted>');
  expect(describeValue(kindOf(undefined))).toBe('undefined');
  expect(describeValue(kindOf('postgres-credentials'))).toBe('a string');
  expect(describeValue(kindOf({ username: 'u', password: 'p' }))).toBe('an object of another class');
});

test('from JavaScript, a missing credentials prop reads "got undefined", and an object is never printed (it may hold a password)', () => {
  expect(errorOf((c) => new PostgresWithSecrets(c, 'pg', { database: 'app' } as any)))
    .toMatch(/prop "credentials" must come from Credentials\.fromExistingSecret\(\), \.sealedSecret\(\) or \.unsafePlaintext\(\); got undefined$/m);
  const plain = errorOf((c) => new PostgresWithSecrets(c, 'pg', { database: 'app', credentials: { username: 'u', password: 'hunter2hunter2' } } as any));
  expect(plain).toMatch(/prop "credentials" must come from .*; got an object of another class$/m);
  expect(plain).not.toContain('hunter2');
});
