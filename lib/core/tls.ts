// The TLS option every system shares: where the certificates come from (a cert-manager issuer, for which the
// construct emits one Certificate with the names it computes, or Secrets the user manages) and whether plaintext is
// still accepted. cert-manager's webhook may not run (or be another version): what it would refuse is refused here,
// at synth time (internal/apis/certmanager/validation/certificate.go of cert-manager v1.15.5).
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as certmanager from '../../imports/cert-manager.io';
import * as k8s from '../../imports/k8s';
import { meta } from './metadata';
import { SecretKeyRef } from './secret-key-ref';
import { PropValidator } from './validation';
import { isDnsSubdomain } from './validation-rules';
import { kindOf, shown } from './validation-error';

const CERT_MANAGER_GROUP = 'cert-manager.io';

/** Which cert-manager issuer signs the certificates a construct requests. */
export class CertificateIssuer {
  /**
   * A namespaced `Issuer` in the construct's namespace. Recommended: a CA Issuer per system (see the README), since
   * any certificate of the CA is accepted where names are not verified.
   * @param name the Issuer's name
   */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer(name, 'Issuer', CERT_MANAGER_GROUP);
  }

  /**
   * A `ClusterIssuer`.
   * @param name the ClusterIssuer's name
   */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer(name, 'ClusterIssuer', CERT_MANAGER_GROUP);
  }

  /**
   * An external issuer (e.g. kind `AWSPCAClusterIssuer` of group `awspca.cert-manager.io`).
   * @param name the issuer's name
   * @param kind its kind
   * @param group its API group
   */
  public static external(name: string, kind: string, group: string): CertificateIssuer {
    return new CertificateIssuer(name, kind, group);
  }

  /**
   * @param name the issuer's name
   * @param kind its kind (`Issuer`, `ClusterIssuer`, or an external issuer's)
   * @param group its API group
   */
  private constructor(public readonly name: string, public readonly kind: string, public readonly group: string) {}
}

/** Key algorithm of the issued certificates (OpenSSL, Go's crypto/tls and Java 11+ read all three). */
export enum TlsKeyAlgorithm {
  /** ECDSA on the P-256 curve. */
  ECDSA_P256 = 'ECDSA_P256',
  /** RSA, 2048 bits. */
  RSA_2048 = 'RSA_2048',
  /** RSA, 4096 bits. */
  RSA_4096 = 'RSA_4096',
}

/** Options of {@link TlsCertificates.fromIssuer}: the Certificate the construct emits. */
export interface IssuedCertificateOptions {
  /**
   * Lifetime of the certificate: at least one hour (cert-manager's minimum), whole seconds.
   * @default - cert-manager's: 90 days
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews: at least 5 minutes and less than `duration`.
   * @default - cert-manager's: a third of the lifetime (30 days for 90)
   */
  readonly renewBefore?: Duration;
  /**
   * Key algorithm and size.
   * @default TlsKeyAlgorithm.ECDSA_P256
   */
  readonly keyAlgorithm?: TlsKeyAlgorithm;
  /**
   * DNS names added to those the construct computes (an external load balancer's or Ingress's name); `*.` wildcards
   * allowed.
   * @default - none
   */
  readonly extraDnsNames?: string[];
}

/** Options of {@link TlsCertificates.fromSecrets}: Secrets the user manages. */
export interface TlsSecretsOptions {
  /** A `kubernetes.io/tls` Secret with the server certificate (`tls.crt`, leaf then chain) and its key (`tls.key`). */
  readonly secretName: string;
  /**
   * The Secret holding the CA bundle clients trust.
   * @default - `secretName`
   */
  readonly caSecretName?: string;
  /**
   * The key of the CA bundle in `caSecretName`.
   * @default 'ca.crt'
   */
  readonly caKey?: string;
}

