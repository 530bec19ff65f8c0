// Where PostgreSQL keeps its data directory: a claim from a StorageClass, or a node's directory.
import { Size } from 'cdk8s';
import { PropValidator } from '../../core/validation';

/** Where the data directory lives. */
export abstract class PostgresStorage {
  /**
   * A claim provisioned by a StorageClass (the claim template of the StatefulSet; retained on delete).
   * @param size requested size
   * @param storageClassName StorageClass (default: the cluster's default)
   */
  public static dynamic(size: Size, storageClassName?: string): PostgresStorage {
    return new DynamicStorage(size, storageClassName);
  }

  /**
   * A static PersistentVolume on a node's filesystem plus its claim, for a single-node cluster such as minikube. Single-node test
   * clusters only: the data lives on whichever node the path is on.
   */
  public static hostPath(options: HostPathStorageOptions): PostgresStorage {
    return new HostPathStorage(options);
  }

  /** @internal */
  public abstract _validate(v: PropValidator): void;
}

/** Options of {@link PostgresStorage.hostPath}. */
export interface HostPathStorageOptions {
  /** Directory on the node. It must exist and belong to the database user (uid/gid 999): `install -d -o 999 -g 999 <path>`. */
  readonly path: string;
  /** Capacity of the volume (required: a static PersistentVolume has no default size). */
  readonly size: Size;
  /**
   * StorageClass name binding the claim to this volume only.
   * @default 'manual'
   */
  readonly storageClassName?: string;
}

export class DynamicStorage extends PostgresStorage {
  constructor(public readonly size: Size, public readonly storageClassName?: string) {
    super();
  }

  public _validate(v: PropValidator): void {
    v.child('storage', 'size').size(this.size);
    if (this.storageClassName !== undefined) v.child('storage', 'storageClassName').dnsSubdomain(this.storageClassName);
  }
}

export class HostPathStorage extends PostgresStorage {
  constructor(public readonly options: HostPathStorageOptions) {
    super();
  }

  public _validate(v: PropValidator): void {
    v.child('storage', 'path').check(typeof this.options.path === 'string' && this.options.path.startsWith('/') && this.options.path !== '/'
      && !this.options.path.split('/').includes('..'),
    'must be an absolute directory on the node, not "/", without ".." (the API server refuses it)', this.options.path);
    v.child('storage', 'size').check(this.options.size !== undefined, 'is required for a static hostPath volume (a PersistentVolume has no default capacity)', this.options.size);
    if (this.options.size !== undefined) v.child('storage', 'size').size(this.options.size);
    v.child('storage', 'storageClassName').dnsSubdomain(this.options.storageClassName ?? 'manual');
  }
}
