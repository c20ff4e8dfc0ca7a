import type { BackoffOptions } from './backoff.js';
import type { ClientClock } from './clock.interface.js';
import type { ClientLogger } from './client-logger.interface.js';
import type { WsMessage, WsOutgoingMessage } from './message.interface.js';
import type { DropPolicy, DropReason } from './offline-queue.js';
import type { WebSocketConstructorLike } from './websocket-like.interface.js';

/** Where the client puts its token in the handshake. @publicApi */
export type TokenTransport = 'header' | 'protocol' | 'query';

/** How the server closed (or the client lost) a connection. @publicApi */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * Options of `new WebSocketToolClient(url, options)`. All are optional.
 *
 * @publicApi
 */
export interface WebSocketToolClientOptions {
  /** Named client id (1 to 128 of `A-Z a-z 0-9 . _ : @ -`), sent as `?clientId=`. Anonymous when absent. */
  clientId?: string;
  /**
   * A token for the server's handshake authentication, or a function that
   * returns a fresh one before every connect.
   */
  token?: string | (() => string | Promise<string>);
  /**
   * Returns a fresh token: before every connect (instead of `token`), and when the server says the current one
   * expires soon (`system.token_expiring`), after which the client sends it with `system.refresh` by itself, so
   * the connection stays open past the old token's `exp`.
   */
  getToken?: () => string | Promise<string>;
  /**
   * How the token travels: `header` sends `Authorization: Bearer <token>`
   * (only the `ws` package can); `protocol` offers the sub-protocols
   * `bearer, <token>` (browsers; JWT-shaped tokens only); `query` adds
   * `?token=` (works everywhere, but URLs end up in access logs).
   * @default 'header' with the `ws` package; otherwise 'protocol' for a JWT, else 'query'
   */
  tokenTransport?: TokenTransport;
  /** WebSocket sub-protocols to offer. */
  protocols?: string | string[];
  /**
   * The WebSocket class to use.
   * @default globalThis.WebSocket, else the `ws` package
   */
  WebSocket?: WebSocketConstructorLike;
  /** Connect as soon as the client is created (on the next microtask). @default true */
  autoConnect?: boolean;
  /** Reconnect after the connection drops. @default true */
  reconnect?: boolean;
  /**
   * Reconnect delays: full jitter between 0 and `min(maxDelayMs, initialDelayMs × multiplier^attempt)`.
   * A handshake refused with `Retry-After` (seen only with the `ws` package) waits that long plus up to
   * `retryAfterJitterMs` instead, and does not grow the exponential part.
   * @default { initialDelayMs: 1000, maxDelayMs: 30000, multiplier: 2, retryAfterJitterMs: 5000 }
   */
  backoff?: Partial<BackoffOptions>;
  /** Failed connection attempts in a row after which the client gives up. @default Infinity */
  maxReconnectAttempts?: number;
  /**
   * Decides whether to reconnect after a close.
   * @default `shouldReconnectByDefault`: reconnect unless the code is terminal (4500–4999, for example
   *   4500 duplicate_client) or 1008 policy_violation
   */
  shouldReconnect?: (close: CloseInfo) => boolean;
  /** Messages kept while offline (or held by the server's rate limit); 0 disables queueing. @default 100 */
  offlineQueueSize?: number;
  /** Which message a full queue drops: the `oldest` queued or the `newest` (the one being sent). @default 'oldest' */
  offlineDropPolicy?: DropPolicy;
  /** Called for every message the queue gives up. */
  onDrop?: (message: WsOutgoingMessage, reason: DropReason) => void;
  /** Milliseconds a `request()` waits for its reply, offline time included. @default 30000 */
  requestTimeoutMs?: number;
  /** Milliseconds between the client's own `system.ping`s (round-trip time); 0 disables. @default 25000 */
  pingIntervalMs?: number;
  /**
   * Milliseconds without any inbound traffic after which the connection is
   * considered dead and replaced. Keep it at least the server's
   * `heartbeatTimeout`; 0 disables.
   * @default 60000
   */
  deadConnectionTimeoutMs?: number;
  /** Called when a message handler throws. @default logs through `logger.error` */
  onHandlerError?: (error: unknown, message: WsMessage) => void;
  /** Where handled problems are reported. @default the host console */
  logger?: ClientLogger;
  /** Time source and timers (tests inject a manual clock). @default the host's */
  clock?: ClientClock;
  /** Random numbers in [0, 1) for the backoff jitter. @default Math.random */
  random?: () => number;
}
