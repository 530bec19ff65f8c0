import * as crypto from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkUniqueObjectIdentities } from './identity';
import { PropValidator, guardValidation, isQualifiedName, isSecretKey, requireProps } from './validation';

/**
 * Where the sealed-secrets controller may unseal a SealedSecret.
 *
 * The scope is bound into the ciphertext (it is the RSA-OAEP label), so a SealedSecret
 * cannot be moved to another name or namespace than its scope allows.
 */
export enum SealedSecretScope {
  /** Only under this exact name in this exact namespace (kubeseal's default). */
  STRICT = 'strict',
  /** Under any name, but only in this namespace. */
  NAMESPACE_WIDE = 'namespace-wide',
  /** Under any name in any namespace. */
  CLUSTER_WIDE = 'cluster-wide',
}

/** API version of the Bitnami SealedSecret custom resource. */
const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
/** Kind of the Bitnami SealedSecret custom resource. */
const SEALED_SECRET_KIND = 'SealedSecret';
/** Annotation the controller reads to select the namespace-wide scope. */
const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
/** Annotation the controller reads to select the cluster-wide scope. */
const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

/** Size of the single-use AES-256 session key, in bytes (sealed-secrets `sessionKeyBytes`). */
const SESSION_KEY_BYTES = 32;
/** AES-GCM standard nonce size; the nonce is all zeroes because each session key encrypts exactly one value. */
const GCM_NONCE_BYTES = 12;
/** AES-GCM authentication tag size; Go's `aead.Seal` appends it to the ciphertext. */
const GCM_TAG_BYTES = 16;
/** Size of the big-endian length prefix of the RSA ciphertext. */
const LENGTH_PREFIX_BYTES = 2;

/** A label value: at most 63 characters, alphanumerics, '-', '_' and '.', starting and ending alphanumeric (or empty). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The RSA-OAEP label that binds a sealed value to its scope, exactly as sealed-secrets' `EncryptionLabel`:
 * `<namespace>/<name>` for strict scope, `<namespace>` for namespace-wide scope, empty for cluster-wide scope.
 *
 * Internal helper, exported for tests.
 */
export function sealingLabel(scope: SealedSecretScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case SealedSecretScope.CLUSTER_WIDE:
      return Buffer.alloc(0);
    case SealedSecretScope.NAMESPACE_WIDE:
      return Buffer.from(namespace, 'utf-8');
    case SealedSecretScope.STRICT:
    default:
      return Buffer.from(`${namespace}/${name}`, 'utf-8');
  }
}

/**
 * Extracts the RSA public key of a PEM-encoded X.509 certificate, such as the one printed by `kubeseal --fetch-cert`.
 *
 * Internal helper, exported for tests.
 *
 * @throws Error when the text is not a PEM X.509 certificate or its key is not an RSA key.
 */
export function publicKeyFromCertificate(pem: string): crypto.KeyObject {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error('sealing certificate must be a PEM-encoded X.509 certificate ("-----BEGIN CERTIFICATE-----", from kubeseal --fetch-cert)');
  }
  let certificate: crypto.X509Certificate;
  try {
    certificate = new crypto.X509Certificate(pem);
  } catch (e) {
    throw new Error(`sealing certificate is not a valid PEM-encoded X.509 certificate: ${(e as Error).message}`);
  }
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`sealing certificate must carry an RSA public key; got ${publicKey.asymmetricKeyType ?? 'unknown'} key`);
  }
  // RSA-OAEP-SHA256 of a 32-byte session key needs at least 784 bits; the controller makes 4096-bit keys, and anything
  // under 2048 bits is too weak to seal a secret anyway.
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new Error(`sealing certificate must carry an RSA key of at least 2048 bits (the controller's are 4096); got ${bits} bits`);
  return publicKey;
}

/**
 * Seals one value the way sealed-secrets' `crypto.HybridEncrypt` does, so the controller (and
 * `kubeseal --recovery-unseal`) can open it:
 *
 * - a random 32-byte AES-256 session key encrypts `plaintext` with AES-GCM, zero nonce, no additional data;
 * - the session key is encrypted with RSA-OAEP (SHA-256, MGF1-SHA-256) using `label` as the OAEP label;
 * - the output is `uint16be(len(rsaCiphertext)) || rsaCiphertext || aesCiphertext || gcmTag`.
 *
 * Randomized: two calls never return the same bytes.
 *
 * Internal helper, exported for tests.
 */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = crypto.randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaCiphertext = crypto.publicEncrypt({
      key: publicKey,
      padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
      oaepHash: 'sha256',
      oaepLabel: label,
    }, sessionKey);
    if (rsaCiphertext.length > 0xffff) {
      throw new Error(`RSA ciphertext of ${rsaCiphertext.length} bytes does not fit the 2-byte length prefix`);
    }
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeUInt16BE(rsaCiphertext.length, 0);

    // The session key is used exactly once, so a zero nonce is safe (as in sealed-secrets).
    const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
    const aesCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([prefix, rsaCiphertext, aesCiphertext, cipher.getAuthTag()]);
  } finally {
    sessionKey.fill(0);
  }
}

