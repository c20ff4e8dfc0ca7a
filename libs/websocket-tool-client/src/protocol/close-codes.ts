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
  /** The token the connection was authenticated with expired and no `system.refresh` replaced it; reconnect with a new one. */
  TokenExpired: { code: 4004, reason: 'token_expired', reconnect: true },
  /** Another connection took over this named client id. */
  DuplicateClient: { code: 4500, reason: 'duplicate_client', reconnect: false },
} as const;

/** @publicApi */
export type CloseCodeName = keyof typeof CloseCode;

/**
 * The server's terminal close codes: after one of them reconnecting would only
 * repeat the conflict (for example `4500 duplicate_client`), so the client
 * stops unless `shouldReconnect` says otherwise.
 *
 * @publicApi
 */
export const TERMINAL_CLOSE_CODES = { min: 4500, max: 4999 } as const;

/** True if the server closed with a code after which a client should not reconnect. @publicApi */
export function isTerminalCloseCode(code: number): boolean {
  return code >= TERMINAL_CLOSE_CODES.min && code <= TERMINAL_CLOSE_CODES.max;
}

/**
 * The default reconnect rule: reconnect after every close except the server's
 * terminal codes (4500–4999) and `1008 policy_violation` (a handshake check
 * refused the client; trying again would be refused again). `1008
 * rate_limited` is reconnected: the limit is per connection.
 *
 * @publicApi
 */
export function shouldReconnectByDefault(close: { code: number; reason: string }): boolean {
  if (isTerminalCloseCode(close.code)) return false;
  return !(close.code === 1008 && close.reason === 'policy_violation');
}

/**
 * Close codes the client itself reports in its `closed` state events.
 *
 * @publicApi
 */
export const ClientCloseCode = {
  /** `close()` was called. */
  Normal: { code: 1000, reason: 'client_close' },
  /** The connection failed or dropped without a close frame (browsers report 1006 too). */
  Abnormal: { code: 1006, reason: 'connection_lost' },
  /** Nothing arrived for longer than `deadConnectionTimeoutMs`; the client dropped the connection. */
  DeadConnection: { code: 4001, reason: 'heartbeat_timeout' },
} as const;
