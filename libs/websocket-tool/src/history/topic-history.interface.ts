import type { WsOutboundMessage } from '../protocol/envelope.interface.js';

/** What `BroadcastService.history` reads: messages after `since` (an offset), at most `limit`. @publicApi */
export interface TopicHistoryQuery {
  /** Only messages with an offset greater than this; without it, the last `limit` kept. */
  since?: number;
  /** At most this many messages (all kept ones by default). */
  limit?: number;
}

/** A message as kept in a topic's history: as it was sent, with its `meta.topic`, `meta.offset`, `meta.epoch`. @publicApi */
export interface TopicHistoryMessage extends WsOutboundMessage {
  meta: Record<string, unknown> & { topic: string; offset: number; epoch: string };
  timestamp: string;
}

/** A topic's history on this node: its epoch, its last offset and the messages asked for, oldest first. @publicApi */
export interface TopicHistoryPage {
  epoch: string;
  /** The offset of the topic's last message (0 when nothing was published in this epoch). */
  offset: number;
  messages: TopicHistoryMessage[];
}

/** The position a subscriber last saw, sent as `system.subscribe`'s `since`. @publicApi */
export interface TopicPosition {
  offset: number;
  epoch: string;
}

/** What a subscribe gets beside `topic`: the fields of its `system.subscribed` and the frames to send right after it. */
export interface TopicResumption {
  /** `offset`, `epoch`, `recovered`, `replayed`, as they apply; empty for a topic that keeps nothing and no `since`. */
  readonly fields: Record<string, unknown>;
  /** Frame JSON to send after the answer, in order (the replay, or the latest value). */
  readonly frames: readonly string[];
}