/**
 * Opens a value sealed by {@link hybridEncrypt} (or by kubeseal) with the controller's private key,
 * the inverse of sealed-secrets' `crypto.HybridDecrypt`.
 *
 * Internal helper, exported for tests.
 *
 * @throws Error when the data is truncated, the label differs from the one used to seal, or the data was tampered with.
 */
export function hybridDecrypt(privateKey: crypto.KeyObject, ciphertext: Buffer, label: Buffer): Buffer {
  if (ciphertext.length < LENGTH_PREFIX_BYTES) {
    throw new Error('sealed data is too short');
  }
  const rsaLength = ciphertext.readUInt16BE(0);
  if (ciphertext.length < LENGTH_PREFIX_BYTES + rsaLength + GCM_TAG_BYTES) {
    throw new Error('sealed data is too short');
  }
  const rsaCiphertext = ciphertext.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + rsaLength);
  const aesPart = ciphertext.subarray(LENGTH_PREFIX_BYTES + rsaLength);
  const sessionKey = crypto.privateDecrypt({
    key: privateKey,
    padding: crypto.constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: label,
  }, rsaCiphertext);
  try {
    if (sessionKey.length !== SESSION_KEY_BYTES) {
      throw new Error(`sealed session key has ${sessionKey.length} bytes; expected ${SESSION_KEY_BYTES}`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(aesPart.subarray(aesPart.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - GCM_TAG_BYTES)), decipher.final()]);
  } finally {
    sessionKey.fill(0);
  }
}

/** Props of {@link SealedSecret}. */
export interface SealedSecretProps {
  /** Name of the SealedSecret, and of the Secret the sealed-secrets controller creates from it. A DNS-1123 subdomain. */
  readonly name: string;

  /**
   * Namespace of the SealedSecret and of its Secret. A DNS-1123 label.
   * Required: the strict scope binds the ciphertext to it.
   */
  readonly namespace: string;

  /**
   * The sealed-secrets controller's public certificate, PEM-encoded (the output of `kubeseal --fetch-cert`).
   * Only its RSA public key is used.
   */
  readonly certificate: string;

  /**
   * Plaintext values of the Secret, by key. Each value is sealed at synth time; the plaintext is never emitted.
   * Keys follow the Secret key rules (letters, digits, '-', '_' and '.'). Must not be empty.
   */
  readonly stringData: { [key: string]: string };

  /**
   * Where the controller may unseal the secret.
   *
   * @default SealedSecretScope.STRICT
   */
  readonly scope?: SealedSecretScope;

  /**
   * Type of the Secret the controller creates.
   *
   * @default 'Opaque'
   */
  readonly type?: string;

  /**
   * Labels copied to the SealedSecret and to the Secret template.
   *
   * @default - no labels
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A Bitnami SealedSecret (`bitnami.com/v1alpha1`), sealed at synth time with the controller's public certificate,
 * byte-compatible with `kubeseal`: the controller in the cluster decrypts it into a Secret of the same name.
 *
 * Every value of `stringData` is sealed separately into `spec.encryptedData` (keys sorted for a stable output order).
 * The plaintext never appears in the synthesized manifest.
 *
 * Sealing is randomized by design, exactly like kubeseal: every synth produces different ciphertext for the same
 * values, so the manifest changes on each synth even when nothing else did (snapshot tests must mask
 * `spec.encryptedData`).
 */
export class SealedSecret extends Construct {
  /** Name of the SealedSecret and of the Secret the controller creates from it. */
  public readonly name: string;

