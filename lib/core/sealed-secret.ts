// A Bitnami SealedSecret, sealed at synth time with the controller's public certificate (lib/core/sealing.ts).
import * as crypto from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkUniqueObjectIdentities } from './identity';
import { hybridEncrypt, publicKeyFromCertificate } from './sealing';
import { guardValidation, PropValidator, requireProps } from './validation';
import { isQualifiedName, isSecretKey } from './validation-rules';

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
  readonly secretType?: string;

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
    const type = props.secretType ?? 'Opaque';
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
  v.child('name').dnsSubdomain(props.name);
  v.child('namespace').dnsLabel(props.namespace);

  const scopes: string[] = Object.values(SealedSecretScope);
  v.child('scope').check(scopes.includes(scope), `must be one of ${scopes.join(', ')} (SealedSecretScope)`, scope);
  v.child('secretType').check(typeof type === 'string' && type.length > 0 && type.length <= 253, 'must be a non-empty Secret type of at most 253 characters', type);

  const stringData: unknown = props.stringData;
  if (v.child('stringData').check(typeof stringData === 'object' && stringData !== null && !Array.isArray(stringData),
    'must be a map of Secret keys to plaintext values', typeof stringData)) {
    const keys = Object.keys(props.stringData);
    v.child('stringData').check(keys.length > 0, 'must contain at least one key (a SealedSecret with nothing to seal is useless)', keys);
    const badKeys = keys.filter((k) => !isSecretKey(k));
    v.child('stringData').check(badKeys.length === 0,
      "keys must be valid Secret keys (letters, digits, '-', '_' and '.', at most 253 characters, not '.' or '..')", badKeys);
    // Report the key names only, never the values.
    const nonStrings = keys.filter((k) => typeof (props.stringData[k] as unknown) !== 'string');
    v.child('stringData').check(nonStrings.length === 0, 'values must be strings (the values are not shown); offending keys', nonStrings);
    // The Secret the controller writes must fit the API server's 1 MiB limit (the values are not shown).
    const bytes = keys.reduce((n, k) => n + k.length + Buffer.byteLength(String(props.stringData[k]), 'utf-8'), 0);
    v.child('stringData').check(bytes <= 1024 * 1024, 'must hold at most 1 MiB (the limit of a Secret); total bytes', bytes);
    // Secret types whose keys the API server requires.
    const required: Record<string, string[]> = {
      'kubernetes.io/tls': ['tls.crt', 'tls.key'],
      'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
      'kubernetes.io/dockercfg': ['.dockercfg'],
      'kubernetes.io/ssh-auth': ['ssh-privatekey'],
    };
    const missing = (required[type] ?? []).filter((k) => !keys.includes(k));
    v.child('stringData').check(missing.length === 0, `must hold the keys a ${type} Secret requires; missing`, missing);
  }

  if (props.labels !== undefined) {
    const entries = Object.entries(props.labels);
    const badLabelKeys = entries.map(([k]) => k).filter((k) => !isQualifiedName(k));
    v.child('labels').check(badLabelKeys.length === 0, 'keys must be valid label keys (optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_", ".")', badLabelKeys);
    const badLabelValues = entries.filter(([, val]) => typeof val !== 'string' || val.length > 63 || !LABEL_VALUE.test(val)).map(([k, val]) => `${k}=${String(val)}`);
    v.child('labels').check(badLabelValues.length === 0, 'values must be valid label values (at most 63 alphanumerics, "-", "_", ".", starting and ending alphanumeric)', badLabelValues);
  }

  let publicKey: crypto.KeyObject | undefined;
  try {
    publicKey = publicKeyFromCertificate(props.certificate);
  } catch {
    publicKey = undefined;
  }
  const certificate: unknown = props.certificate;
  const shown = typeof certificate === 'string' ? `${certificate.slice(0, 30)}...` : certificate;
  v.child('certificate').check(publicKey !== undefined, 'must be a PEM-encoded X.509 certificate with an RSA public key (kubeseal --fetch-cert)', shown);

  v.throwIfInvalid();
  return publicKey as crypto.KeyObject;
}
