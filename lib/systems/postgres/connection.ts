// What a client needs to reach a PostgreSQL database, and what gives it.

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
}

/** Something that gives a PostgreSQL connection: a {@link PostgresWithSecrets}, or `{ connection }` for a database made elsewhere. */
export interface IPostgresDatabase {
  /** How to reach the database. */
  readonly connection: PostgresConnection;
}

/** PostgreSQL identifiers for a database name: a letter or underscore, then letters, digits, underscores, at most 63. */
export const PG_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
