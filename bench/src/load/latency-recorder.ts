/**
 * Latency samples in microseconds, in a buffer sized once: recording is an
 * array write, percentiles sort a copy when asked. Samples past the
 * capacity are counted but not kept.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  count = 0;
  overflow = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(Math.max(1, capacity));
  }

  add(us: number): void {
    if (this.count < this.samples.length) this.samples[this.count++] = us;
    else this.overflow++;
  }

  /** Percentiles (0–100, nearest rank) in milliseconds; null when empty. */
  percentilesMs(...ps: number[]): Array<number | null> {
    if (this.count === 0) return ps.map(() => null);
    const sorted = this.samples.subarray(0, this.count).toSorted();
    return ps.map((p) => {
      const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
      return (sorted[rank] as number) / 1000;
    });
  }
}
