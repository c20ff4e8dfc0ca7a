import { newEpoch } from '../cluster/history/epoch.js';

/** One kept message: its position and its frame JSON exactly as first sent. */
export interface HistoryEntry {
  readonly offset: number;
  readonly json: string;
  /** When it stops being kept (ms since the epoch). */
  readonly expiresAt: number;
}

export { newEpoch };

/**
 * One topic's history on this node: the last `size` messages, each kept for
 * `ttlMs`, in a ring buffer, with the offset of the last one and the epoch
 * that names this history. Offsets start at 1 and grow by one per message;
 * entries leave by age (every entry has the same ttl, so the oldest leave
 * first) or when the ring is full.
 */
export class TopicHistory {
  private readonly ring: Array<HistoryEntry | undefined>;
  /** Index of the oldest entry in `ring`. */
  private head = 0;
  private count = 0;
  private last = 0;

  constructor(
    readonly size: number,
    readonly ttlMs: number,
    readonly epoch: string = newEpoch(),
  ) {
    this.ring = Array.from<HistoryEntry | undefined>({ length: size });
  }

  /** The offset of the last message appended (0 before the first). */
  get offset(): number {
    return this.last;
  }

  /** The offset the next appended message gets. */
  get nextOffset(): number {
    return this.last + 1;
  }

  /** How many entries are kept, after dropping the expired ones. */
  length(now: number): number {
    this.prune(now);
    return this.count;
  }

  /** Appends a message that was stamped with `nextOffset`; the oldest entry leaves when the ring is full. */
  append(json: string, now: number): HistoryEntry {
    const entry: HistoryEntry = { offset: ++this.last, json, expiresAt: now + this.ttlMs };
    if (this.count === this.size) {
      this.ring[this.head] = entry;
      this.head = (this.head + 1) % this.size;
    } else {
      this.ring[(this.head + this.count) % this.size] = entry;
      this.count++;
    }
    return entry;
  }

  /** The offset of the oldest entry kept, or `offset + 1` when none is. */
  oldestOffset(now: number): number {
    this.prune(now);
    return this.count === 0 ? this.last + 1 : (this.ring[this.head] as HistoryEntry).offset;
  }

  /**
   * The entries after `offset`, oldest first, or null when they are not all
   * kept any more (a gap larger than the history, expired entries) or when
   * `offset` is in the future. An empty array means nothing was missed.
   */
  after(offset: number, now: number): HistoryEntry[] | null {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.last) return null;
    if (offset < this.oldestOffset(now) - 1) return null;
    return this.slice(this.count - (this.last - offset), this.count);
  }

  /** Every kept entry, oldest first. */
  entries(now: number): HistoryEntry[] {
    this.prune(now);
    return this.slice(0, this.count);
  }

  /** The last entry, if still kept. */
  latest(now: number): HistoryEntry | undefined {
    this.prune(now);
    return this.count === 0 ? undefined : this.ring[(this.head + this.count - 1) % this.size];
  }

  /** Entries `from` (inclusive) to `to` (exclusive), counted from the oldest kept. */
  private slice(from: number, to: number): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    for (let i = from; i < to; i++) out.push(this.ring[(this.head + i) % this.size] as HistoryEntry);
    return out;
  }

  /** Drops the expired entries from the oldest end. */
  private prune(now: number): void {
    while (this.count > 0 && (this.ring[this.head] as HistoryEntry).expiresAt <= now) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.size;
      this.count--;
    }
  }
}
