/**
 * Events per second over the last `seconds` seconds, in constant memory: one
 * slot per second, cleared as the clock moves past it. `add` costs an array
 * write; the clock is read by the caller.
 */
export class RollingCounter {
  private readonly slots: Float64Array;
  private readonly stamps: Float64Array;

  constructor(private readonly seconds = 60) {
    this.slots = new Float64Array(seconds);
    this.stamps = new Float64Array(seconds).fill(-1);
  }

  add(nowMs: number, n = 1): void {
    const second = Math.floor(nowMs / 1000);
    const i = second % this.seconds;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.slots[i] = 0;
    }
    this.slots[i] += n;
  }

  /** Sum of the events in the window that ends at `nowMs`. */
  sum(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    let total = 0;
    for (let i = 0; i < this.seconds; i++) {
      if (this.stamps[i] > second - this.seconds && this.stamps[i] <= second) total += this.slots[i];
    }
    return total;
  }

  /** Average events per second over the window. */
  perSecond(nowMs: number): number {
    return this.sum(nowMs) / this.seconds;
  }
}
