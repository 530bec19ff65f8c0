// Internal: what Squash TM runs by default, and where the construct mounts things in its pod.
import { Size } from 'cdk8s';
import { fixedResources } from '../../core/resources';

/** The Squash TM release deployed unless `image` says otherwise. */
export const SQUASH_DEFAULT_IMAGE = 'squashtest/squash-tm:8.1.0';

/** About 2 CPU and 2 GiB, as Squash TM recommends; ephemeral storage for logs and temporary files. */
export const SQUASH_DEFAULT_RESOURCES = fixedResources(['500m', '2'], Size.gibibytes(2), [Size.mebibytes(256), Size.gibibytes(2)]);

export const SQUASH_HOME = '/opt/squash-tm';

export const HEALTH_PATH = '/squash/isSquashAlive';

/** Where the wait-for-database init container finds the database user name. */
export const DB_USER_DIR = '/run/secrets/database';

/** The smallest heap Squash TM is allowed (its own start script defaults to 1 GiB). */
export const MIN_SQUASH_HEAP_MIB = 512;
