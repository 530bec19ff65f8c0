// Internal: what Squash TM runs by default, and where the construct mounts things in its pod.
import { Size } from 'cdk8s';
import { fixedResources } from '../../core/resources';

/** The Squash TM release deployed unless `image` says otherwise. */
export const SQUASH_DEFAULT_IMAGE = 'squashtest/squash-tm:8.1.0';

export const SQUASH_HOME = '/opt/squash-tm';

/**
 * The directories Squash TM writes, each an emptyDir (the root filesystem is read-only), with its size limit in MiB.
 * Squash's start script runs from `bin/` and passes `-Djava.io.tmpdir=../tmp -Dlogging.dir=../logs …
 * --server.tomcat.basedir=../tomcat-home` (every published `bin/startup.sh`, 1.2x to the Java 17 generation);
 * its application.properties (1.22) sets `logging.path=${squash.path.root}/logs` and
 * `server.tomcat.basedir=${squash.path.root}/tomcat-work` for a start without that argument. Tomcat writes its work
 * directory (the servlet context's temporary directory: uploads above the in-memory threshold) and the access log
 * (`server.tomcat.accesslog.enabled=true`, directory `logs` relative to the basedir) under the basedir, at start.
 * Attachments are stored in the database unless `squashtm.feature.file.repository=true`
 * (tm-en.doc.squashtest.com/latest/install-guide/outsource-attachments/outsource-attachments.html): no volume.
 */
export const SQUASH_WRITABLE_DIRS: ReadonlyArray<{ volume: string; path: string; sizeMiB: number }> = [
  { volume: 'logs', path: `${SQUASH_HOME}/logs`, sizeMiB: 1024 },
  { volume: 'squash-tmp', path: `${SQUASH_HOME}/tmp`, sizeMiB: 512 },
  { volume: 'tomcat-home', path: `${SQUASH_HOME}/tomcat-home`, sizeMiB: 512 },
  { volume: 'tomcat-work', path: `${SQUASH_HOME}/tomcat-work`, sizeMiB: 512 },
  // JVM performance data (hsperfdata) and libraries that ignore java.io.tmpdir.
  { volume: 'tmp', path: '/tmp', sizeMiB: 512 },
];

/**
 * Days Tomcat keeps rotated access logs (Spring Boot's `server.tomcat.accesslog.max-days`, default -1: never
 * deleted). Squash enables the access log; without a bound it fills its size-limited emptyDir and the pod is evicted.
 */
export const ACCESS_LOG_MAX_DAYS = 7;

/**
 * The JVM's memory outside the heap, in MiB. Squash TM documents that the server must have more memory than -Xmx +
 * -XX:MaxMetaspaceSize + -XX:ReservedCodeCacheSize + 128 Mo ("Le serveur doit avoir plus de mémoire que …")
 * (tm-fr.doc.squashtest.com/latest/install-guide/parametrage-squash/config-generale.html) but gives no figure for
 * the two caps: ours are set in SQUASH_JAVA_ARGS so the sum holds. Thread stacks are on top: Tomcat's 200 request
 * threads plus the JVM's own at 1 MiB of -Xss each.
 */
export const SQUASH_NON_HEAP = { metaspaceMiB: 384, codeCacheMiB: 240, documentedMarginMiB: 128, threadStacksMiB: 256 };
/** 384 + 240 + 128 + 256 = 1008 MiB: the least the memory limit must leave above the heap. */
export const SQUASH_NON_HEAP_MIB = SQUASH_NON_HEAP.metaspaceMiB + SQUASH_NON_HEAP.codeCacheMiB + SQUASH_NON_HEAP.documentedMarginMiB + SQUASH_NON_HEAP.threadStacksMiB;
/** The default heap is the memory limit minus 1 GiB (1024 ≥ 1008 MiB above). */
export const SQUASH_DEFAULT_HEAP_HEADROOM_MIB = 1024;

/** The smallest heap Squash TM is allowed (Spring and Hibernate do not start below it). */
export const MIN_SQUASH_HEAP_MIB = 512;

const ephemeralLimitMiB = SQUASH_WRITABLE_DIRS.reduce((sum, d) => sum + d.sizeMiB, 0) + 512;

/**
 * CPU as Squash TM recommends (2 cores:
 * tm-fr.doc.squashtest.com/latest/install-guide/installation/installation-squash/config-mini-prerequis.html).
 * Memory 3 GiB: the heap of Squash's own start script (-Xmx2048m) plus the 1 GiB above, so the pod also fits if an
 * image ignores SQUASH_JAVA_ARGS. Ephemeral storage: the writable directories' size limits (3 GiB) plus 512 MiB for
 * the container's log files: the total is never reached before one directory's own limit.
 */
export const SQUASH_DEFAULT_RESOURCES = fixedResources(['500m', '2'], Size.gibibytes(3), [Size.mebibytes(256), Size.mebibytes(ephemeralLimitMiB)]);

export const HEALTH_PATH = '/squash/isSquashAlive';

/** Where the wait-for-database init container finds the database user name. */
export const DB_USER_DIR = '/run/secrets/database';

/** Where Squash TM reads the database's CA (`ca.crt`) when the database speaks TLS. */
export const DB_CA_DIR = '/run/secrets/database-ca';
