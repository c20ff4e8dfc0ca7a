import type { WsStatsService } from '../stats/ws-stats.service.js';
import type { ClientQueue } from './client-queue.js';
import type { OutboundBudget } from './outbound-budget.js';
import type { FrameOverflow, OutboundFrame } from './outbound-frame.js';

/**
 * The `drop-newest`, `drop-oldest` and `coalesce` policies, for a frame whose client queue is full: they
 * make room by dropping queued frames of the same type, or drop the new one, and count every message that
 * will not be delivered, by policy and type. Reached only past the cap, only for frames with a policy.
 *
 * @internal
 */
export class QueueOverflow {
  constructor(
    private readonly budget: OutboundBudget,
    private readonly stats: WsStatsService,
  ) {}

  /** True when room was made and `frame` is to be queued; false when it is dropped. */
  makeRoom(queue: ClientQueue, frame: OutboundFrame): boolean {
    const overflow = frame.overflow as FrameOverflow;
    let removed = 0;
    if (overflow.policy === 'coalesce' && frame.coalesceKey !== null) {
      const key = frame.coalesceKey;
      removed = this.remove(queue, (f) => f.coalesceKey === key, Number.POSITIVE_INFINITY);
    }
    // `drop-oldest`, and `coalesce` for a key with nothing queued: the oldest frame of the type makes room.
    if (removed === 0 && overflow.policy !== 'drop-newest') {
      const type = overflow.type;
      removed = this.remove(queue, (f) => f.overflow !== null && f.overflow.type === type, 1);
    }
    if (removed === 0) {
      this.stats.recordOverflow(overflow.policy, overflow.type, 1);
      return false;
    }
    this.stats.recordOverflow(overflow.policy, overflow.type, removed);
    return true;
  }

  /** Removes up to `limit` queued frames that `match`, oldest first, keeping the others in order. */
  private remove(queue: ClientQueue, match: (frame: OutboundFrame) => boolean, limit: number): number {
    const frames = queue.frames;
    let removed = 0;
    let write = queue.head;
    for (let read = queue.head; read < frames.length; read++) {
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
