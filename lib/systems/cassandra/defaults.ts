// Internal: what a Cassandra node runs by default, and where the construct mounts things in its pods.
import { Size } from 'cdk8s';
import { fixedResources } from '../../core/resources';
import { RunAsUser } from '../../core/security';
import { ClusterPort } from '../../core/stateful-cluster-props';

/**
 * The Cassandra release deployed unless `image` says otherwise (the official image, pinned): Apache Cassandra 5.0,
 * the current stable series, on Java 17 (the image ships Eclipse Temurin 17; 5.0 runs on 11 or 17, 4.1 on 8 or 11).
 * Proved on the real server (cassandra-all 5.0.9 from Maven Central) by `npm run e2e:servers`.
 */
export const CASSANDRA_DEFAULT_IMAGE = 'cassandra:5.0.9';

/**
 * Pod label naming the rack of a ring with ONE rack: part of its StatefulSet's selector, which cannot change. With
 * several racks every rack shares one StatefulSet and the label is absent.
 */
export const CASSANDRA_RACK_LABEL = 'cassandra.apache.org/rack';

/**
 * The exporter of the metrics sidecar unless `metrics.image` says otherwise: the Prometheus project's JMX exporter as
 * a standalone HTTP server (`jmx_prometheus_httpserver` 0.20.0, the jar io.prometheus.jmx:jmx_prometheus_httpserver
 * on Maven Central), in Bitnami's image of it, whose versioned tags live in the frozen `bitnamilegacy` repository
 * since Bitnami ended its free catalog (August 2025): mirror it into your registry. It runs beside the official
 * image unchanged, reading JMX on 127.0.0.1:7199 (the image's LOCAL_JMX default), so the node's JVM options stay as
 * they are. (Criteo's cassandra_exporter is not used: unmaintained since 2022.)
 */
export const CASSANDRA_EXPORTER_DEFAULT_IMAGE = 'bitnamilegacy/jmx-exporter:0.20.0';

/** The CQL native-protocol port. */
export const CASSANDRA_CQL_PORT = 9042;

/** Where the construct mounts things in the Cassandra pods. */
export const PATHS = {
  /** The image's configuration directory, which its entrypoint rewrites at every start. */
  config: '/etc/cassandra',
  data: '/var/lib/cassandra',
  logs: '/var/log/cassandra',
  tmp: '/tmp',
  /** Where the init container sees the config volume. */
  configSeed: '/config',
};

/** The ports of a Cassandra node (as the official image and the Bitnami chart declare them). */
export const CASSANDRA_PORTS: ClusterPort[] = [
  { name: 'intra', port: 7000 },
  { name: 'tls', port: 7001 },
  // JMX listens on 127.0.0.1 only (LOCAL_JMX=yes): declared for documentation, reached by nodetool inside the pod.
  { name: 'jmx', port: 7199 },
  { name: 'cql', port: CASSANDRA_CQL_PORT },
];

/** The image's own user: uid/gid 999 own /etc/cassandra, /var/lib/cassandra and /var/log/cassandra. */
export const CASSANDRA_USER: RunAsUser = { uid: 999, gid: 999, fsGroup: 999 };

/**
 * Logback keeps up to 5 GB of rotated logs per file appender (system.log, debug.log, audit.log): more than any
 * sensible emptyDir. The init container lowers that cap so the log volume can never fill up (3 x (200 MB + the
 * 50 MB active file) + 100 MB of GC logs < 1 GiB).
 */
export const LOG_TOTAL_SIZE_CAP = '200MB';

export const VOLUME_SIZES = { config: Size.mebibytes(16), tmp: Size.mebibytes(128), logs: Size.gibibytes(1) };

export const MIN_EPHEMERAL_LIMIT = Size.mebibytes(1536);

/** Written on the claim by the preStop hook once the node is decommissioned; the init container then clears the claim. */
export const DECOMMISSIONED_MARKER = `${PATHS.data}/.decommissioned`;

/** Where the init container of a ring with `zones` finds its API token (a projected volume, in that container only). */
export const API_CREDENTIALS = '/var/run/secrets/kubernetes.io/serviceaccount';

/** cpu 500m/2, memory 2Gi, ephemeral storage 512Mi/2Gi (logs and the /etc/cassandra copy). */
export const CASSANDRA_DEFAULT_RESOURCES = fixedResources(['500m', '2'], Size.gibibytes(2), [Size.mebibytes(512), Size.gibibytes(2)]);

/** Where the auth bootstrap Job sees the superuser Secret, and its memory-backed work directory. */
export const AUTH_SECRET_DIR = '/run/secrets/cassandra';

export const AUTH_WORK_DIR = '/run/cqlsh';

/**
 * With `tls`: where a node sees its keystore (`tls-combined.pem`: the PKCS#8 key, then the certificate chain) and the
 * CA bundle it trusts (`ca.crt`), each a Secret volume mounted as a directory (never subPath: the kubelet updates the
 * files when the Secret changes, and Cassandra's hot reloading reads them again). The auth Job mounts the CA only.
 */
export const TLS_PATHS = {
  keystoreDir: '/run/secrets/cassandra-tls',
  caDir: '/run/secrets/cassandra-ca',
};
