import type { HistoryTop } from '../cluster/history/cluster-history.js';

interface Position {
  offset: number;
  /** Empty when the position is not known (nothing delivered or read before the link was lost). */
  epoch: string;
  /** Set while the link was lost and no message since has shown that nothing was missed. */
  unsure: boolean;
}

/** What a stamped message tells about the live stream of its topic on this node. */
export type StreamVerdict = 'in_order' | 'gap';

/**
 * The last position of each topic with history that this node delivered to
 * its subscribers, from every node's publishes (its own come back from Redis
 * like the others). Offsets of one epoch are consecutive and reach every node
 * in order, so a message whose offset is not the next one means this node
 * missed what lay between; a topic that got no message since the link was
 * lost is compared with its history's last position when the link is back.
 */
export class DeliveredPositions {
  private readonly byTopic = new Map<string, Position>();
  private linkLost = false;

  /** A stamped message about to be delivered to this node's subscribers of `topic`. */
  delivered(topic: string, offset: number, epoch: string): StreamVerdict {
    const known = this.byTopic.get(topic);
    if (known === undefined) {
      this.byTopic.set(topic, { offset, epoch, unsure: false });
      return 'in_order';
    }
    if (known.epoch === epoch && offset <= known.offset) return 'in_order';
    const next = known.epoch === epoch && offset === known.offset + 1;
    // A new epoch on a link that stayed up is a history that expired or was created anew: nothing was missed.
    const verdict: StreamVerdict = next || (known.epoch !== '' && known.epoch !== epoch && !known.unsure) ? 'in_order' : 'gap';
    known.offset = offset;
    known.epoch = epoch;
    known.unsure = false;
    return verdict;
  }

  /** The position a subscribe read from Redis; kept only for a topic without one yet (the live stream knows better). */
  seed(topic: string, top: HistoryTop): void {
    if (!this.byTopic.has(topic)) this.byTopic.set(topic, { offset: top.offset, epoch: top.epoch, unsure: this.linkLost });
  }

  /** The link was lost: every topic in `subscribed` (those with subscribers here) may miss messages from now on. */
  lost(subscribed: Iterable<string>): void {
    this.linkLost = true;
    for (const topic of subscribed) {
      const known = this.byTopic.get(topic);
      if (known === undefined) this.byTopic.set(topic, { offset: 0, epoch: '', unsure: true });
      else known.unsure = true;
    }
  }

  /**
   * The link is back: the topics not yet shown to have missed nothing, to compare with their history's last
   * position; those of `subscribed` without a position (subscribed while the link was lost, their read failed)
   * among them.
   */
  back(subscribed: Iterable<string>): string[] {
    this.linkLost = false;
    for (const topic of subscribed) if (!this.byTopic.has(topic)) this.byTopic.set(topic, { offset: 0, epoch: '', unsure: true });
    const unsure: string[] = [];
    for (const [topic, known] of this.byTopic) if (known.unsure) unsure.push(topic);
    return unsure;
  }

  /**
   * The last position of `topic`'s history, read after the link came back
   * (null when the read failed or the history is gone): true when this node
   * missed messages of it. A topic that got a message since the read was sent
   * was settled by it, and answers false.
   */
  compare(topic: string, top: HistoryTop | null): boolean {
    const known = this.byTopic.get(topic);
    if (known === undefined || !known.unsure) return false;
    known.unsure = false;
    const missed = top === null || known.epoch !== top.epoch || known.offset !== top.offset;
    if (top === null) this.byTopic.delete(topic);
    else if (missed) {
      known.offset = top.offset;
      known.epoch = top.epoch;
    }
    return missed;
  }

  /** The topic has no subscriber on this node any more. */
  forget(topic: string): void {
    this.byTopic.delete(topic);
  }

  /** How many topics are followed (tests and stats). */
  get size(): number {
    return this.byTopic.size;
  }
}
