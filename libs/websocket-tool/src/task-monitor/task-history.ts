import type { WsOutboundMessage } from '../protocol/envelope.interface.js';

/** What kind of event a record holds. */
export type TaskEventKind = 'started' | 'progress' | 'log' | 'success' | 'failed';

/** One event of a task as it was sent live. */
export interface TaskEventRecord {
  readonly seq: number;
  readonly kind: TaskEventKind;
  readonly message: WsOutboundMessage;
  /** When it was sent (ISO-8601 UTC), reused when it is replayed. */
  readonly timestamp: string;
}

/**
 * The last `capacity` events of one task, in a ring buffer. The start event
 * and the latest progress are also kept aside, so a late subscriber of a
 * long task still learns its name and progress when they have left the ring.
 *
 * @internal
 */
export class TaskHistory {
  private readonly ring: (TaskEventRecord | undefined)[];
  private head = 0;
  private size = 0;
  private started: TaskEventRecord | null = null;
  private lastProgress: TaskEventRecord | null = null;

  constructor(readonly capacity: number) {
    this.ring = Array.from<TaskEventRecord | undefined>({ length: capacity });
  }

  push(record: TaskEventRecord): void {
    if (record.kind === 'started') {
      this.started = record;
      this.lastProgress = null;
    } else if (record.kind === 'progress') {
      this.lastProgress = record;
    }
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      this.ring[(this.head + this.size) % this.capacity] = record;
      this.size++;
    } else {
      this.ring[this.head] = record;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** The events a new subscriber gets, oldest first, without duplicates. Empty when history is off. */
  replay(): TaskEventRecord[] {
    if (this.capacity === 0 || this.size === 0) return [];
    const out: TaskEventRecord[] = [];
    const oldest = (this.ring[this.head] as TaskEventRecord).seq;
    if (this.started && this.started.seq < oldest) out.push(this.started);
    if (this.lastProgress && this.lastProgress.seq < oldest && this.lastProgress.seq > (this.started?.seq ?? 0)) {
      out.push(this.lastProgress);
    }
    for (let i = 0; i < this.size; i++) out.push(this.ring[(this.head + i) % this.capacity] as TaskEventRecord);
    return out;
  }

  get length(): number {
    return this.size;
  }
}
