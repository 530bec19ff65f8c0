// Where PostgreSQL keeps its data directory: a claim from a StorageClass, or a node's directory.
import { StorageOptions, validateStorage } from '../../core/storage';
import { PropValidator } from '../../core/validation';

/** The storage of {@link PostgresWithSecretsProps.storage}: size and StorageClass, and optionally a node's directory. */
export interface PostgresStorageOptions extends StorageOptions {
  /**
   * A directory on the node instead of a claim from a StorageClass: a static hostPath PersistentVolume and its claim,
   * bound to each other, for a single-node cluster such as minikube (the data lives on whichever node the path is
   * on). The directory must exist and belong to the database user, uid/gid 999 (`install -d -o 999 -g 999 <path>`):
   * Kubernetes applies no fsGroup to hostPath volumes. `storageClassName` then names the class binding the claim to
   * this volume only (default `manual`), and `size` is the volume's capacity.
   * @default - a claim provisioned by the StorageClass (retained when the StatefulSet is deleted)
   */
  readonly hostPath?: string;
}

/** Checks the storage options at `v`'s path (`v.child('storage')`). */
export function validatePostgresStorage(v: PropValidator, o: PostgresStorageOptions | undefined): void {
  validateStorage(v, o);
  if (o?.hostPath === undefined) return;
  v.child('hostPath').check(typeof o.hostPath === 'string' && o.hostPath.startsWith('/') && o.hostPath !== '/' && !o.hostPath.split('/').includes('..'),
    'must be an absolute directory on the node, not "/", without ".." (the API server refuses it)', o.hostPath);
}
