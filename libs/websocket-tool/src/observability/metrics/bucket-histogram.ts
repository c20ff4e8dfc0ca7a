/**
 * A histogram as plain numbers: one count per bucket, a sum and a count.
 * `observe` is a short loop over the bounds and three additions, so it can
 * sit on the message path; the Prometheus form is built only when scraped.
 */
export class BucketHistogram {
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value. Negative and non-numeric values (a clock step) count as 0. */
  observe(value: number): void {
    const v = value > 0 ? value : 0;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && v > (bounds[i] as number)) i++;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }

  /** Cumulative counts, one per bound, as Prometheus `le` buckets expect. */
  cumulative(): number[] {
    const out: number[] = [];
    let running = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      running += this.counts[i] as number;
      out.push(running);
    }
    return out;
  }
}
