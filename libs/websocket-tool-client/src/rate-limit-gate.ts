/** What the server said in `system.rate_limited`. */
export interface RateLimitNotice {
  /** Seconds until the server accepts the next message. */
  retryAfter: number;
  /** Messages allowed per window, if the server said. */
  limit?: number;
  /** Window length in seconds, if the server said. */
  window?: number;
}

/**
 * Decides when the next application message may go out after the server
 * reported a rate-limit violation: nothing until `retry_after` has passed,
 * then at most one message per `window / limit` (the server's refill rate)
 * until the client has been quiet for a whole window. Sending faster would
 * only pile up violations, and enough of them make the server close the
 * connection.
 */
export class RateLimitGate {
  private holdUntil = 0;
  private intervalMs = 0;
  private windowMs = 0;
  private lastSentAt = Number.NEGATIVE_INFINITY;

  /** A small safety margin so timer and network jitter do not land a message just before the refill. */
  private static readonly MARGIN = 1.05;
  private static readonly MARGIN_MS = 10;

  onRateLimited(now: number, notice: RateLimitNotice): void {
    const retryMs = Number.isFinite(notice.retryAfter) && notice.retryAfter > 0 ? notice.retryAfter * 1000 : 0;
    this.holdUntil = Math.max(this.holdUntil, now + retryMs * RateLimitGate.MARGIN + RateLimitGate.MARGIN_MS);
    const { limit, window } = notice;
    if (limit !== undefined && window !== undefined && limit > 0 && window > 0) {
      this.intervalMs = ((window * 1000) / limit) * RateLimitGate.MARGIN + RateLimitGate.MARGIN_MS;
      this.windowMs = window * 1000;
    }
    this.lastSentAt = this.holdUntil - this.intervalMs;
  }

  /** The earliest time the next message may be sent (`now` or earlier means: send now). */
  nextAllowedAt(now: number): number {
    if (now < this.holdUntil) return this.holdUntil;
    if (this.intervalMs > 0) {
      if (now - this.lastSentAt >= this.windowMs + this.intervalMs) {
        this.intervalMs = 0;
        return now;
      }
      return Math.max(now, this.lastSentAt + this.intervalMs);
    }
    return now;
  }

  /** Epoch-like time (of the client's clock) until which sends are held, or 0. */
  heldUntil(now: number): number {
    return now < this.holdUntil ? this.holdUntil : 0;
  }

  recordSend(now: number): void {
    this.lastSentAt = now;
  }

  /** A new connection starts with a fresh bucket on the server. */
  reset(): void {
    this.holdUntil = 0;
    this.intervalMs = 0;
    this.windowMs = 0;
    this.lastSentAt = Number.NEGATIVE_INFINITY;
  }
}
