/** A live message that reached a subscriber while its recovery was being read. */
export interface HeldMessage {
  readonly offset: number;
  readonly epoch: string;
  readonly json: string;
}

/** One subscriber's recovery in progress: what to hold back for it. */
export interface RecoveryHold {
  readonly topic: string;
  readonly clientId: string;
  readonly held: HeldMessage[];
  /**
   * A later subscribe of the same client to the same topic started its own recovery meanwhile (the server
   * had unsubscribed it after missing messages): that one answers with the replay, this one must not.
   */
  superseded: boolean;
}

interface TopicHolds {
  /** The held client ids, as the `except` of the topic's live fan-out. */
  readonly ids: Set<string>;
  readonly holds: Map<string, RecoveryHold>;
}

/**
 * Cluster-mode recoveries in progress. A subscriber is subscribed before its
 * history is read from Redis; until the answer is sent, live messages of the
 * topic are held back for it here, then those not covered by the replay
 * (offset above the one read, or another epoch) follow the replay. That merge
 * by offset gives no duplicate and no gap.
 */
export class RecoveryHolds {
  private readonly topics = new Map<string, TopicHolds>();

  /** Starts holding back `topic`'s live messages for `clientId`. */
  hold(topic: string, clientId: string): RecoveryHold {
    let entry = this.topics.get(topic);
    if (entry === undefined) {
      entry = { ids: new Set(), holds: new Map() };
      this.topics.set(topic, entry);
    }
    const hold: RecoveryHold = { topic, clientId, held: [], superseded: false };
    const previous = entry.holds.get(clientId);
    if (previous !== undefined) previous.superseded = true;
    entry.ids.add(clientId);
    entry.holds.set(clientId, hold);
    return hold;
  }

  /** Stops holding; returns what was held, in arrival (offset) order. */
  release(hold: RecoveryHold): HeldMessage[] {
    const entry = this.topics.get(hold.topic);
    if (entry !== undefined && entry.holds.get(hold.clientId) === hold) {
      entry.holds.delete(hold.clientId);
      entry.ids.delete(hold.clientId);
      if (entry.holds.size === 0) this.topics.delete(hold.topic);
    }
    return hold.held;
  }

  /**
   * A live message of `topic`: kept for every subscriber whose recovery is in
   * progress; returns their ids (to leave out of the live fan-out), or null.
   */
  capture(topic: string, offset: number, epoch: string, json: string): ReadonlySet<string> | null {
    if (this.topics.size === 0) return null;
    const entry = this.topics.get(topic);
    if (entry === undefined) return null;
    const message: HeldMessage = { offset, epoch, json };
    for (const hold of entry.holds.values()) hold.held.push(message);
    return entry.ids;
  }
}