/**
 * Where a system's TLS certificates come from: a cert-manager issuer (the construct emits a `Certificate` naming
 * every address clients and members use, and cert-manager keeps its Secret `<name>-tls` renewed), or Secrets the
 * user manages (their own Certificate, Vault, a corporate PKI, openssl).
 */
export class TlsCertificates {
  /**
   * Certificates issued by cert-manager: the construct emits a `Certificate` `<name>-tls` (Secret `<name>-tls`,
   * holding `tls.crt`, `tls.key` and the issuer's `ca.crt`, which clients trust).
   * @param issuer the Issuer or ClusterIssuer that signs
   * @param options lifetime, key algorithm, extra names
   */
  public static fromIssuer(issuer: CertificateIssuer, options?: IssuedCertificateOptions): TlsCertificates {
    return new TlsCertificates(issuer, options ?? {}, undefined);
  }

  /**
   * Certificates from Secrets the user manages; they must name every address the construct documents (see the
   * README's TLS section).
   * @param options the Secrets
   */
  public static fromSecrets(options: TlsSecretsOptions): TlsCertificates {
    return new TlsCertificates(undefined, undefined, options);
  }

  /** The issuer, when cert-manager issues the certificates. */
  public readonly issuer?: CertificateIssuer;
  /** Options of the issued certificate, when cert-manager issues it. */
  public readonly issued?: IssuedCertificateOptions;
  /** The user's Secrets, when the user manages them. */
  public readonly secrets?: TlsSecretsOptions;

  private constructor(issuer: CertificateIssuer | undefined, issued: IssuedCertificateOptions | undefined, secrets: TlsSecretsOptions | undefined) {
    this.issuer = issuer;
    this.issued = issued;
    this.secrets = secrets;
  }
}

/** Whether plaintext is still accepted while TLS is on. */
export enum TlsMode {
  /** TLS offered and plaintext refused. */
  REQUIRED = 'REQUIRED',
  /**
   * TLS offered, plaintext still accepted: the step between off and REQUIRED for a system that holds data (move
   * the clients to TLS, then switch to REQUIRED).
   */
  TRANSITIONAL = 'TRANSITIONAL',
}

/** TLS of a system: where the certificates come from, and whether plaintext is refused. */
export interface TlsOptions {
  /** The certificates: `TlsCertificates.fromIssuer(...)` or `TlsCertificates.fromSecrets(...)`. */
  readonly certificates: TlsCertificates;
  /**
   * Whether plaintext is refused (REQUIRED) or still accepted (TRANSITIONAL).
   * @default TlsMode.REQUIRED
   */
  readonly mode?: TlsMode;
}

/** What a system's TLS resolved to: the Secrets its pods mount. */
export interface TlsBinding {
  /** The Secret with `tls.crt` and `tls.key`. */
  readonly secretName: string;
  /** The CA bundle clients trust. */
  readonly ca: SecretKeyRef;
  /** Plaintext refused. */
  readonly required: boolean;
}

/** The names a system's certificate must hold, computed by the system from the helpers its Services use. */
export interface TlsNames {
  readonly dnsNames: string[];
  readonly ipAddresses?: string[];
}

/** cert-manager's minimum `duration` (MinimumCertificateDuration) and `renewBefore` (MinimumRenewBefore). */
const MIN_DURATION_S = 3600;
const MIN_RENEW_BEFORE_S = 300;