  /** The underlying cdk8s API object (kind `SealedSecret`). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    requireProps(this, props);

    const sealingScope = props.scope ?? SealedSecretScope.STRICT;
    const type = props.type ?? 'Opaque';
    const publicKey = guardValidation(this, () => validateProps(this, props, sealingScope, type));
    checkUniqueObjectIdentities(this);

    this.name = props.name;
    const label = sealingLabel(sealingScope, props.namespace, props.name);
    const encryptedData: { [key: string]: string } = {};
    for (const key of Object.keys(props.stringData).sort()) {
      encryptedData[key] = hybridEncrypt(publicKey, Buffer.from(props.stringData[key], 'utf-8'), label).toString('base64');
    }

    const labels = props.labels && Object.keys(props.labels).length > 0 ? props.labels : undefined;
    const annotations = scopeAnnotations(sealingScope);
    // Fresh copies for each metadata block: cdk8s mutates the ApiObject's labels (chart labels), not the template's.
    const objectMeta = () => ({
      name: props.name,
      namespace: props.namespace,
      ...(labels ? { labels: { ...labels } } : {}),
      ...(annotations ? { annotations: { ...annotations } } : {}),
    });

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: SEALED_SECRET_API_VERSION,
      kind: SEALED_SECRET_KIND,
      metadata: objectMeta(),
      spec: {
        encryptedData,
        template: {
          metadata: objectMeta(),
          type,
        },
      },
    });
  }
}

/** The annotations sealed-secrets reads to pick the scope (on the SealedSecret and on its template); none for strict. */
function scopeAnnotations(scope: SealedSecretScope): { [key: string]: string } | undefined {
  switch (scope) {
    case SealedSecretScope.NAMESPACE_WIDE:
      return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
    case SealedSecretScope.CLUSTER_WIDE:
      return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
    default:
      return undefined;
  }
}

/**
 * Checks every prop, throws all violations together, and returns the certificate's public key.
 * Never echoes a stringData value: only key names are reported.
 */
function validateProps(construct: Construct, props: SealedSecretProps, scope: SealedSecretScope, type: string): crypto.KeyObject {
  const v = new PropValidator(construct);
  v.dnsSubdomain('name', props.name);
  v.dnsLabel('namespace', props.namespace);

  const scopes: string[] = Object.values(SealedSecretScope);
  v.check('scope', scopes.includes(scope), `must be one of ${scopes.join(', ')} (SealedSecretScope)`, scope);
  v.check('type', typeof type === 'string' && type.length > 0 && type.length <= 253, 'must be a non-empty Secret type of at most 253 characters', type);

  const stringData: unknown = props.stringData;
  if (v.check('stringData', typeof stringData === 'object' && stringData !== null && !Array.isArray(stringData),
    'must be a map of Secret keys to plaintext values', typeof stringData)) {
    const keys = Object.keys(props.stringData);
    v.check('stringData', keys.length > 0, 'must contain at least one key (a SealedSecret with nothing to seal is useless)', keys);
    const badKeys = keys.filter((k) => !isSecretKey(k));
    v.check('stringData', badKeys.length === 0,
      "keys must be valid Secret keys (letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..')", badKeys);
    // Report the key names only, never the values.
    const nonStrings = keys.filter((k) => typeof (props.stringData[k] as unknown) !== 'string');
    v.check('stringData', nonStrings.length === 0, 'values must be strings (the values are not shown); offending keys', nonStrings);
    // The Secret the controller writes must fit the API server's 1 MiB limit (the values are not shown).
    const bytes = keys.reduce((n, k) => n + k.length + Buffer.byteLength(String(props.stringData[k]), 'utf-8'), 0);
    v.check('stringData', bytes <= 1024 * 1024, 'must hold at most 1 MiB (the limit of a Secret); total bytes', bytes);
    // Secret types whose keys the API server requires.
    const required: Record<string, string[]> = {
      'kubernetes.io/tls': ['tls.crt', 'tls.key'],
      'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
      'kubernetes.io/dockercfg': ['.dockercfg'],
      'kubernetes.io/ssh-auth': ['ssh-privatekey'],
    };
    const missing = (required[type] ?? []).filter((k) => !keys.includes(k));
    v.check('stringData', missing.length === 0, `must hold the keys a ${type} Secret requires; missing`, missing);
  }

  if (props.labels !== undefined) {
    const entries = Object.entries(props.labels);
    const badLabelKeys = entries.map(([k]) => k).filter((k) => !isQualifiedName(k));
    v.check('labels', badLabelKeys.length === 0, 'keys must be valid label keys (optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_", ".")', badLabelKeys);
    const badLabelValues = entries.filter(([, val]) => typeof val !== 'string' || val.length > 63 || !LABEL_VALUE.test(val)).map(([k, val]) => `${k}=${String(val)}`);
    v.check('labels', badLabelValues.length === 0, 'values must be valid label values (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)', badLabelValues);
  }

  let publicKey: crypto.KeyObject | undefined;
  try {
    publicKey = publicKeyFromCertificate(props.certificate);
  } catch {
    publicKey = undefined;
  }
  const certificate: unknown = props.certificate;
  const shown = typeof certificate === 'string' ? `${certificate.slice(0, 30)}...` : certificate;
  v.check('certificate', publicKey !== undefined, 'must be a PEM-encoded X.509 certificate with an RSA public key (kubeseal --fetch-cert)', shown);

  v.throwIfInvalid();
  return publicKey as crypto.KeyObject;
}
