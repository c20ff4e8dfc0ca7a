/**
 * What a message refused by a rate limit leads to: the sender is told
 * `system.rate_limited` with these numbers, or, past
 * `rateLimitDisconnectAfter` violations in a row, closed with 1008.
 * Allocated only when a message is refused.
 *
 * @publicApi
 */
export class RateLimitViolation {
  constructor(
    /** True when the streak reached `rateLimitDisconnectAfter`: close the connection instead of replying. */
    readonly disconnect: boolean,
    /** Seconds until the bucket holds a token again, rounded to milliseconds. */
    readonly retryAfter: number,
    readonly limit: number,
    /** Seconds. */
    readonly window: number,
    /** Violations in a row, this one included. */
    readonly violations: number,
  ) {}
}
