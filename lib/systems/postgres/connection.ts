// What a client needs to reach a PostgreSQL database, and what gives it: a PostgresWithSecrets of this app, or an
// ExternalPostgresDatabase made elsewhere. Both sides own the connection: the client asks the database to admit it
// (allowFrom), and the database says whether it can.
import * as k8s from '../../../imports/k8s';
import { SecretKeyRef } from '../../core/secret-key-ref';

/** Everything a client needs to reach a PostgreSQL database. */
export interface PostgresConnection {
  /** Service name, resolvable from the same namespace. */
  readonly host: string;
  /** Fully qualified service name, resolvable from any namespace. */
  readonly fqdn: string;
  /** TCP port. */
  readonly port: number;
  /** Database name. */
  readonly database: string;
  /** Namespace of the database (and of its Secret). */
  readonly namespace: string;
  /** Secret holding the credentials. */
  readonly secretName: string;
  /** Key of the user name in the Secret. */
  readonly usernameKey: string;
  /** Key of the password in the Secret. */
  readonly passwordKey: string;
  /** Labels a client pod carries to pass the database's NetworkPolicy. */
  readonly clientLabels: { [key: string]: string };
  /** Labels of the database pods (for a client's egress rule). */
  readonly serverLabels: { [key: string]: string };
  /**
   * The CA bundle that signed the server's certificate: when set, the database speaks TLS and clients verify it
   * (`sslmode=verify-full`: the certificate chains to this CA and names the host they connect to). A client in
   * another namespace needs a Secret of this name and key in its own namespace.
   * @default - no TLS: clients connect in plaintext
   */
  readonly tlsCa?: SecretKeyRef;
}

/**
 * A PostgreSQL database a client construct (SquashApp) connects to: a {@link PostgresWithSecrets} of this app, or an
 * {@link ExternalPostgresDatabase} made elsewhere.
 */
export interface IPostgresDatabase {
  /** How to reach the database. */
  readonly connection: PostgresConnection;

  /**
   * Admits client pods to the database port. A {@link PostgresWithSecrets} adds them to its NetworkPolicy; an
   * {@link ExternalPostgresDatabase} cannot, and lists them for whoever manages that database.
   * @param peer the client pods (and their namespace)
   */
  allowFrom(peer: k8s.NetworkPolicyPeer): void;
}

/**
 * A PostgreSQL database this app does not deploy (another team's, a managed service), given by its connection.
 *
 * Its NetworkPolicy, if it has one, is not written by this app: {@link allowFrom} cannot change it, and records the
 * peers its owner must admit in {@link clientPeers} instead. A client in the database's namespace is admitted by
 * carrying `connection.clientLabels` when the database's policy admits those labels; a client in another namespace
 * must be admitted by its namespace and labels (the peer SquashApp passes to allowFrom).
 */
export class ExternalPostgresDatabase implements IPostgresDatabase {
  /** How to reach the database. */
  public readonly connection: PostgresConnection;
  /** The client peers that asked to be admitted (allowFrom): the database's owner must let them reach its port. */
  public readonly clientPeers: k8s.NetworkPolicyPeer[] = [];

  /**
   * @param connection where the database is, and the Secret with its credentials
   */
  constructor(connection: PostgresConnection) {
    this.connection = connection;
  }

  /**
   * Records `peer` in {@link clientPeers}: this app cannot change the NetworkPolicy of a database it does not deploy.
   * @param peer the client pods (and their namespace)
   */
  public allowFrom(peer: k8s.NetworkPolicyPeer): void {
    this.clientPeers.push(peer);
  }
}

/** PostgreSQL identifiers for a database name: a letter or underscore, then letters, digits, underscores, at most 63. */
export const PG_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
