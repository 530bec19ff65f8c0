// How many pods of a workload voluntary disruptions (node drains, evictions) may take down at once.

/** A PodDisruptionBudget policy: how many pods voluntary disruptions (drains, evictions) may take down at once. */
export class DisruptionBudget {
  /** At most `count` pods unavailable at once. */
  public static maxUnavailable(count: number): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', count);
  }

  /** At least `count` pods available at all times. Never use the replica count itself: drains would block forever. */
  public static minAvailable(count: number): DisruptionBudget {
    return new DisruptionBudget('minAvailable', count);
  }

  /** No PodDisruptionBudget (e.g. when one budget covers several StatefulSets). */
  public static none(): DisruptionBudget {
    return new DisruptionBudget('none', 0);
  }

  private constructor(
    /** The field set on the budget (`maxUnavailable`, `minAvailable`), or `none`. */
    public readonly field: string,
    /** The number of pods. */
    public readonly count: number) {}
}
