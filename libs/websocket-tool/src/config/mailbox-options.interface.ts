/**
 * The offline mailbox of named clients: a message sent with `sendToClient` to a
 * named client that is connected nowhere is kept, at most `size` per client,
 * each for `ttlSeconds`, and delivered in order when the client connects again.
 *
 * @publicApi
 */
export interface MailboxOptions {
  /** How many messages are kept per client (1 to 10000); past that the oldest are dropped and counted. */
  size: number;
  /** How long each kept message stays (seconds, more than 0, at most one day). */
  ttlSeconds: number;
}

/**
 * The `mailbox` option as resolved: ttl in milliseconds.
 *
 * @publicApi
 */
export interface MailboxSettings {
  readonly size: number;
  readonly ttlMs: number;
}
