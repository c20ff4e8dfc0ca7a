/**
 * A snapshot of one connection, as the registry, hooks and the admin API show it.
 * Times are epoch milliseconds.
 *
 * @publicApi
 */
export interface ConnectionInfo {
  clientId: string;
  /** True for `/ws/<id>` and `?clientId=` connections, false for anonymous ones. */
  named: boolean;
  ip: string;
  userAgent: string;
  connectedAt: number;
  lastPing: number | null;
  lastPong: number | null;
  messagesReceived: number;
  messagesSent: number;
  messagesFailed: number;
  /** Messages waiting in this client's outbound queue. */
  queued: number;
  /** Bytes of the messages waiting in this client's outbound queue. */
  queuedBytes: number;
  topics: string[];
  /** Send success rate minus the staleness of the last pong, from 0 to 1. */
  healthScore: number;
  rateLimitRemaining: number;
  rateLimitViolations: number;
  /** Whatever the handshake authentication returned, if any. */
  identity: unknown;
  /** The identity's `userId` (the JWT `sub`), or null for a connection without a user. */
  userId: string | null;
}
