/**
 * One row per reason the server closes a connection. `code` is the WebSocket
 * close code, `reason` the close frame's reason text, and `reconnect` tells a
 * client whether reconnecting (with backoff) makes sense.
 *
 * 4000–4499 are closes after which a client should reconnect; 4500–4999 are
 * terminal: reconnecting would only repeat the conflict.
 *
 * @publicApi
 */
export const CloseCode = {
  /** The client closed the connection, or a normal close. */
  Normal: { code: 1000, reason: 'normal', reconnect: false },
  /** The server is shutting down; reconnect to another instance. */
  Shutdown: { code: 1001, reason: 'shutdown', reconnect: true },
  /** Refused by a handshake check that ran after the WebSocket was accepted (stock adapter only). */
  PolicyViolation: { code: 1008, reason: 'policy_violation', reconnect: false },
  /** Too many consecutive rate-limit violations. */
  RateLimited: { code: 1008, reason: 'rate_limited', reconnect: true },
  /** A frame was larger than `maxPayloadBytes` (sent by the `ws` library). */
  MessageTooBig: { code: 1009, reason: 'message_too_big', reconnect: true },
  /** An unexpected server error. */
  InternalError: { code: 1011, reason: 'internal_error', reconnect: true },
  /** Closed by the server on request (admin API, `ConnectionRegistry.disconnect`). */
  ServerDisconnect: { code: 4000, reason: 'server_disconnect', reconnect: true },
  /** No pong or other traffic within `heartbeatTimeout`. */
  HeartbeatTimeout: { code: 4001, reason: 'heartbeat_timeout', reconnect: true },
  /** `maxClientErrors` consecutive send failures. */
  SendError: { code: 4002, reason: 'send_error', reconnect: true },
  /** The client did not read fast enough and its outbound queue overflowed. */
  SlowConsumer: { code: 4003, reason: 'slow_consumer', reconnect: true },
  /** Another connection took over this named client id. */
  DuplicateClient: { code: 4500, reason: 'duplicate_client', reconnect: false },
} as const;

/** @publicApi */
export type CloseCodeName = keyof typeof CloseCode;

/**
 * Why a connection ended, as reported to `@OnWsDisconnect` hooks and metrics.
 *
 * @publicApi
 */
export type DisconnectReason =
  'client' | 'server' | 'heartbeat_timeout' | 'send_error' | 'rate_limited' | 'duplicate_client' | 'slow_consumer' | 'shutdown';

/** Every disconnect reason, in a fixed order (metric label values). */
export const DISCONNECT_REASONS: readonly DisconnectReason[] = [
  'client',
  'server',
  'heartbeat_timeout',
  'send_error',
  'rate_limited',
  'duplicate_client',
  'slow_consumer',
  'shutdown',
];

/**
 * Trims a close reason to the 123 bytes a close frame can carry, without
 * splitting a UTF-8 sequence.
 */
export function toCloseReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= 123) return reason;
  return bytes
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
