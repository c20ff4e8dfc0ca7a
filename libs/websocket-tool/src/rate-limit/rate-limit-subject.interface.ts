import type { TokenBucket } from './token-bucket.js';

/**
 * The rate-limit state of one connection, as the admission reads and updates
 * it. The connection keeps these as plain fields (no object per connection
 * beyond the buckets); this interface is all the policy needs to know of it.
 */
export interface RateLimitSubject {
  readonly clientId: string;
  readonly ip: string;
  /** The connection's message bucket (module-wide limit). */
  readonly bucket: TokenBucket;
  /** Bucket of the keep-alive messages, created on first use. */
  controlBucket: TokenBucket | null;
  /** Buckets of handlers with their own `@WsRateLimit`, by message type, created on first use. */
  handlerBuckets: Map<string, TokenBucket> | null;
  /** Violations in a row; reset by a message processed successfully. */
  violations: number;
  /** Every violation since the connection opened. */
  violationsTotal: number;
}

/**
 * The key under which the `ws` context's client (the `WsMessageContext` of
 * an `@OnWsMessage` call) exposes its connection's rate-limit state to
 * `RateLimitGuard`.
 */
export const RATE_LIMIT_SUBJECT: unique symbol = Symbol('websocket-tool:rate-limit-subject');

/** An object that carries a connection's rate-limit state under `RATE_LIMIT_SUBJECT`. */
export interface RateLimitSubjectCarrier {
  readonly [RATE_LIMIT_SUBJECT]: RateLimitSubject;
}
