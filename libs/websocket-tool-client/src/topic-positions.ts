import type { WsMessage } from './message.interface.js';

/**
 * Where a client stands in a topic's history: the `offset` of the last
 * message it saw and the `epoch` (the history) that offset belongs to.
 *
 * @publicApi
 */
export interface TopicPosition {
  /** The offset of the last message seen (1 for an epoch's first message; 0 before any). */
  offset: number;
  /** The history that offset belongs to; a new epoch means the server's history was created anew. */
  epoch: string;
}

const isOffset = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** Reads `{ offset, epoch }` from an object (a message's `meta`, a `system.subscribed` content), or null. */
export function readPosition(source: Record<string, unknown>): TopicPosition | null {
  const { offset, epoch } = source;
  return isOffset(offset) && typeof epoch === 'string' && epoch.length > 0 ? { offset, epoch } : null;
}

/**
 * The last position seen per topic, sent as `since` when the topic is
 * subscribed again. Within one epoch the highest offset wins; a new epoch
 * replaces the old position.
 */
export class TopicPositions {
  private readonly byTopic = new Map<string, TopicPosition>();

  get(topic: string): TopicPosition | undefined {
    const position = this.byTopic.get(topic);
    return position && { ...position };
  }

  /** Records a position seen: kept if it is further on in the same epoch, or names a new epoch. */
  observe(topic: string, position: TopicPosition): void {
    const known = this.byTopic.get(topic);
    if (known && known.epoch === position.epoch && known.offset >= position.offset) return;
    this.byTopic.set(topic, { offset: position.offset, epoch: position.epoch });
  }

  /** Replaces the position outright (the server's answer to a `since` it could not recover). */
  reset(topic: string, position: TopicPosition): void {
    this.byTopic.set(topic, { offset: position.offset, epoch: position.epoch });
  }

  /** Records the position an inbound message carries in `meta.topic`/`offset`/`epoch`, if `isHeld(topic)`. */
  observeMessage(message: WsMessage, isHeld: (topic: string) => boolean): void {
    const topic = message.meta.topic;
    if (typeof topic !== 'string' || !isHeld(topic)) return;
    const position = readPosition(message.meta);
    if (position) this.observe(topic, position);
  }

  forget(topic: string): void {
    this.byTopic.delete(topic);
  }
}
