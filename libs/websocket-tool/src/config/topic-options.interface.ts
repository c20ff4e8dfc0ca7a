/**
 * How long a topic's history keeps messages: the last `size` messages, each for
 * `ttlSeconds`. Memory is bounded by these figures per topic.
 *
 * @publicApi
 */
export interface TopicHistoryOptions {
  /** How many of the topic's last messages are kept (1 to 100000). */
  size: number;
  /** How long each kept message stays (seconds, more than 0, at most one day). */
  ttlSeconds: number;
}

/**
 * One entry of the `topics` option: which topics keep a history and which are
 * latest-value topics. The first entry whose pattern matches a topic wins; a
 * topic no entry matches keeps nothing.
 *
 * @publicApi
 */
export interface TopicOptions {
  /** An exact topic name, or a glob where `*` matches any run of characters (`'chat:*'`). */
  pattern: string;
  /** Keep the topic's last messages with positions (`meta.offset`, `meta.epoch`) so a subscriber can recover. */
  history?: TopicHistoryOptions;
  /** A new subscriber gets the topic's last message right after `system.subscribed`. */
  latest?: boolean;
  /**
   * A subscriber that asks for it (`subscribe(topic, { delta: true })`) gets each message as a delta against
   * the topic's previous one; its messages carry `meta.topic`. See docs/delivery.md.
   */
  delta?: boolean;
  /**
   * Keep the topic's members (its subscribers, with their user and info) so the app can list and count them
   * (`PresenceService`); with `{ events: true }` its subscribers are also told `system.presence.join` and
   * `system.presence.leave`, with `{ events: 'on-request' }` only those that ask for them when they subscribe.
   * See docs/presence.md. @default false (no presence)
   */
  presence?: boolean | TopicPresenceOptions;
}

/**
 * The presence of a topic.
 *
 * @publicApi
 */
export interface TopicPresenceOptions {
  /**
   * Tell the topic's subscribers when a member joins or leaves: `true` every subscriber, `'on-request'` only a
   * subscriber that asks for them (`system.subscribe` with `join_leave: true`; the client SDK's
   * `subscribe(topic, { joinLeave: true })`). Each join is one message to each subscriber told, so a topic whose
   * members come and go together costs the square of its size with `true`; `'on-request'` bounds it by those who
   * ask. @default false
   */
  events?: boolean | 'on-request';
}

/**
 * A `topics` entry as resolved: durations in milliseconds.
 *
 * @publicApi
 */
export interface TopicSettings {
  readonly pattern: string;
  /** The history kept, or null when the entry keeps none. */
  readonly history: { readonly size: number; readonly ttlMs: number } | null;
  readonly latest: boolean;
  readonly delta: boolean;
  /** The topic's presence, or null when the entry keeps none. */
  readonly presence: { readonly events: boolean | 'on-request' } | null;
}
