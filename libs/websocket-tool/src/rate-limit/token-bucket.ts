/**
 * A token bucket in two numbers, refilled lazily: `capacity` tokens at most,
 * `ratePerMs` tokens added per millisecond. Taking a token costs a few
 * arithmetic operations and allocates nothing.
 *
 * With the default settings (60 per 60 s, burst ×2) a client may send 120
 * messages at once, then one per second on average.
 */
export class TokenBucket {
  tokens: number;
  updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly ratePerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Builds a bucket for `limit` events per `windowMs`, holding `limit × burst`. */
  static forWindow(limit: number, windowMs: number, burst: number, now: number): TokenBucket {
    return new TokenBucket(Math.max(1, limit * burst), limit / windowMs, now);
  }

  private refill(now: number): void {
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.ratePerMs);
      this.updatedAt = now;
    }
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Whole tokens left now. */
  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** Seconds until one token is available (0 if one is). */
  retryAfterSeconds(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.ratePerMs / 1000;
  }

  /** True once the bucket has refilled completely (nothing left to remember). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}
