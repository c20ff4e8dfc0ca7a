/**
 * Events the client itself emits through `client.on(type, handler)`, as
 * messages whose `content` is the payload below and whose `meta` is empty.
 *
 * @publicApi
 */
export const TopicEventType = {
  /** A resubscribe with `since` got every missed message back; they follow the event. */
  Recovered: 'topic.recovered',
  /**
   * Messages may be missing, refetch the state: a resubscribe with `since` could not be recovered, or the server
   * lost messages of a topic without history.
   */
  Gap: 'topic.gap',
} as const;

/** Content of `topic.recovered`: the topic and how many missed messages the server replays. @publicApi */
export interface TopicRecoveredEvent {
  /** The topic subscribed again. */
  topic: string;
  /** How many missed messages the server sends right after this event (0 when none were missed). */
  replayed: number;
}

/** Content of `topic.gap`: the topic whose missed messages could not be recovered. @publicApi */
export interface TopicGapEvent {
  /** The topic. */
  topic: string;
  /**
   * Why: `not_recovered`, the server could not replay from the position sent (history lost, expired or too
   * short); `link_lost`, a topic without history whose messages may have been lost while the server's link to
   * the other servers was down (`system.topic_gap`).
   */
  reason: 'not_recovered' | 'link_lost';
  /**
   * How many messages were published since the position sent, when the server still knows that history
   * (it was only too short or expired); null when the history itself was lost (a new epoch), or unknown.
   */
  missed: number | null;
}

/** The client's own event types and their content, for typed `on` / `once` / `off` handlers. @publicApi */
export interface ClientEventMap {
  /** A resubscribe with `since` recovered every missed message. */
  'topic.recovered': TopicRecoveredEvent;
  /** A resubscribe with `since` could not be recovered: refetch the topic's state. */
  'topic.gap': TopicGapEvent;
}
