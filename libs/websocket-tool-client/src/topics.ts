import type { ClientLogger } from './client-logger.interface.js';
import type { WsMessage } from './message.interface.js';
import { isPlainObject } from './protocol/is-plain-object.js';
import { SystemMessageType, UnsubscribeReason } from './protocol/index.js';
import { WsRequestError, WsRequestFailedError } from './request-errors.js';
import type { Requests } from './requests.js';
import { TopicEventType, type TopicGapEvent, type TopicRecoveredEvent } from './topic-events.js';
import { readPosition, TopicPositions, type TopicPosition } from './topic-positions.js';
import type { TopicDeltas } from './topic-deltas.js';
import { TopicSubscriptions } from './topic-subscriptions.js';

/** Options of `subscribe()`. @publicApi */
export interface SubscribeOptions {
  /**
   * Asks for deltas: on a topic whose `topics` entry has `delta: true`, each message comes as a delta against
   * the previous one, rebuilt and checked by the client. Ignored for other topics.
   * @default false
   */
  delta?: boolean;
  /**
   * Asks for the topic's joins and leaves (`system.presence.join` / `system.presence.leave`): needed on a topic
   * whose `topics` entry has `presence: { events: 'on-request' }`, harmless on others.
   * @default false
   */
  joinLeave?: boolean;
}

/** An event the client emits to its handlers about a topic. */
export type TopicEvent = WsMessage<TopicRecoveredEvent> | WsMessage<TopicGapEvent>;

const requestId = (meta: Record<string, unknown>): string | undefined =>
  typeof meta.id === 'string' || typeof meta.id === 'number' ? String(meta.id) : undefined;

/**
 * The topics the client holds, subscribed again on every connection, with
 * the last position seen in each: a resubscribe sends it as `since`, and the
 * answer to it becomes a `topic.recovered` or `topic.gap` event.
 */
export class Topics {
  private readonly subscriptions = new TopicSubscriptions();
  private readonly positions = new TopicPositions();
  /** Held topics subscribed with `joinLeave`. */
  private readonly joinLeave = new Set<string>();
  /** Subscribes sent with `since` and not answered yet: request id → topic. */
  private readonly recovering = new Map<string, string>();
  /** Every subscribe not answered yet: request id → topic. */
  private readonly inFlight = new Map<string, string>();
  /**
   * Subscribes sent before the server ended the subscription on its own: their answers describe a
   * subscription that no longer holds and are not followed (their position would skip what it missed).
   */
  private readonly outdated = new Set<string>();
  private readonly isHeld = (topic: string): boolean => this.subscriptions.has(topic);

  constructor(
    private readonly requests: Requests,
    private readonly logger: ClientLogger,
    private readonly deltas: TopicDeltas,
  ) {}

  names(): string[] {
    return this.subscriptions.names();
  }

  /** The last position seen in a held topic, if it keeps history. */
  position(topic: string): TopicPosition | undefined {
    return this.positions.get(topic);
  }

  /** Keeps the topic; asks the server at once if `open`, else on the next connection. */
  subscribe(topic: string, open: boolean, options: SubscribeOptions = {}): Promise<void> {
    this.deltas.want(topic, options.delta === true);
    if (options.joinLeave === true) this.joinLeave.add(topic);
    else this.joinLeave.delete(topic);
    return new Promise((resolve, reject) => {
      if (this.subscriptions.add(topic, { resolve, reject }) && open) this.sendSubscribe(topic);
    });
  }

  /** Forgets the topic and its position; resolves with whether the server had it (false when not `open`). */
  async unsubscribe(topic: string, open: boolean): Promise<boolean> {
    this.subscriptions.remove(topic, new WsRequestFailedError('closed', `Unsubscribed from "${topic}" before it was confirmed.`));
    this.positions.forget(topic);
    this.deltas.forget(topic);
    this.joinLeave.delete(topic);
    if (!open) return false;
    const reply = await this.requests.system(SystemMessageType.Unsubscribe, { topic });
    return isPlainObject(reply.content) && reply.content.was_subscribed === true;
  }

  /** A new connection: nothing is confirmed on it yet. */
  resetConfirmations(): void {
    this.subscriptions.resetConfirmations();
  }

  /** Subscribes every topic on the connection that just opened, with `since` where a position is known. */
  resubscribe(): void {
    for (const topic of this.subscriptions.names()) this.sendSubscribe(topic);
  }

  /** The client stopped: reject everyone waiting for a confirmation. */
  rejectWaiters(error: Error): void {
    this.subscriptions.rejectWaiters(error);
  }