/** The checks of a `tls` prop, at `v` (e.g. `v.child('tls')`): what cert-manager's webhook would refuse too. */
export function validateTls(v: PropValidator, tls: TlsOptions | undefined): void {
  if (tls === undefined) return;
  if (!v.check(typeof tls === 'object' && tls !== null, 'must be an object ({ certificates, mode })', tls)) return;
  v.child('mode').check(tls.mode === undefined || Object.values(TlsMode).includes(tls.mode), `must be one of ${Object.values(TlsMode).join(', ')}`, tls.mode);
  const c = tls.certificates;
  if (!v.child('certificates').check(c instanceof TlsCertificates,
    'must come from TlsCertificates.fromIssuer() or TlsCertificates.fromSecrets()', kindOf(c))) return;
  if (c.issuer !== undefined) {
    const iv = v.child('certificates', 'issuer');
    iv.child('name').dnsSubdomain(c.issuer.name);
    iv.child('kind').check(typeof c.issuer.kind === 'string' && /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(c.issuer.kind), 'must be a Kubernetes kind (a letter, then letters and digits)', c.issuer.kind);
    iv.child('group').dnsSubdomain(c.issuer.group);
    // The webhook: in the cert-manager.io group only Issuer and ClusterIssuer exist.
    if (c.issuer.group === CERT_MANAGER_GROUP) {
      iv.child('kind').check(['Issuer', 'ClusterIssuer'].includes(c.issuer.kind), 'must be Issuer or ClusterIssuer in group cert-manager.io', c.issuer.kind);
    }
    const o = c.issued ?? {};
    const ov = v.child('certificates', 'options');
    const duration = o.duration === undefined ? 90 * 86400 : o.duration.toSeconds();
    if (o.duration !== undefined) ov.child('duration').wholeSeconds(o.duration, MIN_DURATION_S, 'at least 1 hour (cert-manager refuses a shorter duration)');
    if (o.renewBefore !== undefined) {
      ov.child('renewBefore').wholeSeconds(o.renewBefore, MIN_RENEW_BEFORE_S, 'at least 5 minutes (cert-manager refuses a shorter renewBefore)');
      ov.child('renewBefore').check(o.renewBefore.toSeconds() < duration,
        `must be less than duration (${duration} s): cert-manager refuses a certificate that would renew as soon as it is issued`, shown(`${o.renewBefore.toSeconds()} s`));
    }
    ov.child('keyAlgorithm').check(o.keyAlgorithm === undefined || Object.values(TlsKeyAlgorithm).includes(o.keyAlgorithm),
      `must be one of ${Object.values(TlsKeyAlgorithm).join(', ')}`, o.keyAlgorithm);
    if (o.extraDnsNames !== undefined) {
      if (ov.child('extraDnsNames').check(Array.isArray(o.extraDnsNames), 'must be a list of DNS names', o.extraDnsNames)) {
        o.extraDnsNames.forEach((n, i) => ov.child('extraDnsNames').index(i).check(isCertDnsName(n),
          'must be a DNS name (a DNS-1123 subdomain, optionally starting with "*."), at most 253 characters', n));
        const dup = o.extraDnsNames.filter((n, i) => o.extraDnsNames!.indexOf(n) !== i);
        ov.child('extraDnsNames').check(dup.length === 0, 'must not repeat a name', dup);
      }
    }
  } else {
    const s = c.secrets;
    const sv = v.child('certificates');
    if (!sv.check(typeof s === 'object' && s !== null, 'must name the Secrets (secretName)', s)) return;
    sv.child('secretName').dnsSubdomain(s!.secretName);
    if (s!.caSecretName !== undefined) sv.child('caSecretName').dnsSubdomain(s!.caSecretName);
    if (s!.caKey !== undefined) sv.child('caKey').secretKey(s!.caKey);
  }
}

/** A DNS name cert-manager accepts in `dnsNames`: a subdomain, or `*.` and a subdomain. */
function isCertDnsName(n: unknown): boolean {
  return typeof n === 'string' && n.length <= 253 && isDnsSubdomain(n.startsWith('*.') ? n.slice(2) : n);
}

/** A Go duration cert-manager parses: whole hours, else minutes, else seconds. */
export function goDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

