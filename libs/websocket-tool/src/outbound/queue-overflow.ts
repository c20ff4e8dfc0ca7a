import type { WsStatsService } from '../stats/ws-stats.service.js';
import type { ClientQueue } from './client-queue.js';
import type { OutboundBudget } from './outbound-budget.js';
import type { FrameOverflow, OutboundFrame } from './outbound-frame.js';

/**
 * The `drop-newest`, `drop-oldest` and `coalesce` policies, for a frame whose client is over its limit (its
 * queue at its cap, or its socket buffer above the high-water mark), and for a stalled client when the
 * shared budget is full: they replace or drop queued frames of the same type, or drop the new one, and count
 * every message that will not be delivered, by policy and type. Reached only over a limit, only for frames
 * with a policy; a scan of that client's queue at most.
 *
 * @internal
 */
export class QueueOverflow {
  constructor(
    private readonly budget: OutboundBudget,
    private readonly stats: WsStatsService,
  ) {}

  /**
   * What becomes of `frame`: `queue` it (room was made), `drop` it, or nothing more (`placed`: it took the
   * place of the queued frame of its key).
   */
  makeRoom(queue: ClientQueue, frame: OutboundFrame): 'queue' | 'drop' | 'placed' {
    const overflow = frame.overflow as FrameOverflow;
    if (overflow.policy === 'coalesce' && frame.coalesceKey !== null) {
      const superseded = this.replace(queue, frame, frame.coalesceKey);
      if (superseded > 0) {
        this.stats.recordOverflow('coalesce', overflow.type, superseded);
        return 'placed';
      }
    }
    // `drop-oldest`, and `coalesce` for a key with nothing queued: the oldest frame of the type makes room.
    let removed = 0;
    if (overflow.policy !== 'drop-newest') {
      const type = overflow.type;
      removed = this.remove(queue, (f) => f.overflow !== null && f.overflow.type === type, 1);
    }
    this.stats.recordOverflow(overflow.policy, overflow.type, removed === 0 ? 1 : removed);
    return removed === 0 ? 'drop' : 'queue';
  }

  /**
   * The client's socket is above the high-water mark (it is not reading) while its queue is under its cap:
   * `coalesce` replaces the queued value of the key in place (or queues a new key: the queue then holds one
   * value per key), `drop-oldest` drops the oldest queued message of the type and queues the new one,
   * `drop-newest` drops the new one.
   */
  whileStalled(queue: ClientQueue, frame: OutboundFrame): 'queue' | 'drop' | 'placed' {
    const overflow = frame.overflow as FrameOverflow;
    if (overflow.policy === 'drop-newest') {
      this.stats.recordOverflow('drop-newest', overflow.type, 1);
      return 'drop';
    }
    if (overflow.policy === 'coalesce') {
      if (frame.coalesceKey === null) return 'queue';
      const superseded = this.replace(queue, frame, frame.coalesceKey);
      if (superseded === 0) return 'queue';
      this.stats.recordOverflow('coalesce', overflow.type, superseded);
      return 'placed';
    }
    const type = overflow.type;
    const removed = this.remove(queue, (f) => f.overflow !== null && f.overflow.type === type, 1);
    if (removed > 0) this.stats.recordOverflow('drop-oldest', type, removed);
    return 'queue';
  }

  /** True when every frame `queue` holds has a policy (none is `disconnect`), so its policies can keep it bounded. */
  static lenient(queue: ClientQueue): boolean {
    const frames = queue.frames;
    for (let i = queue.head; i < frames.length; i++) if ((frames[i] as OutboundFrame).overflow === null) return false;
    return true;
  }

  /**
   * The shared budget is full and `queue`, a stalled client holding only frames with a policy, holds the
   * most: its frames go by their policy until `fits()` (oldest first for `drop-oldest` and `coalesce`, then
   * newest first for `drop-newest`), each counted. Returns how many went.
   */
  trim(queue: ClientQueue, fits: () => boolean): number {
    let removed = this.remove(queue, (f) => f.overflow !== null && f.overflow.policy !== 'drop-newest' && !fits() && this.count(f));
    const frames = queue.frames;
    for (let i = frames.length - 1; i >= queue.head && !fits(); i--) {
      const frame = frames[i] as OutboundFrame;
      this.count(frame);
      queue.queuedBytes -= frame.bytes.length;
      this.budget.release(frame);
      frames.splice(i, 1);
      removed++;
    }
    return removed;
  }

  /** Counts one frame a policy did not deliver; true, so it can sit in a condition. */
  private count(frame: OutboundFrame): boolean {
    const overflow = frame.overflow as FrameOverflow;
    this.stats.recordOverflow(overflow.policy, overflow.type, 1);
    return true;
  }

  /**
   * Puts `frame` in the place of the first queued frame of its key (so it goes out where that one would
   * have, never ahead of what was queued before it) and drops any later one of the key. Returns how many
   * queued frames it superseded.
   */
  private replace(queue: ClientQueue, frame: OutboundFrame, key: string): number {
    const frames = queue.frames;
    let first = -1;
    for (let i = queue.head; i < frames.length; i++) {
      if ((frames[i] as OutboundFrame).coalesceKey === key) {
        first = i;
        break;
      }
    }
    if (first < 0) return 0;
    const old = frames[first] as OutboundFrame;
    frames[first] = frame;
    queue.queuedBytes += frame.bytes.length - old.bytes.length;
    this.budget.hold(frame);
    this.budget.release(old);
    return 1 + this.remove(queue, (f) => f !== frame && f.coalesceKey === key, Number.POSITIVE_INFINITY, first + 1);
  }

  /** Removes up to `limit` queued frames from `from` on that `match`, oldest first, keeping the others in order. */
  private remove(
    queue: ClientQueue,
    match: (frame: OutboundFrame) => boolean,
    limit = Number.POSITIVE_INFINITY,
    from = queue.head,
  ): number {
    const frames = queue.frames;
    let removed = 0;
    let write = from;
    for (let read = from; read < frames.length; read++) {
      const frame = frames[read] as OutboundFrame;
      if (removed < limit && match(frame)) {
        removed++;
        queue.queuedBytes -= frame.bytes.length;
        this.budget.release(frame);
      } else {
        frames[write++] = frame;
      }
    }
    frames.length = write;
    return removed;
  }
}
