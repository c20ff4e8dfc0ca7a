import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import type { ConnectionInfo } from './connection-info.interface.js';
import type { OutboundFrame } from './outbound-frame.js';

const NO_TOPICS: ReadonlySet<string> = new Set<string>();

/** What the handshake established about a connection. */
export interface HandshakeResult {
  clientId: string;
  named: boolean;
  ip: string;
  userAgent: string;
  identity?: unknown;
}

/**
 * The server's side of one WebSocket connection: identity, counters, topics,
 * rate-limit bucket and outbound queue, all as plain fields.
 *
 * @internal Users see it through the `WsClient` interface and `ConnectionInfo`.
 */
export class ClientConnection {
  readonly clientId: string;
  readonly named: boolean;
  readonly ip: string;
  readonly userAgent: string;
  readonly identity: unknown;
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

  /** Outbound queue: an array consumed from `queueHead`, compacted when empty. */
  queue: (OutboundFrame | undefined)[] = [];
  queueHead = 0;
  /** Bytes of the frames in `queue` (a shared frame counts in full for every client that holds it). */
  queuedBytes = 0;
  /**
   * While the socket is above the high-water mark: since when its buffer has
   * not gone down, and how full it was then (slow-consumer detection).
   */
  stalledSince = 0;
  stalledAt = 0;
  /** True while the connection sits in the outbound ready list or is parked. */
  scheduled = false;

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

  /** Bound once per connection so sends allocate no closure. */
  readonly onSent: (err?: Error | null) => void;

  constructor(
    readonly socket: WebSocket,
    handshake: HandshakeResult,
    bucket: TokenBucket,
    now: number,
    onSent: (connection: ClientConnection, err?: Error | null) => void,
  ) {
    this.clientId = handshake.clientId;
    this.named = handshake.named;
    this.ip = handshake.ip;
    this.userAgent = handshake.userAgent;
    this.identity = handshake.identity;
    this.connectedAt = now;
    this.lastSeen = now;
    this.bucket = bucket;
    this.rawSocket = socket.extensions === '' ? ((socket as unknown as { _socket?: Socket })._socket ?? null) : null;
    this.onSent = (err) => onSent(this, err);
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
    return this.queue.length - this.queueHead;
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
    };
  }
}
