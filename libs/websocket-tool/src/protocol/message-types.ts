/**
 * Every message type the library itself sends or understands. User handlers
 * may not claim any type that starts with `system.`.
 *
 * @publicApi
 */
export const SystemMessageType = {
  ClientConnected: 'system.client_connected',
  Error: 'system.error',
  RateLimited: 'system.rate_limited',
  Ping: 'system.ping',
  Pong: 'system.pong',
  /** A sign of life from the client, with no answer (the original plugin's reserved `system.heartbeat`). */
  Heartbeat: 'system.heartbeat',
  Subscribe: 'system.subscribe',
  Subscribed: 'system.subscribed',
  Unsubscribe: 'system.unsubscribe',
  Unsubscribed: 'system.unsubscribed',
} as const;

/** Inbound `pong` without prefix, answered by clients written for the original plugin. */
export const LEGACY_PONG_TYPE = 'pong';
