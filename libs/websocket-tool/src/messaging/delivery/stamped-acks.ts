import type { DeliverySettlement } from './pending-deliveries.js';

const nothing = (): DeliverySettlement => ({ counts: { delivered: 0, timeout: 0, offline: 0, dropped: 0 } });

interface Meeting {
  /** This node's tally, once the stamped message came and was sent. */
  settlement?: Promise<DeliverySettlement>;
  /** The fan-out request, once it came first. */
  answer?: (settlement: Promise<DeliverySettlement>) => void;
  timer: NodeJS.Timeout;
}

/**
 * Where an acknowledged publish to a topic whose history is in Redis meets its tally request. The message
 * comes to each node through the history's stream (so it is kept and ordered like any publish) and the
 * request for that node's tally through the cluster requests: two Redis messages that may come in either
 * order. Whichever comes second completes the meeting; a meeting nobody completes is forgotten after
 * `ttlMs` (the request then answers with nothing counted).
 *
 * @internal
 */
export class StampedAcks {
  private readonly meetings = new Map<string, Meeting>();

  get size(): number {
    return this.meetings.size;
  }

  /** The stamped message `ackId` was sent to this node's subscribers; `settlement` is their tally. */
  arrived(ackId: string, settlement: Promise<DeliverySettlement>, ttlMs: number): void {
    const meeting = this.meetings.get(ackId);
    if (meeting?.answer) {
      this.forget(ackId, meeting);
      meeting.answer(settlement);
    } else if (!meeting) {
      this.meetings.set(ackId, { settlement, timer: this.expiry(ackId, ttlMs) });
    }
  }

  /** This node's tally for `ackId`, once its stamped message came (nothing counted if it does not within `ttlMs`). */
  tally(ackId: string, ttlMs: number): Promise<DeliverySettlement> {
    const meeting = this.meetings.get(ackId);
    if (meeting?.settlement) {
      this.forget(ackId, meeting);
      return meeting.settlement;
    }
    return new Promise<DeliverySettlement>((resolve) => {
      this.meetings.set(ackId, { answer: resolve, timer: this.expiry(ackId, ttlMs, () => resolve(nothing())) });
    });
  }

  /** Forgets every meeting (shutdown): requests still waiting answer with nothing counted. */
  clear(): void {
    for (const [ackId, meeting] of this.meetings) {
      this.forget(ackId, meeting);
      meeting.answer?.(Promise.resolve(nothing()));
    }
  }

  private expiry(ackId: string, ttlMs: number, then?: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.meetings.delete(ackId);
      then?.();
    }, ttlMs);
    timer.unref();
    return timer;
  }

  private forget(ackId: string, meeting: Meeting): void {
    clearTimeout(meeting.timer);
    this.meetings.delete(ackId);
  }
}