const KEYS: Record<TlsKeyAlgorithm, { algorithm: certmanager.CertificateSpecPrivateKeyAlgorithm; size: number }> = {
  [TlsKeyAlgorithm.ECDSA_P256]: { algorithm: certmanager.CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
  [TlsKeyAlgorithm.RSA_2048]: { algorithm: certmanager.CertificateSpecPrivateKeyAlgorithm.RSA, size: 2048 },
  [TlsKeyAlgorithm.RSA_4096]: { algorithm: certmanager.CertificateSpecPrivateKeyAlgorithm.RSA, size: 4096 },
};

/** The Secrets of a system's (validated) `tls` prop: the issued `<name>-tls`, or the user's. */
export function resolveTls(tls: TlsOptions, name: string): TlsBinding {
  const required = (tls.mode ?? TlsMode.REQUIRED) === TlsMode.REQUIRED;
  const s = tls.certificates.secrets;
  if (s) return { secretName: s.secretName, ca: { secretName: s.caSecretName ?? s.secretName, key: s.caKey ?? 'ca.crt' }, required };
  const secretName = `${name}-tls`;
  return { secretName, ca: { secretName, key: 'ca.crt' }, required };
}

/**
 * With an issuer, the Certificate `<name>-tls` under `scope` (its Secret `<name>-tls`): exactly `names` and the
 * extra ones, a new key at every renewal, server and client usages. With `combinedPem`, the Secret also holds
 * `tls-combined.pem` (the PKCS#8 key, then the certificate chain: cert-manager's CombinedPEM output format), the one
 * file Cassandra's PEMBasedSslContextFactory reads as its keystore. Undefined for the user's Secrets.
 */
export function issueCertificate(scope: Construct, tls: TlsOptions, o: { name: string; namespace: string; labels: Record<string, string>; names: TlsNames; combinedPem?: boolean }): certmanager.Certificate | undefined {
  const issuer = tls.certificates.issuer;
  if (!issuer) return undefined;
  const opts = tls.certificates.issued ?? {};
  const secretName = `${o.name}-tls`;
  const dnsNames = [...new Set([...o.names.dnsNames, ...(opts.extraDnsNames ?? [])])];
  return new certmanager.Certificate(scope, 'tls', {
    metadata: meta(secretName, o.namespace, o.labels),
    spec: {
      secretName,
      secretTemplate: { labels: o.labels },
      issuerRef: { name: issuer.name, kind: issuer.kind, group: issuer.group },
      dnsNames,
      ipAddresses: o.names.ipAddresses,
      duration: opts.duration ? goDuration(opts.duration) : undefined,
      renewBefore: opts.renewBefore ? goDuration(opts.renewBefore) : undefined,
      // Written out: cert-manager before 1.18 defaults to Never (the key would outlive every renewal), 1.18+ to Always.
      privateKey: { ...KEYS[opts.keyAlgorithm ?? TlsKeyAlgorithm.ECDSA_P256], encoding: certmanager.CertificateSpecPrivateKeyEncoding.PKCS8, rotationPolicy: certmanager.CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
      usages: [
        certmanager.CertificateSpecUsages.DIGITAL_SIGNATURE, certmanager.CertificateSpecUsages.KEY_ENCIPHERMENT,
        certmanager.CertificateSpecUsages.SERVER_AUTH, certmanager.CertificateSpecUsages.CLIENT_AUTH,
      ],
      additionalOutputFormats: o.combinedPem ? [{ type: certmanager.CertificateSpecAdditionalOutputFormatsType.COMBINED_PEM }] : undefined,
    },
  });
}

/** A Secret volume of the given keys, as files of the same names, mode 0440 (root and the pod's fsGroup; a key must not be world-readable). */
export function tlsVolume(name: string, secretName: string, items: Array<{ key: string; path: string }>): k8s.Volume {
  return { name, secret: { secretName, defaultMode: 0o440, items } };
}

/** The key of cert-manager's CombinedPEM output in a certificate's Secret: the private key, then the chain. */
export const COMBINED_PEM_KEY = 'tls-combined.pem';

/** The names clients in the cluster type for a Service: `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.<domain>`. */
export function serviceDnsNames(service: string, namespace: string, clusterDomain: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${clusterDomain}`];
}
