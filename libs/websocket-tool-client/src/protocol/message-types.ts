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
  /**
   * The answer to `system.unsubscribe`, or the server ending a subscription itself: with
   * `reason: 'insufficient_state'` it missed messages of a topic with history, and the client should subscribe
   * again with its last `since` to get them (or be told they are lost).
   */
  Unsubscribed: 'system.unsubscribed',
  /**
   * To the subscribers of a topic without history: `{topic, reason: 'link_lost'}`, messages published meanwhile
   * may have been lost (the server's link to the other servers was down) and cannot be recovered.
   */
  TopicGap: 'system.topic_gap',
  /** Right after the welcome of a named client whose offline mailbox kept something: `{delivered, dropped}`; the kept messages follow. */
  Mailbox: 'system.mailbox',
  /** From the client: it received the message whose `meta.ack_id` it echoes (an acknowledged send). */
  Ack: 'system.ack',
  /** From the client: its answer to a server request, echoing `meta.request_id`; `meta.error` when its handler failed. */
  Reply: 'system.reply',
  /**
   * A message of a topic with deltas (the `topics` option's `delta: true`), to a subscriber that asked for them:
   * content is a fossil delta of the message's JSON text against the topic's previous one, meta `{topic}`.
   */
  Delta: 'system.delta',
  /** From the client: a delta could not be rebuilt; content `{topic}`, answered with the topic's last message in full. */
  DeltaReset: 'system.delta_reset',
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

/**
 * `content.reason` of a `system.unsubscribed` the server sent on its own (without `meta.id`).
 *
 * @publicApi
 */
export const UnsubscribeReason = {
  /**
   * The server missed messages of the topic (its link to the other servers was down for a while): subscribe
   * again with `since`, the last position seen, to get exactly what was missed or `recovered: false`.
   */
  InsufficientState: 'insufficient_state',
} as const;

/** @publicApi */
export type UnsubscribeReason = (typeof UnsubscribeReason)[keyof typeof UnsubscribeReason];

/** Inbound `pong` without prefix, answered by clients written for the original plugin. */
export const LEGACY_PONG_TYPE = 'pong';

/** Prefix of the task monitor's topics: `subscribeTask(id)` subscribes to `task:<id>`. @publicApi */
export const TASK_TOPIC_PREFIX = 'task:';

/** `meta` key of a message the server wants acknowledged with `system.ack`. @publicApi */
export const ACK_ID_META = 'ack_id';

/** `meta` key of a server request, answered with `system.reply`. @publicApi */
export const REQUEST_ID_META = 'request_id';

/**
 * `meta.error.code` of a `system.reply` whose request failed on the client.
 *
 * @publicApi
 */
export const ClientReplyErrorCode = {
  /** The client has no `handle()` handler for the request's type. */
  NoHandler: 'no_handler',
  /** The client's handler threw or its promise rejected. */
  HandlerError: 'handler_error',
} as const;

/** @publicApi */
export type ClientReplyErrorCode = (typeof ClientReplyErrorCode)[keyof typeof ClientReplyErrorCode];
