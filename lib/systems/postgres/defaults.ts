// Internal: what PostgreSQL runs by default, and where the construct mounts things in its pods.
import { Size } from 'cdk8s';
import { fixedResources } from '../../core/resources';

/** The PostgreSQL release deployed unless `image` says otherwise. */
export const POSTGRES_DEFAULT_IMAGE = 'postgres:17.2';

/** The prometheus-community postgres_exporter release of the metrics sidecar unless `metrics.image` says otherwise. */
export const POSTGRES_EXPORTER_DEFAULT_IMAGE = 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1';

/** PostgreSQL's defaults: 250m/1 CPU, 512Mi memory, ephemeral storage for sorts that spill and logs. */
export const POSTGRES_DEFAULT_RESOURCES = fixedResources(['250m', '1'], Size.mebibytes(512), [Size.mebibytes(64), Size.gibibytes(1)]);

export const DATA_DIR = '/var/lib/postgresql/data';

export const SECRET_DIR = '/run/secrets/postgres';

export const PG_USER_FILE = `${SECRET_DIR}/username`;

export const PG_PASSWORD_FILE = `${SECRET_DIR}/password`;

/** postgres_exporter's resources: it holds one connection and renders a few hundred series. */
export const EXPORTER_DEFAULT_RESOURCES = fixedResources(['50m', '250m'], Size.mebibytes(64), [Size.mebibytes(16), Size.mebibytes(64)]);

/** The tls-reload sidecar's resources: a shell that hashes two small files every 30 s, and psql once per renewal. */
export const TLS_RELOAD_DEFAULT_RESOURCES = fixedResources(['10m', '100m'], Size.mebibytes(32), [Size.mebibytes(1), Size.mebibytes(16)]);

/** A single writer cannot have three replicas: the per-object exception for kube-linter. */
export const SINGLE_WRITER_EXCEPTION = { 'ignore-check.kube-linter.io/minimum-three-replicas': 'PostgreSQL is a single writer: one pod per data directory' };

/** Where the server reads its certificate and key (`tls.crt`, `tls.key`), and clients the CA (`ca.crt`), with TLS on. */
export const TLS_DIR = '/run/secrets/postgres-tls';

/** Where the server reads the pg_hba.conf the construct writes when TLS is required. */
export const HBA_DIR = '/etc/postgresql/hba';
