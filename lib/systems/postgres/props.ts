// The props of PostgresWithSecrets and the options they take.
import { Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../../imports/k8s';
import { BackupOptions } from '../../core/backup';
import {
  Credentials, CredentialsBinding, CredentialsBindOptions, CredentialsSecretKeys, PlaintextCredentialsOptions, SealedCredentialsOptions,
} from '../../core/credentials';
import { MetricsOptions } from '../../core/metrics';
import { SchedulingOptions } from '../../core/scheduling';
import { RunAsUser } from '../../core/security';
import { PostgresStorage } from './storage';

/**
 * Keys of the credentials Secret.
 * @deprecated use {@link CredentialsSecretKeys} (the same keys, shared by every system)
 */
export interface PostgresSecretKeys extends CredentialsSecretKeys {}

/**
 * Options of {@link Credentials.sealed}.
 * @deprecated use {@link SealedCredentialsOptions}
 */
export interface SealedPostgresCredentialsOptions extends SealedCredentialsOptions {}

/**
 * Options of {@link Credentials.unsafePlaintext}.
 * @deprecated use {@link PlaintextCredentialsOptions}
 */
export interface PlaintextPostgresCredentialsOptions extends PlaintextCredentialsOptions {}

/**
 * Where a database's credentials ended up.
 * @deprecated use {@link CredentialsBinding}
 */
export interface PostgresCredentialsBinding extends CredentialsBinding {}

/**
 * Context a credentials source is bound in.
 * @deprecated use {@link CredentialsBindOptions}
 */
export interface PostgresCredentialsBindOptions extends CredentialsBindOptions {}

/**
 * PostgreSQL's name for {@link Credentials}, the credentials contract every system shares:
 * `PostgresCredentials.fromExistingSecret()`, `.sealed()` and `.unsafePlaintext()` are `Credentials`' own.
 * @deprecated use {@link Credentials}
 */
export abstract class PostgresCredentials extends Credentials {}

/** A `pg_dump` CronJob writing into its own retained claim (schedule default '0 3 * * *', claim default 10 GiB). */
export interface PostgresBackupOptions extends BackupOptions {}

/** Options of {@link PostgresWithSecretsProps.metrics}. */
export interface PostgresMetricsOptions extends MetricsOptions {
  /**
   * The postgres_exporter image.
   * @default POSTGRES_EXPORTER_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * The exporter's resources.
   * @default - cpu 50m-250m, memory 64Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/** Properties of a {@link PostgresWithSecrets}. */
export interface PostgresWithSecretsProps {
  /** Name of the database to create (`POSTGRES_DB`). */
  readonly database: string;
  /** Where the user name and password come from. */
  readonly credentials: Credentials;
  /**
   * Name of the StatefulSet (pod `<name>-0`) and prefix of every object.
   * @default 'postgres'
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, or `default`
   */
  readonly namespace?: string;
  /**
   * PostgreSQL image, pinned.
   * @default POSTGRES_DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Name of the ClusterIP Service clients use.
   * @default - `<name>-service` (`postgres-service`)
   */
  readonly serviceName?: string;
  /**
   * Also create an ExternalName Service with this name pointing at the ClusterIP Service (e.g. `postgres`, for clients configured with that host name).
   * @default - no alias
   */
  readonly aliasServiceName?: string;
  /**
   * Where the data directory lives.
   * @default PostgresStorage.dynamic(Size.gibibytes(8))
   */
  readonly storage?: PostgresStorage;
  /**
   * CPU and memory.
   * @default - cpu 250m request / 1 limit, memory 512Mi request and limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Size of the memory-backed `/dev/shm` (the container runtime's 64MB default is too small for parallel queries).
   * It counts against the memory limit.
   * @default Size.mebibytes(256)
   */
  readonly sharedMemorySize?: Size;
  /**
   * Scheduling controls: a PriorityClass, tolerations, a node selector (the spread across zones means little for
   * one pod, and is off unless asked for).
   * @default - no priority class, toleration or node selector
   */
  readonly scheduling?: SchedulingOptions;
  /**
   * Pods allowed to reach port 5432, besides pods carrying `connection.clientLabels` in the same namespace.
   * @default - none
   */
  readonly allowedClients?: k8s.NetworkPolicyPeer[];
  /**
   * Nightly `pg_dump` into its own retained claim.
   * @default - no backup
   */
  readonly backup?: PostgresBackupOptions;
  /**
   * Prometheus metrics from a postgres_exporter sidecar (port 9187, `/metrics`), logged in over 127.0.0.1 with the
   * credentials it reads from the mounted Secret files (`DATA_SOURCE_USER_FILE`, `DATA_SOURCE_PASS_FILE`: never an
   * env value); the NetworkPolicy admits `scrapers` to port 9187 only.
   * @default - no metrics
   */
  readonly metrics?: PostgresMetricsOptions;
  /**
   * The user PostgreSQL runs as.
   * @default - uid 999, gid 999 (the postgres image's own user)
   */
  readonly runAs?: RunAsUser;
}
