// The props of PostgresWithSecrets and the options they take.
import { Size } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { BackupOptions } from '../../core/backup';
import { Credentials } from '../../core/credentials';
import { MetricsOptions } from '../../core/metrics';
import { StatefulSystemProps } from '../../core/system-props';
import { TlsOptions } from '../../core/tls';
import { PostgresStorageOptions } from './storage';

/** A `pg_dump` CronJob writing into its own retained claim (schedule default '0 3 * * *', claim default 10 GiB). */
export interface PostgresBackupOptions extends BackupOptions {}

/** Options of {@link PostgresWithSecretsProps.metrics}. */
export interface PostgresMetricsOptions extends MetricsOptions {
  /**
   * The postgres_exporter image.
   * @default PostgresWithSecrets.DEFAULT_EXPORTER_IMAGE
   */
  readonly image?: string;
  /**
   * The exporter's resources.
   * @default - cpu 50m-250m, memory 64Mi
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * Properties of a {@link PostgresWithSecrets}. The shared props ({@link StatefulSystemProps}) take PostgreSQL's
 * defaults: `name` 'postgres' (pod `postgres-0`, prefix of every object), `image`
 * {@link PostgresWithSecrets.DEFAULT_IMAGE}, `resources` 250m/1 CPU and 512Mi memory, `runAs` uid/gid 999 (the
 * postgres image's user), `scheduling` without zone spread or anti-affinity (one pod), `allowedClients` none: port
 * 5432 admits the pods carrying `connection.clientLabels` in the same namespace, and the peers given here.
 */
export interface PostgresWithSecretsProps extends StatefulSystemProps {
  /** Name of the database to create (`POSTGRES_DB`). */
  readonly database: string;
  /** Where the database owner's user name and password come from. */
  readonly credentials: Credentials;
  /**
   * Name of the ClusterIP Service clients use.
   * @default - `<name>-service` (`postgres-service`)
   */
  readonly serviceName?: string;
  /**
   * Also create an ExternalName Service with this name pointing at the ClusterIP Service (e.g. `postgres`, for
   * clients configured with that host name).
   * @default - no alias
   */
  readonly aliasServiceName?: string;
  /**
   * The data directory's storage: a claim from a StorageClass (retained on delete), or with `hostPath` a static
   * PersistentVolume on a node's directory.
   * @default - 8 GiB from the cluster's default StorageClass
   */
  readonly storage?: PostgresStorageOptions;
  /**
   * Size of the memory-backed `/dev/shm` (the container runtime's 64MB default is too small for parallel queries).
   * It counts against the memory limit.
   * @default Size.mebibytes(256)
   */
  readonly sharedMemorySize?: Size;
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
   * TLS for every TCP connection (`ssl=on`, TLS 1.2 at least), from a cert-manager issuer (the construct emits the
   * Certificate `<name>-tls`) or Secrets you manage. `TlsMode.REQUIRED` (the default) writes a `pg_hba.conf` that
   * refuses plaintext (`hostssl` only); `TRANSITIONAL` accepts both. The exporter, the backup Job and SquashApp
   * verify the server (`verify-full` with the CA). A `tls-reload` sidecar has the server reload a renewed
   * certificate and key within 30 s of the kubelet updating the files (see the README's TLS section).
   * @default - no TLS: plaintext only
   */
  readonly tls?: TlsOptions;
}
