// The credentials contract every system shares (PostgreSQL's owner, Cassandra's superuser role): an existing Secret
// (the GitOps default), a SealedSecret sealed at synth, or plaintext only under a name that says what it is.
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { meta } from './metadata';
import { SealedSecret, SealedSecretScope } from './sealed-secret';
import { PropValidator } from './validation';
import { shown } from './validation-error';

/** Keys of the credentials Secret. */
export interface CredentialsSecretKeys {
  /**
   * Key holding the user name.
   * @default 'user'
   */
  readonly username?: string;
  /**
   * Key holding the password.
   * @default 'password'
   */
  readonly password?: string;
}

/** Options of {@link Credentials.sealedSecret}. */
export interface SealedCredentialsOptions {
  /** The sealed-secrets controller's public certificate, PEM (`kubeseal --fetch-cert`). */
  readonly certificate: string;
  /** Database user name, sealed at synth time. */
  readonly username: string;
  /** Password, sealed at synth time (read it from the environment, never from source). */
  readonly password: string;
  /**
   * Name of the SealedSecret and of the Secret the controller creates.
   * @default - `<name>-credentials`
   */
  readonly secretName?: string;
}

/** Options of {@link Credentials.unsafePlaintext}. */
export interface PlaintextCredentialsOptions {
  /** Database user name. */
  readonly username: string;
  /** Password: written into the synthesized YAML in clear (base64 is not encryption). */
  readonly password: string;
  /**
   * Name of the Secret.
   * @default - `<name>-credentials`
   */
  readonly secretName?: string;
}

/** Where a system's credentials ended up: the Secret and its keys. */
export interface CredentialsBinding {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key holding the user name. */
  readonly usernameKey: string;
  /** Key holding the password. */
  readonly passwordKey: string;
}

/**
 * The credentials Secret as a pod volume: the user name and password as the files `username` and `password`, mode
 * 0440 (root and the pod's fsGroup). Every system reads its credentials this way, never as env values.
 */
export function credentialsVolume(name: string, c: CredentialsBinding): k8s.Volume {
  return { name, secret: { secretName: c.secretName, defaultMode: 0o440, items: [
    { key: c.usernameKey, path: 'username' }, { key: c.passwordKey, path: 'password' },
  ] } };
}

/** Context a credentials source is bound in. */
export interface CredentialsBindOptions {
  /** Namespace of the system the credentials belong to. */
  readonly namespace: string;
  /** Secret name to use when the source does not name one. */
  readonly defaultSecretName: string;
  /** Labels for any object the source creates. */
  readonly labels: { [key: string]: string };
}

const DEFAULT_KEYS = { username: 'user', password: 'password' };

/**
 * Where a system's user name and password come from (PostgreSQL's owner, Cassandra's superuser role). The synthesized YAML is committed in a GitOps pipeline, so the
 * safe way is the easy way: reference an existing Secret, or seal the values for the cluster. Plaintext is possible
 * only under a name that says what it is.
 */
export abstract class Credentials {
  /**
   * Reference a Secret created out of band (e.g. `kubectl create secret generic`): nothing secret is synthesized.
   * The default for GitOps.
   * @param secretName name of the Secret, in the system's namespace
   * @param keys its keys (default `user` and `password`)
   */
  public static fromExistingSecret(secretName: string, keys: CredentialsSecretKeys = {}): Credentials {
    return new ExistingSecretCredentials(secretName, { username: keys?.username ?? DEFAULT_KEYS.username, password: keys?.password ?? DEFAULT_KEYS.password });
  }

  /**
   * Emit a `bitnami.com/v1alpha1` SealedSecret, encrypted at synth time with the cluster's public certificate and
   * bound to the namespace and name (strict scope). Safe to commit; only the cluster's controller can open it.
   * Sealing is randomized, like kubeseal: each synth writes new ciphertext for the same values.
   */
  public static sealedSecret(options: SealedCredentialsOptions): Credentials {
    return new SealedCredentials(options);
  }

