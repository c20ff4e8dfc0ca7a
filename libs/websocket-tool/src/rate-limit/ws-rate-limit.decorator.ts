import { SetMetadata } from '@nestjs/common';
import { WS_RATE_LIMIT_METADATA } from './rate-limit.constants.js';

/**
 * A per-handler message rate limit that replaces the module-wide one for the
 * handler's message type: `limit` messages per `window` seconds, with a burst
 * of `limit × burstMultiplier` (module setting unless given).
 *
 * @publicApi
 */
export interface WsRateLimitOptions {
  limit: number;
  /** Seconds. */
  window: number;
  burstMultiplier?: number;
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
