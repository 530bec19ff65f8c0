// Internal: Squash TM's JVM memory, from the container's memory limit.
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { SQUASH_DEFAULT_HEAP_HEADROOM_MIB, SQUASH_NON_HEAP } from './defaults';

/** Whole MiB of a Size, rounded down. */
export const mebibytes = (size: Size): number => size.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR });

/** The heap in MiB: the one asked for, or the memory limit minus 1 GiB. */
export function heapMiB(memoryLimit: Size, heap: Size | undefined): number {
  return heap !== undefined ? mebibytes(heap) : mebibytes(memoryLimit) - SQUASH_DEFAULT_HEAP_HEADROOM_MIB;
}

/**
 * SQUASH_JAVA_ARGS: Squash's start script runs `java -Xms128m -Xmx2048m $SQUASH_JAVA_ARGS`
 * (tm-fr.doc.squashtest.com/latest/install-guide/parametrage-squash/config-generale.html), and the last -Xmx wins.
 * The caps make Squash's documented sum (-Xmx + MaxMetaspaceSize + ReservedCodeCacheSize + 128 MB) a bound the
 * memory limit can be checked against; a JVM out of heap exits (and restarts) instead of limping on.
 */
export function squashJavaArgs(heap: number): string {
  return [
    `-Xmx${heap}m`,
    `-XX:MaxMetaspaceSize=${SQUASH_NON_HEAP.metaspaceMiB}m`,
    `-XX:ReservedCodeCacheSize=${SQUASH_NON_HEAP.codeCacheMiB}m`,
    '-XX:+ExitOnOutOfMemoryError',
  ].join(' ');
}
