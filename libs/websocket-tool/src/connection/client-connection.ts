import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import type { ConnectionInfo } from './connection-info.interface.js';
import { NO_OUTPUT, type ConnectionOutput } from './connection-output.js';

const NO_TOPICS: ReadonlySet<string> = new Set<string>();

/** When an identity's token expires: its `exp` claim (epoch seconds) in milliseconds, or null. */
export function expiryOf(identity: unknown): number | null {
  if (identity === null || typeof identity !== 'object') return null;
  const exp = (identity as { exp?: unknown }).exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
}

/** The user an identity names: its `userId` when that is a non-empty string. */
export function userIdOf(identity: unknown): string | null {
  if (identity === null || typeof identity !== 'object') return null;
  const userId = (identity as { userId?: unknown }).userId;
  return typeof userId === 'string' && userId.length > 0 ? userId : null;
}

/** What the handshake established about a connection. */
export interface HandshakeResult {
  clientId: string;
  named: boolean;
  ip: string;
  userAgent: string;
  identity?: unknown;
}

/**
 * The server's side of one WebSocket connection: identity, counters, topics
 * and rate-limit bucket as plain fields, and a handle on its outbound queue.
 *
 * @internal Users see it through the `WsClient` interface and `ConnectionInfo`.
 */
export class ClientConnection {
  readonly clientId: string;
  readonly named: boolean;
  readonly ip: string;
  readonly userAgent: string;
  readonly identity: unknown;
  /** The identity's `userId` when it is a non-empty string: one user may hold several connections. */
  readonly userId: string | null;
  /** When the token it was authenticated with expires (epoch ms, from the identity's `exp`), or null; a refresh moves it. */
  tokenExpiresAt: number | null;
  /** True once it was told `system.token_expiring` for the current token. */
  tokenNoticeSent = false;
  readonly connectedAt: number;
  lastPing: number | null = null;
  lastPong: number | null = null;
  /** Last time anything arrived from the client (frame or pong). */
  lastSeen: number;
  messagesReceived = 0;
  messagesSent = 0;
  messagesFailed = 0;
  consecutiveSendErrors = 0;
  /** Created on the first subscription: most connections never subscribe. */
  private topicSet: Set<string> | null = null;

  /** This connection's outbound queue, owned by `outbound/` (which attaches it at construction). */
  readonly output: ConnectionOutput;

  readonly bucket: TokenBucket;
  /** Bucket of the keep-alive messages (`system.ping` and the pongs), created on first use. */
  controlBucket: TokenBucket | null = null;
  /** Buckets of handlers with their own `@WsRateLimit`, created on first use. */
  handlerBuckets: Map<string, TokenBucket> | null = null;
  violations = 0;
  violationsTotal = 0;

  /** Set once the connection is leaving; nothing is queued or dispatched after. */
  closing = false;
  /** Bytes of the frames that arrived after `closing` was set. */
  bytesAfterClose = 0;
  disconnectReason: import('../protocol/close-codes.js').DisconnectReason | null = null;

  /** The public `WsClient` handle, built on first use. */
  handle: import('./ws-client.interface.js').WsClient | null = null;

  /**
   * The TCP socket under the WebSocket, written to directly with frames
   * built once per message; null when a negotiated extension
   * (permessage-deflate) needs `ws` to frame each message itself.
   */
  readonly rawSocket: Socket | null;

  constructor(
    readonly socket: WebSocket,
    handshake: HandshakeResult,
    bucket: TokenBucket,
    now: number,
    attachOutput?: (connection: ClientConnection) => ConnectionOutput | void,
  ) {
    this.clientId = handshake.clientId;
    this.named = handshake.named;
    this.ip = handshake.ip;
    this.userAgent = handshake.userAgent;
    this.identity = handshake.identity;
    this.userId = userIdOf(handshake.identity);
    this.tokenExpiresAt = expiryOf(handshake.identity);
    this.connectedAt = now;
    this.lastSeen = now;
    this.bucket = bucket;
    this.rawSocket = socket.extensions === '' ? ((socket as unknown as { _socket?: Socket })._socket ?? null) : null;
    this.output = attachOutput?.(this) ?? NO_OUTPUT;
  }

  /** The topics this connection is subscribed to. */
  get topics(): ReadonlySet<string> {
    return this.topicSet ?? NO_TOPICS;
  }

  addTopic(topic: string): void {
    (this.topicSet ??= new Set()).add(topic);
  }

  /** Returns false if the connection was not subscribed. */
  deleteTopic(topic: string): boolean {
    return this.topicSet?.delete(topic) ?? false;
  }

  clearTopics(): void {
    this.topicSet = null;
  }

  get queued(): number {
    return this.output.queued;
  }

  get queuedBytes(): number {
    return this.output.queuedBytes;
  }

  /** Send success rate minus pong staleness relative to `timeoutMs`, floored at 0. */
  healthScore(now: number, timeoutMs: number): number {
    if (this.closing) return 0;
    const attempts = this.messagesSent + this.messagesFailed;
    const success = attempts === 0 ? 1 : this.messagesSent / attempts;
    const since = now - (this.lastPong ?? this.connectedAt);
    return Math.max(0, success - Math.min(since / timeoutMs, 1));
  }

  info(now: number, timeoutMs: number): ConnectionInfo {
    return {
      clientId: this.clientId,
      named: this.named,
      ip: this.ip,
      userAgent: this.userAgent,
      connectedAt: this.connectedAt,
      lastPing: this.lastPing,
      lastPong: this.lastPong,
      messagesReceived: this.messagesReceived,
      messagesSent: this.messagesSent,
      messagesFailed: this.messagesFailed,
      queued: this.queued,
      queuedBytes: this.queuedBytes,
      topics: [...this.topics],
      healthScore: this.healthScore(now, timeoutMs),
      rateLimitRemaining: this.bucket.remaining(now),
      rateLimitViolations: this.violationsTotal,
      identity: this.identity,
      userId: this.userId,
    };
  }
}
