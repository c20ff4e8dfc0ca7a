/**
 * What happens to a message for a client whose queue is full (`maxClientQueueSize`, `maxClientQueueBytes`)
 * while its socket takes no more:
 *
 * - `disconnect`: the client is closed as a slow consumer (4003), the default;
 * - `drop-newest`: the new message is dropped;
 * - `drop-oldest`: the oldest queued message of the same type is dropped and the new one queued;
 * - `coalesce`: the new message takes the place of the queued one of the same type and key (see `key`), any
 *   later one of that key is dropped: only the latest value per key waits, where its first pending value
 *   was, never moved ahead of what was queued before it.
 *
 * @publicApi
 */
export type OverflowPolicyName = 'disconnect' | 'drop-newest' | 'drop-oldest' | 'coalesce';

/**
 * One entry of the `overflow` option. The first entry whose pattern matches a message type wins; a type no
 * entry matches has the `disconnect` policy.
 *
 * @publicApi
 */
export interface OverflowOptions {
  /** An exact message type, or a glob where `*` matches any run of characters (`'price.*'`). */
  type: string;
  policy: OverflowPolicyName;
  /**
   * `coalesce` only: the field of the message's `content` naming its key, dotted for a nested one
   * (`'symbol'`, `'item.id'`). A message without it is its own key.
   */
  key?: string;
}

/**
 * An `overflow` entry as resolved.
 *
 * @publicApi
 */
export interface OverflowSettings {
  readonly type: string;
  readonly policy: OverflowPolicyName;
  /** The key's path in `content`, split on dots; null unless `coalesce`. */
  readonly key: readonly string[] | null;
}
