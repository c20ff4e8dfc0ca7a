/**
 * Message types the server reserves for itself (`system.` prefix). They match
 * the server's `SystemMessageType`.
 *
 * @publicApi
 */
export const SystemMessageType = {
  ClientConnected: 'system.client_connected',
  Error: 'system.error',
  RateLimited: 'system.rate_limited',
  Ping: 'system.ping',
  Pong: 'system.pong',
  Heartbeat: 'system.heartbeat',
  Subscribe: 'system.subscribe',
  Subscribed: 'system.subscribed',
  Unsubscribe: 'system.unsubscribe',
  Unsubscribed: 'system.unsubscribed',
} as const;

/** @publicApi */
export type SystemMessageType = (typeof SystemMessageType)[keyof typeof SystemMessageType];

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

/** Prefix of the task monitor's topics: `subscribeTask(id)` subscribes to `task:<id>`. @publicApi */
export const TASK_TOPIC_PREFIX = 'task:';
