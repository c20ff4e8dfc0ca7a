import type { WsStatsService } from '../stats/ws-stats.service.js';
import type { ClientQueue } from './client-queue.js';
import type { OutboundBudget } from './outbound-budget.js';
import type { FrameOverflow, OutboundFrame } from './outbound-frame.js';

/**
 * The `drop-newest`, `drop-oldest` and `coalesce` policies, for a frame whose client queue is full: they
 * replace or drop queued frames of the same type, or drop the new one, and count every message that will
 * not be delivered, by policy and type. Reached only past the cap, only for frames with a policy; a scan of
 * that client's queue at most.
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
  private remove(queue: ClientQueue, match: (frame: OutboundFrame) => boolean, limit: number, from = queue.head): number {
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