  /**
   * Emit a plain Secret with the values in it. For local experiments only: synth prints a warning, and the values
   * end up in `dist/` and in any repository `dist/` is committed to.
   */
  public static unsafePlaintext(options: PlaintextCredentialsOptions): Credentials {
    return new PlaintextCredentials(options);
  }

  /**
   * Called by the system construct: creates whatever Secret object this source needs under `scope` and says where
   * the credentials are. Validation errors are reported against `scope`.
   */
  public abstract bind(scope: Construct, options: CredentialsBindOptions): CredentialsBinding;
}

class ExistingSecretCredentials extends Credentials {
  constructor(private readonly secretName: string, private readonly keys: { username: string; password: string }) {
    super();
  }

  public bind(scope: Construct): CredentialsBinding {
    const v = new PropValidator(scope);
    v.child('credentials', 'secretName').dnsSubdomain(this.secretName);
    v.child('credentials', 'keys', 'username').secretKey(this.keys?.username);
    v.child('credentials', 'keys', 'password').secretKey(this.keys?.password);
    v.child('credentials', 'keys', 'password').check(this.keys?.password !== this.keys?.username, 'must differ from keys.username (the password would be the user name)', this.keys.password);
    v.throwIfInvalid();
    return { secretName: this.secretName, usernameKey: this.keys.username, passwordKey: this.keys.password };
  }
}

class SealedCredentials extends Credentials {
  constructor(private readonly options: SealedCredentialsOptions) {
    super();
  }

  public bind(scope: Construct, o: CredentialsBindOptions): CredentialsBinding {
    validateValues(scope, this.options.username, this.options.password, this.options.secretName);
    const secretName = this.options.secretName ?? o.defaultSecretName;
    new SealedSecret(scope, 'credentials', {
      name: secretName,
      namespace: o.namespace,
      certificate: this.options.certificate,
      stringData: { [DEFAULT_KEYS.username]: this.options.username, [DEFAULT_KEYS.password]: this.options.password },
      scope: SealedSecretScope.STRICT,
      labels: o.labels,
    });
    return { secretName, usernameKey: DEFAULT_KEYS.username, passwordKey: DEFAULT_KEYS.password };
  }
}

class PlaintextCredentials extends Credentials {
  constructor(private readonly options: PlaintextCredentialsOptions) {
    super();
  }

  public bind(scope: Construct, o: CredentialsBindOptions): CredentialsBinding {
    validateValues(scope, this.options.username, this.options.password, this.options.secretName);
    const secretName = this.options.secretName ?? o.defaultSecretName;
    process.emitWarning(`${scope.node.path}: Credentials.unsafePlaintext writes the password of Secret "${secretName}" `
      + 'into the synthesized YAML. Use fromExistingSecret() or sealedSecret() for anything you commit.', 'UnsafePlaintextSecret');
    new k8s.KubeSecret(scope, 'credentials', {
      metadata: meta(secretName, o.namespace, o.labels),
      type: 'Opaque',
      // `data`, not `stringData`: the API server folds stringData into data and drops it, so every apply of a
      // stringData Secret is a change.
      data: {
        [DEFAULT_KEYS.username]: Buffer.from(this.options.username, 'utf-8').toString('base64'),
        [DEFAULT_KEYS.password]: Buffer.from(this.options.password, 'utf-8').toString('base64'),
      },
    });
    return { secretName, usernameKey: DEFAULT_KEYS.username, passwordKey: DEFAULT_KEYS.password };
  }
}

/** Checks credential values without ever echoing them. */
function validateValues(scope: Construct, username: string, password: string, secretName?: string) {
  const v = new PropValidator(scope);
  if (secretName !== undefined) v.child('credentials', 'secretName').dnsSubdomain(secretName);
  v.child('credentials', 'username').check(typeof username === 'string' && /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(username),
    'must be a role name PostgreSQL and Cassandra both accept (a letter or _, then letters, digits, _ $ -, at most 63 characters)', shown('<redacted>'));
  v.child('credentials', 'password').check(typeof password === 'string' && password.length >= 8, 'must be at least 8 characters', shown('<redacted>'));
  v.throwIfInvalid();
}