  /**
   * Follows an inbound message before the handlers see it: the position of a
   * message on a held topic, and the answer to a subscribe. Returns the event
   * to emit after the message, if any.
   */
  observe(message: WsMessage): TopicEvent | null {
    if (message.type === SystemMessageType.Subscribed) return this.answered(message);
    if (message.type === SystemMessageType.Unsubscribed) this.endedByServer(message);
    else if (message.type === SystemMessageType.TopicGap) return this.lost(message);
    else this.positions.observeMessage(message, this.isHeld);
    return null;
  }

  /**
   * The server unsubscribed a held topic because it missed messages of it: subscribe again at once, with the
   * last position seen as `since`, so the answer replays exactly what was missed or reports a gap.
   */
  private endedByServer(message: WsMessage): void {
    const content = isPlainObject(message.content) ? message.content : {};
    const topic = content.topic;
    if (requestId(message.meta) !== undefined || content.reason !== UnsubscribeReason.InsufficientState) return;
    if (typeof topic !== 'string' || !this.subscriptions.has(topic)) return;
    for (const [id, pending] of this.inFlight) if (pending === topic) this.outdated.add(id);
    this.sendSubscribe(topic);
  }

  /** A held topic without history may have lost messages while the server's link was down. */
  private lost(message: WsMessage): TopicEvent | null {
    const topic = isPlainObject(message.content) ? message.content.topic : undefined;
    if (typeof topic !== 'string' || !this.subscriptions.has(topic)) return null;
    return { type: TopicEventType.Gap, content: { topic, reason: 'link_lost', missed: null }, meta: {} };
  }

  private answered(message: WsMessage): TopicEvent | null {
    const id = requestId(message.meta);
    const sinceTopic = id === undefined ? undefined : this.recovering.get(id);
    if (id !== undefined) {
      this.recovering.delete(id);
      this.inFlight.delete(id);
      if (this.outdated.delete(id)) return null;
    }
    const content = isPlainObject(message.content) ? message.content : {};
    const topic = sinceTopic ?? (typeof content.topic === 'string' ? content.topic : undefined);
    if (topic === undefined || !this.subscriptions.has(topic)) return null;
    const position = readPosition(content);
    if (sinceTopic === undefined) {
      // A first subscribe: nothing to recover, the answer only says where the topic stands.
      if (position) this.positions.observe(topic, position);
      return null;
    }
    if (content.recovered === true) {
      if (position) this.positions.observe(topic, position);
      const replayed = typeof content.replayed === 'number' && content.replayed >= 0 ? content.replayed : 0;
      return { type: TopicEventType.Recovered, content: { topic, replayed }, meta: {} };
    }
    // Not recovered: the server's position replaces ours (a new epoch, or none for a topic without history).
    const previous = this.positions.get(topic);
    const missed =
      previous && position && position.epoch === previous.epoch && position.offset >= previous.offset
        ? position.offset - previous.offset
        : null;
    if (position) this.positions.reset(topic, position);
    else this.positions.forget(topic);
    return { type: TopicEventType.Gap, content: { topic, reason: 'not_recovered', missed }, meta: {} };
  }

  private sendSubscribe(topic: string): void {
    const since = this.positions.get(topic);
    const id = this.requests.nextId();
    if (since) this.recovering.set(id, topic);
    this.inFlight.set(id, topic);
    const content: Record<string, unknown> = since ? { topic, since } : { topic };
    if (this.deltas.wants(topic)) content.delta = true;
    if (this.joinLeave.has(topic)) content.join_leave = true;
    this.requests.system(SystemMessageType.Subscribe, content, {}, id).then(
      () => {
        this.recovering.delete(id);
        this.inFlight.delete(id);
        this.subscriptions.confirm(topic);
      },
      (error: unknown) => {
        this.recovering.delete(id);
        this.inFlight.delete(id);
        // A subscribe the server's own unsubscribe overtook: the one sent after it decides.
        if (this.outdated.delete(id)) return;
        // A refusal is final; after a lost connection the next connect subscribes again.
        if (!(error instanceof WsRequestError) || !this.subscriptions.has(topic)) return;
        if (this.subscriptions.remove(topic, error) === 0) {
          this.logger.warn(`The server refused topic "${topic}" (${error.code}); it is no longer subscribed.`);
        }
        this.positions.forget(topic);
        this.deltas.forget(topic);
        this.joinLeave.delete(topic);
      },
    );
  }
}
