/**
 * Idempotency keys of published messages: the first claim of a key within its window wins, every later
 * one (on any node) is a duplicate.
 *
 * @internal
 */
export abstract class ClusterDedup {
  /** True when `key` was not claimed within the last `windowMs`: the caller sends. */
  abstract claim(key: string, windowMs: number): Promise<boolean>;
}
