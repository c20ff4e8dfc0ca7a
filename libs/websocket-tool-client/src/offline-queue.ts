/** Which message a full offline queue gives up. @publicApi */
export type DropPolicy = 'oldest' | 'newest';

/** Why a queued message was given up. @publicApi */
export type DropReason = 'queue_full' | 'closed';

/**
 * A bounded FIFO for messages that cannot be sent yet (offline or held by
 * the server's rate limit). When full, `oldest` evicts the head to make room
 * and `newest` refuses the incoming message; either way the dropped one is
 * handed to `onDrop`.
 */
export class OfflineQueue<T> {
  private items: T[] = [];

  constructor(
    private readonly maxSize: number,
    private readonly policy: DropPolicy,
    private readonly onDrop: (item: T, reason: DropReason) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Adds to the tail. Returns false if `item` itself was dropped. */
  push(item: T): boolean {
    if (this.items.length < this.maxSize) {
      this.items.push(item);
      return true;
    }
    if (this.policy === 'newest' || this.maxSize === 0) {
      this.onDrop(item, 'queue_full');
      return false;
    }
    const evicted = this.items.shift() as T;
    this.items.push(item);
    this.onDrop(evicted, 'queue_full');
    return true;
  }

  /** Puts an item back at the head (a message the server refused and that is worth retrying). */
  unshift(item: T): void {
    this.items.unshift(item);
    if (this.items.length > this.maxSize) this.onDrop(this.items.pop() as T, 'queue_full');
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  /** Removes every item matching `predicate` without reporting them. */
  remove(predicate: (item: T) => boolean): void {
    this.items = this.items.filter((item) => !predicate(item));
  }

  /** Empties the queue, reporting each item with `reason`. */
  clear(reason: DropReason): void {
    const items = this.items;
    this.items = [];
    for (const item of items) this.onDrop(item, reason);
  }
}
