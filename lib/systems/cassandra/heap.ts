// The JVM heap of a Cassandra node, derived from its memory limit.
import { Size, SizeRoundingBehavior } from 'cdk8s';

/** Heap sizes of a Cassandra node. */
export interface CassandraHeapSizes {
  /** `MAX_HEAP_SIZE`: the JVM heap (-Xms and -Xmx). */
  readonly maxHeapSize: Size;
  /** `HEAP_NEWSIZE`: the young generation. */
  readonly heapNewSize: Size;
}

/**
 * The heap of a Cassandra node whose container has `memoryLimit`, in whole MiB:
 * - `MAX_HEAP_SIZE` = min(limit / 4, 8 GiB), or `maxHeapSize` when given. A quarter, not the half that
 *   cassandra-env.sh would take of the host's RAM: in a container the limit also has to hold every off-heap
 *   structure, and the page cache is what makes reads fast. 8 GiB is cassandra-env.sh's own upper bound.
 * - `HEAP_NEWSIZE` = max(limit / 64, 256 MiB) (the Bitnami chart's rule), bounded by a quarter of the heap
 *   (cassandra-env.sh's rule for the young generation).
 *
 * For the default 2 GiB limit: 512M and 128M. Both are always set together, as cassandra-env.sh requires.
 */
export function cassandraHeapSizes(memoryLimit: Size, maxHeapSize?: Size): CassandraHeapSizes {
  const limit = mebibytes(memoryLimit);
  const heap = maxHeapSize ? mebibytes(maxHeapSize) : Math.min(Math.floor(limit / 4), 8192);
  const young = Math.min(Math.max(Math.floor(limit / 64), 256), Math.floor(heap / 4));
  return { maxHeapSize: Size.mebibytes(heap), heapNewSize: Size.mebibytes(young) };
}

export function mebibytes(size: Size): number {
  return size.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR });
}

export function kibibytes(size: Size): number {
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
}

export function isSize(value: unknown): value is Size {
  return value instanceof Size;
}
