// Helper of scripts/kubeseal-check.sh: the TypeScript half of the kubeseal compatibility check.
//
//   seal <dir>     seal the fixture values with lib/core/sealing.ts and the fixture certificate: <dir>/<scope>.yaml
//                  for each scope, strict-scope copies moved to another namespace / name (<dir>/moved-namespace.yaml,
//                  <dir>/moved-name.yaml) that must NOT unseal, and the plaintexts as <dir>/plain/<key> for kubeseal --raw
//   verify <dir>   check <dir>/<scope>.unsealed.json (from `kubeseal --recovery-unseal -o json`) against the fixture values
//   open <dir>     open <dir>/raw/<scope>/<key> (from `kubeseal --raw`) with lib/core/sealing.ts: the other direction
//
// Run with: node -r ts-node/register/transpile-only scripts/seal-fixture.ts <command> ...
// The fixture key pair in test/fixtures is a throwaway used only by tests and this check.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing, Yaml } from 'cdk8s';
import { SealedSecret, SealedSecretScope, sealingLabel } from '../lib/core/sealed-secret';
import { hybridDecrypt } from '../lib/core/sealing';

const ROOT = path.resolve(__dirname, '..');
const CERT = path.join(ROOT, 'test', 'fixtures', 'sealing-test-cert.pem');
const KEY = path.join(ROOT, 'test', 'fixtures', 'sealing-test-key.pem');

const NAMESPACE = 'squash';
const NAME = 'postgres-credentials';
const LABELS = { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/part-of': 'squash' };
/** Known plaintexts: ASCII, a password with symbols and non-ASCII characters, a multi-line value. */
const VALUES: { [key: string]: string } = {
  'user': 'squash',
  'password': 'S3cr3t!-p@ss/w+rd=:é中🔑',
  'init.sql': 'CREATE USER squash;\nGRANT ALL ON DATABASE squash TO squash;\n',
};

function fail(message: string): never {
  process.stderr.write(`seal-fixture: ${message}\n`);
  process.exit(1);
}

function sealedObject(scope: SealedSecretScope): any {
  const chart = new Chart(Testing.app(), 'kubeseal-check');
  new SealedSecret(chart, 'credentials', {
    name: NAME,
    namespace: NAMESPACE,
    certificate: fs.readFileSync(CERT, 'utf-8'),
    stringData: VALUES,
    scope,
    labels: LABELS,
  });
  const objects = Testing.synth(chart).filter((o) => o.kind === 'SealedSecret');
  if (objects.length !== 1) fail(`expected one SealedSecret, synthesized ${objects.length}`);
  return objects[0];
}

function seal(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const scope of Object.values(SealedSecretScope)) {
    fs.writeFileSync(path.join(dir, `${scope}.yaml`), Yaml.stringify(sealedObject(scope)));
  }
  // Strict scope binds namespace and name: the same ciphertext under another namespace or name must not unseal.
  const movedNamespace = sealedObject(SealedSecretScope.STRICT);
  movedNamespace.metadata.namespace = 'other';
  movedNamespace.spec.template.metadata.namespace = 'other';
  fs.writeFileSync(path.join(dir, 'moved-namespace.yaml'), Yaml.stringify(movedNamespace));
  const movedName = sealedObject(SealedSecretScope.STRICT);
  movedName.metadata.name = 'other-credentials';
  movedName.spec.template.metadata.name = 'other-credentials';
  fs.writeFileSync(path.join(dir, 'moved-name.yaml'), Yaml.stringify(movedName));
  fs.mkdirSync(path.join(dir, 'plain'), { recursive: true, mode: 0o700 });
  for (const [key, value] of Object.entries(VALUES)) {
    fs.writeFileSync(path.join(dir, 'plain', key), value, { mode: 0o600 });
  }
  process.stdout.write(`sealed ${Object.keys(VALUES).length} keys for scopes ${Object.values(SealedSecretScope).join(', ')} into ${dir}\n`);
}

function verify(dir: string): void {
  for (const scope of Object.values(SealedSecretScope)) {
    verifyScope(scope, path.join(dir, `${scope}.unsealed.json`));
  }
}

function verifyScope(scope: SealedSecretScope, file: string): void {
  const secret = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const problems: string[] = [];
  const expectEqual = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  expectEqual('kind', secret.kind, 'Secret');
  expectEqual('metadata.name', secret.metadata?.name, NAME);
  expectEqual('metadata.namespace', secret.metadata?.namespace, NAMESPACE);
  expectEqual('type', secret.type, 'Opaque');
  for (const [k, v] of Object.entries(LABELS)) expectEqual(`metadata.labels[${k}]`, secret.metadata?.labels?.[k], v);
  const scopeAnnotation = scope === SealedSecretScope.STRICT ? undefined : { [`sealedsecrets.bitnami.com/${scope}`]: 'true' };
  expectEqual('metadata.annotations', secret.metadata?.annotations, scopeAnnotation);

  const data: { [key: string]: string } = secret.data ?? {};
  expectEqual('data keys', Object.keys(data).sort(), Object.keys(VALUES).sort());
  for (const [key, want] of Object.entries(VALUES)) {
    const got = data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf-8');
    // Never print the values themselves, even fixture ones: report lengths and digests.
    if (got !== want) {
      const digest = (s: string | undefined) => s === undefined ? 'missing' : `${Buffer.byteLength(s)} bytes, sha256 ${crypto.createHash('sha256').update(s).digest('hex').slice(0, 12)}`;
      problems.push(`data[${key}] differs: got ${digest(got)}, want ${digest(want)}`);
    }
  }
  if (problems.length > 0) {
    fail(`${scope}: kubeseal unsealed a Secret that does not match what was sealed:\n  - ${problems.join('\n  - ')}`);
  }
  process.stdout.write(`${scope}: kubeseal unsealed ${Object.keys(VALUES).length} keys, all equal to the sealed values\n`);
}

function open(dir: string): void {
  const privateKey = crypto.createPrivateKey(fs.readFileSync(KEY, 'utf-8'));
  for (const scope of Object.values(SealedSecretScope)) {
    const label = sealingLabel(scope, NAMESPACE, NAME);
    for (const [key, want] of Object.entries(VALUES)) {
      const sealedBase64 = fs.readFileSync(path.join(dir, 'raw', scope, key), 'utf-8').trim();
      let got: string;
      try {
        got = hybridDecrypt(privateKey, Buffer.from(sealedBase64, 'base64'), label).toString('utf-8');
      } catch (e) {
        fail(`${scope}: hybridDecrypt could not open the value kubeseal --raw sealed for ${key}: ${(e as Error).message}`);
      }
      if (got !== want) fail(`${scope}: hybridDecrypt opened the value kubeseal --raw sealed for ${key}, but it differs from the original`);
    }
    process.stdout.write(`${scope}: hybridDecrypt opened the ${Object.keys(VALUES).length} values kubeseal --raw sealed\n`);
  }
}

const [command, dir, ...rest] = process.argv.slice(2);
if (dir === undefined || rest.length > 0) {
  fail('usage: seal-fixture.ts seal|verify|open <dir>');
}
switch (command) {
  case 'seal':
    seal(dir);
    break;
  case 'verify':
    verify(dir);
    break;
  case 'open':
    open(dir);
    break;
  default:
    fail('usage: seal-fixture.ts seal|verify|open <dir>');
}
