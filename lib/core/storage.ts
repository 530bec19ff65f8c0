// The storage of a system: one shape for every claim the library makes (data volumes, backup claims).
import { Size } from 'cdk8s';
import { PropValidator } from './validation';

/** The size and class of a system's storage (its data claims, or a backup's claim). */
export interface StorageOptions {
  /**
   * Requested size of each claim.
   * @default - the system's: 10 GiB (Consul, Cassandra), 8 GiB (PostgreSQL); backups: 2 GiB (Consul), 10 GiB (PostgreSQL)
   */
  readonly size?: Size;
  /**
   * StorageClass to provision from.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Checks storage options at `v`'s path (`v.child('storage')`). */
export function validateStorage(v: PropValidator, o: StorageOptions | undefined): void {
  if (o === undefined) return;
  if (o.size !== undefined) v.child('size').size(o.size);
  if (o.storageClassName !== undefined) v.child('storageClassName').dnsSubdomain(o.storageClassName);
}
