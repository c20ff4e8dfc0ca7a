/** One message waiting for Redis: its channel and its payload. @internal */
export interface OutboxEntry {
  channel: string;
  payload: string;
}

/**
 * Messages for other nodes kept while Redis is unreachable, oldest first,
 * at most `capacity`. A message that does not fit is dropped and counted, so
 * an outage costs bounded memory; the ones kept go out in order once Redis is
 * back.
 *
 * @internal
 */
export class ClusterOutbox {
  private entries: OutboxEntry[] = [];
  private head = 0;
  /** Messages refused because the outbox was full, since start. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Keeps a message; false (and counted) when the outbox is full. */
  push(entry: OutboxEntry): boolean {
    if (this.size >= this.capacity) {
      this.dropped++;
      return false;
    }
    this.entries.push(entry);
    return true;
  }

  /** Takes the oldest message. */
  shift(): OutboxEntry | undefined {
    if (this.head >= this.entries.length) return undefined;
    const entry = this.entries[this.head];
    this.entries[this.head++] = undefined as unknown as OutboxEntry;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    }
    return entry;
  }
}
