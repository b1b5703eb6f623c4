/**
 * The times a figure is the median and 90th percentile of (time to decision, time to first step), kept per group of
 * the metrics. Its own file so that the decision figures (domain/metrics.ts) and those after the Accept
 * (domain/afterAcceptMetrics.ts) share one way of keeping and reading them.
 */

/** Percentile of sorted values by linear interpolation between closest ranks (Excel's PERCENTILE.INC); null for none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

/**
 * Values in a typed array grown by doubling and sorted in place when the figures are read: a year of decisions, kept
 * per group in five dimensions, holds about 2 million of them, and a copy of each for sorting was the computation's
 * largest short-lived allocation.
 */
export class Samples {
  private values = new Float64Array(8);
  private count = 0;

  add(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count] = value;
    this.count += 1;
  }

  /**
   * The values so far, sorted (a view of the array, valid until the next add). A typed array sorts numerically in
   * native code: a year of decisions (350,000 values) in a few milliseconds, where Array#sort with a comparator held
   * the event loop for tens of them.
   */
  sorted(): Float64Array {
    return this.values.subarray(0, this.count).sort();
  }

  /** The median and the 90th percentile. */
  medianAndP90(): { median: number | null; p90: number | null } {
    const sorted = this.sorted();
    return { median: percentileOfSorted(sorted, 50), p90: percentileOfSorted(sorted, 90) };
  }
}
