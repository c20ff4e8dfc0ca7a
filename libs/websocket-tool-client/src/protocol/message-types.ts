/**
 * Every message type the server library itself sends or understands. User
 * handlers may not claim any type that starts with `system.`.
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
  /** Right after the welcome of a named client whose offline mailbox kept something: `{delivered, dropped}`; the kept messages follow. */
  Mailbox: 'system.mailbox',
  /** To the subscribers of a topic with presence events: `{topic, member}` joined (a member is a connection). */
  PresenceJoin: 'system.presence.join',
  /** To the subscribers of a topic with presence events: `{topic, member}` left (unsubscribed, disconnected, or its node died). */
  PresenceLeave: 'system.presence.leave',
  /** The token the connection was authenticated with expires soon: `{expires_at}` (epoch seconds); send `system.refresh`. */
  TokenExpiring: 'system.token_expiring',
  /** A new token for this connection, `{token}`: checked like the first one, same user required. */
  Refresh: 'system.refresh',
  /** The answer to an accepted `system.refresh`: `{expires_at}` (epoch seconds, null without `exp`). */
  Refreshed: 'system.refreshed',
} as const;

/** @publicApi */
export type SystemMessageType = (typeof SystemMessageType)[keyof typeof SystemMessageType];

/** Inbound `pong` without prefix, answered by clients written for the original plugin. */
export const LEGACY_PONG_TYPE = 'pong';

/** Prefix of the task monitor's topics: `subscribeTask(id)` subscribes to `task:<id>`. @publicApi */
export const TASK_TOPIC_PREFIX = 'task:';
