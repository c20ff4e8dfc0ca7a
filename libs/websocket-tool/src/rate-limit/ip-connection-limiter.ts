import { TokenBucket } from './token-bucket.js';

/** Result of a handshake admission check. */
export type IpAdmission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Per-IP handshake rate limit with bounded memory. Entries whose bucket has
 * refilled are forgotten by `sweep()`; when the table is full, the oldest
 * entry is evicted (and counted) so a flood from many addresses cannot grow
 * it without limit.
 */
export class IpConnectionLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  evictions = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly burst: number,
    private readonly maxEntries = 100_000,
  ) {}

  admit(ip: string, now: number): IpAdmission {
    let bucket = this.buckets.get(ip);
    if (!bucket) {
      if (this.buckets.size >= this.maxEntries) {
        const oldest = this.buckets.keys().next().value as string;
        this.buckets.delete(oldest);
        this.evictions++;
      }
      bucket = TokenBucket.forWindow(this.limit, this.windowMs, this.burst, now);
      this.buckets.set(ip, bucket);
    }
    if (bucket.take(now)) return { allowed: true };
    return { allowed: false, retryAfterSeconds: bucket.retryAfterSeconds(now) };
  }

  /** Forgets every IP whose bucket is full again. */
  sweep(now: number): void {
    for (const [ip, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(ip);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
