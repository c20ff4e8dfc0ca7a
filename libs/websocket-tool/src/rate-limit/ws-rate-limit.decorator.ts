import { SetMetadata } from '@nestjs/common';
import { WS_RATE_LIMIT_METADATA } from './rate-limit.constants.js';

/**
 * A per-handler message rate limit: `limit` messages per `window` seconds,
 * with a burst of `limit × burstMultiplier` (module setting unless given).
 *
 * On its own it replaces the module-wide limit for the handler's message
 * type. With `@UseGuards(RateLimitGuard)` on the handler or class, the
 * module-wide limit still applies and this one is checked on top of it.
 *
 * @publicApi
 */
export interface WsRateLimitOptions {
  limit: number;
  /** Seconds. */
  window: number;
  burstMultiplier?: number;
  /**
   * With `RateLimitGuard` only: handlers whose limits have the same name
   * share one bucket per connection (e.g. every expensive export). Without
   * a name each message type has a bucket of its own.
   */
  name?: string;
}

/** Metadata stored by the decorators: a limit, or `false` to skip limiting. */
export type WsRateLimitMetadata = WsRateLimitOptions | false;

/**
 * Overrides the message rate limit for a handler, or for every handler of a class.
 *
 * @publicApi
 */
export const WsRateLimit = (options: WsRateLimitOptions): ClassDecorator & MethodDecorator => SetMetadata(WS_RATE_LIMIT_METADATA, options);

/**
 * Exempts a handler (or every handler of a class) from message rate limits.
 *
 * @publicApi
 */
export const SkipWsRateLimit = (): ClassDecorator & MethodDecorator => SetMetadata(WS_RATE_LIMIT_METADATA, false);
