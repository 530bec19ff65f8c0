import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { SealedSecret, SealedSecretProps, SealedSecretScope, sealingLabel } from '../lib/core/sealed-secret';
import { hybridDecrypt, hybridEncrypt, publicKeyFromCertificate } from '../lib/core/sealing';

const FIXTURES = path.join(__dirname, 'fixtures');
const CERT_PEM = fs.readFileSync(path.join(FIXTURES, 'sealing-test-cert.pem'), 'utf-8');
const PRIVATE_KEY = crypto.createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'sealing-test-key.pem'), 'utf-8'));

// High-entropy plaintexts: finding them (or their base64) in the manifest cannot be a coincidence.
// Throwaway self-signed EC P-256 certificate (no key kept), generated once with
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=ec-test
const EC_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBezCCASGgAwIBAgIUebpvciTGYZmre5phr8dMl976YP4wCgYIKoZIzj0EAwIw
EjEQMA4GA1UEAwwHZWMtdGVzdDAgFw0yNjExMjEyMjM4MjJaGA8yMTI2MTAyODIy
MzgyMlowEjEQMA4GA1UEAwwHZWMtdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABLhhlCrzdG1FL3PaxPg7USN8jCifSsdNTNTeZzs+qzfmuNOb9i6ThDdqebOx
+h6gtMvSbRyKM5lvZ7juVL4j4IujUzBRMB0GA1UdDgQWBBSUvx7Q7yTVUCBQZrpe
T1UWTM8WyjAfBgNVHSMEGDAWgBSUvx7Q7yTVUCBQZrpeT1UWTM8WyjAPBgNVHRMB
Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDgXluCA0mQhbR5ifGBUWuPZV8F
r5dXpiUfF/CNp9bPLwIgJDDLMSFBg4C6JVi7nbltvx4lnkM50osJsM4UnV/HYOo=
-----END CERTIFICATE-----
`;

const SECRETS: { [key: string]: string } = {
  user: 'squash-user-7f3c9a1e',
  password: 'pw-5b8e2d4f6a0c1e3b-Ünïcødé-$%&',
};

function synthSealed(props: Partial<SealedSecretProps> = {}): { manifest: any[]; sealed: any } {
  const chart = new Chart(Testing.app(), 'test');
  new SealedSecret(chart, 'credentials', {
    name: 'postgres-credentials',
    namespace: 'squash',
    certificate: CERT_PEM,
    stringData: SECRETS,
    ...props,
  });
  const manifest = Testing.synth(chart);
  const sealedObjects = manifest.filter((o) => o.kind === 'SealedSecret');
  expect(sealedObjects).toHaveLength(1);
  return { manifest, sealed: sealedObjects[0] };
}

function unseal(sealed: any, label: Buffer): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const [key, value] of Object.entries<string>(sealed.spec.encryptedData)) {
    out[key] = hybridDecrypt(PRIVATE_KEY, Buffer.from(value, 'base64'), label).toString('utf-8');
  }
  return out;
}

describe('sealingLabel', () => {
  test.each([
    [SealedSecretScope.STRICT, 'squash/postgres-credentials'],
    [SealedSecretScope.NAMESPACE_WIDE, 'squash'],
    [SealedSecretScope.CLUSTER_WIDE, ''],
  ])('%s scope -> %j', (scope, expected) => {
    expect(sealingLabel(scope, 'squash', 'postgres-credentials').toString('utf-8')).toBe(expected);
  });
});

describe('publicKeyFromCertificate', () => {
  test('returns the RSA public key of the fixture certificate', () => {
    const key = publicKeyFromCertificate(CERT_PEM);
    expect(key.type).toBe('public');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(key.export({ type: 'spki', format: 'der' }))
      .toEqual(crypto.createPublicKey(PRIVATE_KEY).export({ type: 'spki', format: 'der' }));
  });

  test('rejects a private key PEM', () => {
    expect(() => publicKeyFromCertificate(fs.readFileSync(path.join(FIXTURES, 'sealing-test-key.pem'), 'utf-8')))
      .toThrow(/X\.509 certificate/);
  });

  test('rejects a corrupted certificate', () => {
    const corrupted = CERT_PEM.replace(/^(-----BEGIN CERTIFICATE-----\n)(.{20})/, '$1AAAAAAAAAAAAAAAAAAAA');
    expect(corrupted).not.toBe(CERT_PEM);
    expect(() => publicKeyFromCertificate(corrupted)).toThrow(/not a valid PEM-encoded X\.509 certificate/);
  });

  test('rejects a certificate with a non-RSA key', () => {
    expect(new crypto.X509Certificate(EC_CERT_PEM).publicKey.asymmetricKeyType).toBe('ec');
    expect(() => publicKeyFromCertificate(EC_CERT_PEM)).toThrow(/must carry an RSA public key; got ec key/);
  });

  test('rejects a bare public key PEM', () => {
    const spki = crypto.createPublicKey(PRIVATE_KEY).export({ type: 'spki', format: 'pem' }).toString();
    expect(() => publicKeyFromCertificate(spki)).toThrow(/X\.509 certificate/);
  });
});

describe('hybridEncrypt / hybridDecrypt', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const label = sealingLabel(SealedSecretScope.STRICT, 'squash', 'postgres-credentials');

  test('round trip returns the original bytes, with the sealed-secrets layout', () => {
    const plaintext = Buffer.from('s3cr3t \u00e9\u00e8 \n with newline', 'utf-8');
    const sealed = hybridEncrypt(publicKey, plaintext, label);
    // uint16be(256) || 256-byte RSA ciphertext || AES-GCM ciphertext (same length as the plaintext) || 16-byte tag
    expect(sealed.readUInt16BE(0)).toBe(256);
    expect(sealed.length).toBe(2 + 256 + plaintext.length + 16);
    expect(hybridDecrypt(privateKey, sealed, label)).toEqual(plaintext);
  });

  test('round trip of an empty value', () => {
    const sealed = hybridEncrypt(publicKey, Buffer.alloc(0), label);
    expect(sealed.length).toBe(2 + 256 + 16);
    expect(hybridDecrypt(privateKey, sealed, label)).toEqual(Buffer.alloc(0));
  });

  test('the session key is wrapped with RSA-OAEP SHA-256 and the label, the value with AES-256-GCM and a zero nonce', () => {
    const plaintext = Buffer.from('independent check');
    const sealed = hybridEncrypt(publicKey, plaintext, label);
    const rsaLength = sealed.readUInt16BE(0);
    const sessionKey = crypto.privateDecrypt(
      { key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      sealed.subarray(2, 2 + rsaLength),
    );
    expect(sessionKey).toHaveLength(32);
    const aes = sealed.subarray(2 + rsaLength);
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(aes.subarray(aes.length - 16));
    expect(Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()])).toEqual(plaintext);
  });

  test('sealing is randomized: same input, different ciphertext', () => {
    const a = hybridEncrypt(publicKey, Buffer.from('same'), label);
    const b = hybridEncrypt(publicKey, Buffer.from('same'), label);
    expect(a.equals(b)).toBe(false);
    expect(hybridDecrypt(privateKey, a, label)).toEqual(hybridDecrypt(privateKey, b, label));
  });

  test.each([
    ['another namespace', sealingLabel(SealedSecretScope.STRICT, 'other', 'postgres-credentials')],
    ['another name', sealingLabel(SealedSecretScope.STRICT, 'squash', 'other-credentials')],
    ['the namespace-wide label', sealingLabel(SealedSecretScope.NAMESPACE_WIDE, 'squash', 'postgres-credentials')],
    ['the cluster-wide label', sealingLabel(SealedSecretScope.CLUSTER_WIDE, 'squash', 'postgres-credentials')],
  ])('a strict-scope value cannot be opened with %s', (_what, wrongLabel) => {
    const sealed = hybridEncrypt(publicKey, Buffer.from('bound'), label);
    expect(() => hybridDecrypt(privateKey, sealed, wrongLabel)).toThrow();
  });

  test('a tampered AES part is rejected (GCM tag)', () => {
    const sealed = hybridEncrypt(publicKey, Buffer.from('integrity'), label);
    sealed[sealed.length - 20] ^= 0x01;
    expect(() => hybridDecrypt(privateKey, sealed, label)).toThrow();
  });

  test('truncated data is rejected', () => {
    const sealed = hybridEncrypt(publicKey, Buffer.from('short'), label);
    expect(() => hybridDecrypt(privateKey, sealed.subarray(0, 1), label)).toThrow(/too short/);
    expect(() => hybridDecrypt(privateKey, sealed.subarray(0, 100), label)).toThrow(/too short/);
  });

  test('the wrong private key cannot open it', () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sealed = hybridEncrypt(publicKey, Buffer.from('keyed'), label);
    expect(() => hybridDecrypt(other.privateKey, sealed, label)).toThrow();
  });
});

describe('SealedSecret construct', () => {
  test('synthesizes a bitnami.com/v1alpha1 SealedSecret that the fixture key unseals', () => {
    const { manifest, sealed } = synthSealed({ labels: { 'app.kubernetes.io/name': 'squash-tm' } });

    expect(sealed.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(sealed.metadata).toEqual({
      name: 'postgres-credentials',
      namespace: 'squash',
      labels: { 'app.kubernetes.io/name': 'squash-tm' },
    });
    expect(sealed.spec.template).toEqual({
      metadata: {
        name: 'postgres-credentials',
        namespace: 'squash',
        labels: { 'app.kubernetes.io/name': 'squash-tm' },
      },
      type: 'Opaque',
    });
    expect(Object.keys(sealed.spec).sort()).toEqual(['encryptedData', 'template']);

    // keys sorted, every value a standard base64 string that unseals to the original
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['password', 'user']);
    for (const value of Object.values<string>(sealed.spec.encryptedData)) {
      expect(value).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(value, 'base64').readUInt16BE(0)).toBe(512); // RSA 4096
    }
    expect(unseal(sealed, Buffer.from('squash/postgres-credentials'))).toEqual(SECRETS);

    // the plaintext never appears, neither raw nor base64-encoded (as a Secret's data would carry it)
    const text = JSON.stringify(manifest);
    for (const value of Object.values(SECRETS)) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
      expect(text).not.toContain(Buffer.from(value, 'utf-8').toString('base64'));
    }
    expect(manifest.filter((o) => o.kind === 'Secret')).toHaveLength(0);
  });

  test('exposes name and apiObject', () => {
    const chart = new Chart(Testing.app(), 'test');
    const s = new SealedSecret(chart, 'credentials', {
      name: 'postgres-credentials', namespace: 'squash', certificate: CERT_PEM, stringData: SECRETS,
    });
    expect(s.name).toBe('postgres-credentials');
    expect(s.apiObject.kind).toBe('SealedSecret');
    expect(s.apiObject.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(s.apiObject.name).toBe('postgres-credentials');
    expect(s.apiObject.metadata.namespace).toBe('squash');
  });

  test('honours a custom Secret type', () => {
    const { sealed } = synthSealed({ secretType: 'kubernetes.io/basic-auth', stringData: { username: 'u-1', password: 'p-1' } });
    expect(sealed.spec.template.type).toBe('kubernetes.io/basic-auth');
    expect(unseal(sealed, Buffer.from('squash/postgres-credentials'))).toEqual({ username: 'u-1', password: 'p-1' });
  });

  test('two synths give different ciphertext for the same values (randomized like kubeseal)', () => {
    const a = synthSealed().sealed.spec.encryptedData;
    const b = synthSealed().sealed.spec.encryptedData;
    expect(a.user).not.toBe(b.user);
    expect(a.password).not.toBe(b.password);
  });

  test.each([
    [SealedSecretScope.STRICT, 'squash/postgres-credentials', undefined],
    [SealedSecretScope.NAMESPACE_WIDE, 'squash', { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }],
    [SealedSecretScope.CLUSTER_WIDE, '', { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }],
  ])('%s scope: sealed with label %j, annotations %j', (scope, label, annotations) => {
    const { sealed } = synthSealed({ scope });
    expect(sealed.metadata.annotations).toEqual(annotations);
    expect(sealed.spec.template.metadata.annotations).toEqual(annotations);
    expect(unseal(sealed, Buffer.from(label))).toEqual(SECRETS);
    // and only with that label
    const others = ['squash/postgres-credentials', 'squash', ''].filter((l) => l !== label);
    for (const other of others) {
      expect(() => unseal(sealed, Buffer.from(other))).toThrow();
    }
  });

  test('defaults to strict scope: no scope annotations at all', () => {
    const { manifest, sealed } = synthSealed();
    expect(sealed.metadata.annotations).toBeUndefined();
    expect(sealed.spec.template.metadata.annotations).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('sealedsecrets.bitnami.com/');
    expect(unseal(sealed, Buffer.from('squash/postgres-credentials'))).toEqual(SECRETS);
  });

  const BAD: Array<[string, Partial<SealedSecretProps>, string, string]> = [
    ['certificate with an EC key', { certificate: EC_CERT_PEM },
      'certificate', 'must be a PEM-encoded X.509 certificate with an RSA public key'],
    ['malformed certificate', { certificate: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n' },
      'certificate', 'must be a PEM-encoded X.509 certificate with an RSA public key'],
    ['private key instead of certificate', { certificate: fs.readFileSync(path.join(FIXTURES, 'sealing-test-key.pem'), 'utf-8') },
      'certificate', 'must be a PEM-encoded X.509 certificate with an RSA public key'],
    ['empty stringData', { stringData: {} }, 'stringData', 'must contain at least one key'],
    ['bad key name', { stringData: { 'bad key/with slash': 'v' } }, 'stringData', 'keys must be valid Secret keys'],
    ['".." key name', { stringData: { '..': 'v' } }, 'stringData', 'keys must be valid Secret keys'],
    ['bad namespace', { namespace: 'Squash_NS' }, 'namespace', 'must be a DNS-1123 label'],
    ['bad name', { name: 'Postgres Credentials' }, 'name', 'must be a DNS-1123 subdomain'],
    ['bad scope', { scope: 'global' as SealedSecretScope }, 'scope', 'must be one of strict, namespace-wide, cluster-wide'],
    ['bad label value', { labels: { app: 'has spaces' } }, 'labels', 'values must be valid label values'],
  ];

  test.each(BAD)('rejects %s', (_what, props, prop, rule) => {
    let message = '';
    try {
      synthSealed(props);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('test/credentials');
    expect(message).toContain(`prop "${prop}"`);
    expect(message).toContain(rule);
  });

  test('a malformed certificate is shown truncated to 30 characters', () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n-----END CERTIFICATE-----\n';
    expect(() => synthSealed({ certificate })).toThrow(JSON.stringify(`${certificate.slice(0, 30)}...`));
    expect(() => synthSealed({ certificate })).not.toThrow(/XXXXXXXXXXXXXXXX/);
  });

  test('validation errors never echo a plaintext value', () => {
    const secretValue = 'TOP-SECRET-VALUE-do-not-print';
    let message = '';
    try {
      synthSealed({ namespace: 'BAD NS', stringData: { 'bad key': secretValue, 'n': 42 as unknown as string } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('prop "namespace"');
    expect(message).toContain('keys must be valid Secret keys');
    expect(message).toContain('values must be strings');
    expect(message).toContain('"n"');
    expect(message).not.toContain(secretValue);
  });

  test('reports every broken prop at once', () => {
    expect(() => synthSealed({ name: 'BAD', namespace: 'BAD', stringData: {}, certificate: 'nope' }))
      .toThrow(/prop "name"[\s\S]*prop "namespace"[\s\S]*prop "stringData"[\s\S]*prop "certificate"/);
  });
});
