import { IntrinsicException } from '@nestjs/common';
import type { RateLimitViolation } from './rate-limit-violation.js';

/**
 * Thrown by `RateLimitGuard` when a message goes over a handler's limit. The
 * dispatcher answers it like a refusal of the default limit
 * (`system.rate_limited`, or a 1008 close); as an intrinsic exception, Nest's
 * fallback filter does not log it, so a flood cannot flood the log.
 *
 * @publicApi
 */
export class WsRateLimitExceededException extends IntrinsicException {
  constructor(readonly violation: RateLimitViolation) {
    super('Rate limit exceeded');
  }
}
