import type { ClientQueue } from './client-queue.js';

const OPEN = 1;
/** How long a client whose socket buffer is above the high-water mark waits before the next try. */
const PARKED_RECHECK_MS = 10;

/** What the parking lot hands its clients back to. */
export interface ParkedQueuesOwner {
  /** The socket takes data again: back to the ready list. */
  resume(queue: ClientQueue): void;
  /** The connection left while parked: drop what it holds. */
  drop(queue: ClientQueue): void;
  /** The socket has not drained for `slowConsumerTimeout`: close it as a slow consumer. */
  evict(queue: ClientQueue): void;
  /** Some queues were resumed: wake the consumers. */
  wake(): void;
}

/**
 * Clients whose socket buffer is above `sendHighWaterMarkBytes`: they wait
 * here, rechecked every few milliseconds, while the others are served. One
 * whose buffer does not go down for `slowConsumerTimeout` has stopped
 * reading and is evicted; one draining however slowly is a slow link and
 * keeps its place.
 *
 * @internal
 */
export class ParkedQueues {
  private readonly parked = new Set<ClientQueue>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly hwm: number,
    private readonly stallMs: number,
    private readonly owner: ParkedQueuesOwner,
  ) {}

  get size(): number {
    return this.parked.size;
  }

  park(queue: ClientQueue): void {
    queue.scheduled = true;
    if (queue.stalledSince === 0) {
      queue.stalledSince = Date.now();
      queue.stalledAt = queue.socket.bufferedAmount;
    }
    this.parked.add(queue);
    if (!this.timer && !this.stopped) this.timer = setTimeout(this.recheck, PARKED_RECHECK_MS);
  }

  delete(queue: ClientQueue): void {
    this.parked.delete(queue);
  }

  /** The parked client still holding the most bytes, the first to close when the shared budget is full. */
  heaviest(): ClientQueue | null {
    let heaviest: ClientQueue | null = null;
    for (const parked of this.parked) {
      if (!parked.connection.closing && parked.queued > 0 && (!heaviest || parked.queuedBytes > heaviest.queuedBytes)) heaviest = parked;
    }
    return heaviest;
  }

  private readonly recheck = (): void => {
    this.timer = null;
    const now = Date.now();
    let resumed = false;
    for (const queue of this.parked) {
      const buffered = queue.socket.bufferedAmount;
      if (queue.connection.closing || queue.socket.readyState !== OPEN) {
        this.parked.delete(queue);
        this.owner.drop(queue);
        queue.scheduled = false;
      } else if (buffered <= this.hwm) {
        this.parked.delete(queue);
        this.owner.resume(queue);
        resumed = true;
      } else if (buffered < queue.stalledAt) {
        // Draining, however slowly: a slow link, not a client that stopped reading.
        queue.stalledSince = now;
        queue.stalledAt = buffered;
      } else if (now - queue.stalledSince >= this.stallMs) {
        this.parked.delete(queue);
        this.owner.evict(queue);
      }
    }
    if (resumed) this.owner.wake();
    if (this.parked.size > 0 && !this.stopped) this.timer = setTimeout(this.recheck, PARKED_RECHECK_MS);
  };

  /** Stops the recheck timer for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
