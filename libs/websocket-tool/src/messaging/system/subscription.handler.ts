import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import type { SubscriptionOptions } from './subscription-options.interface.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import type { ConnectionRegistry } from '../../connection/connection-registry.js';
import { isOthersPersonalTopic, isValidTopic } from '../../connection/topic-name.js';
import { WsErrorCode } from '../../protocol/error-codes.js';
import { SystemMessageType } from '../../protocol/message-types.js';
import type { MessageAdmission } from '../../rate-limit/message-admission.js';
import type { TopicSettings } from '../../config/topic-options.interface.js';
import type { StreamContinuity } from '../../history/stream-continuity.service.js';
import type { TopicHistoryStore } from '../../history/topic-history-store.js';
import type { PresenceService } from '../../presence/presence.service.js';
import type { TopicDeltas } from '../delivery/topic-deltas.js';
import type { WsStatsService } from '../../stats/ws-stats.service.js';
import type { ParsedEnvelope } from '../dispatch/envelope-parser.js';
import { isPlainObject } from '../../protocol/json-guards.js';
import type { Correlation } from '../dispatch/envelope.js';
import type { DispatchReplies } from '../dispatch/replies.js';
import type { SystemMessageHandler } from './system-message-handler.interface.js';

/**
 * `system.subscribe` / `system.unsubscribe` with `content: { topic }` (or the
 * topic as a string): answered with `system.subscribed` / `system.unsubscribed`,
 * or a `system.error` (`invalid_topic`, `too_many_topics`, `forbidden` when the
 * app's `canSubscribe` says no). A subscription or unsubscription that went
 * through ends the sender's violation streak.
 *
 * A topic with history (the `topics` option) answers with its `offset` and
 * `epoch`; with `content.since: { offset, epoch }` it also says whether the
 * missed messages could be recovered, and those follow the answer in order.
 * A latest-value topic's last message follows the answer unless a recovery
 * covered it. On one node the subscription, the answer and the replay happen
 * in one synchronous step after `canSubscribe`, so nothing published can fall
 * in between (no duplicate, no gap) and a refused subscribe replays nothing.
 * In cluster mode the history is read from Redis meanwhile the topic's live
 * messages are held back for the subscriber, then merged by offset behind the
 * replay (`resumeShared`).
 */
export class SubscriptionHandler implements SystemMessageHandler {
  readonly types = [SystemMessageType.Subscribe, SystemMessageType.Unsubscribe];
  readonly keepAlive = false;

  constructor(
    private readonly settings: WebSocketToolSettings,
    private readonly options: SubscriptionOptions | undefined,
    private readonly registry: ConnectionRegistry,
    private readonly replies: DispatchReplies,
    private readonly admission: MessageAdmission,
    private readonly topics: TopicHistoryStore,
    private readonly stats: WsStatsService,
    private readonly deltas: TopicDeltas,
    private readonly presence: PresenceService,
    private readonly continuity: StreamContinuity,
  ) {}

  handle(connection: ClientConnection, envelope: ParsedEnvelope, id: Correlation): void {
    const type = envelope.type;
    const content = envelope.content;
    const topic = isPlainObject(content) ? content.topic : typeof content === 'string' ? content : undefined;
    if (type === SystemMessageType.Unsubscribe) {
      this.unsubscribe(connection, type, topic, id);
      return;
    }
    const since = isPlainObject(content) ? content.since : undefined;
    if (typeof topic === 'string' && isOthersPersonalTopic(this.settings.personalTopicPrefix, connection.userId, topic)) {
      this.refuseTopic(connection, type, id);
      return;
    }
    const delta = isPlainObject(content) && content.delta === true;
    // Asks for the joins and leaves of a topic whose presence events are 'on-request'.
    const joinLeave = isPlainObject(content) && content.join_leave === true;
    const canSubscribe = this.options?.canSubscribe;
    if (canSubscribe && isValidTopic(topic, this.settings.maxTopicLength)) {
      // The app decides who may listen to a topic (e.g. a task's log); until it
      // answers nothing is subscribed, so no event can leak in between.
      Promise.resolve()
        .then(() => canSubscribe(this.registry.toClient(connection), topic))
        .then(
          (allowed) =>
            allowed ? this.subscribe(connection, type, topic, id, since, delta, joinLeave) : this.refuseTopic(connection, type, id),
          () => this.refuseTopic(connection, type, id),
        );
      return;
    }
    this.subscribe(connection, type, topic, id, since, delta, joinLeave);
  }

  private unsubscribe(connection: ClientConnection, type: string, topic: unknown, id: Correlation): void {
    if (!isValidTopic(topic, this.settings.maxTopicLength)) {
      this.refuseInvalidTopic(connection, type, id);
      return;
    }
    const was = this.registry.unsubscribeConnection(connection, topic);
    this.replies.send(connection, {
      type: SystemMessageType.Unsubscribed,
      content: { topic: topic ?? null, was_subscribed: was },
      meta: id !== undefined ? { id } : {},
    });
    this.admission.succeeded(connection);
  }

  private subscribe(
    connection: ClientConnection,
    type: string,
    topic: unknown,
    id: Correlation,
    since: unknown,
    delta: boolean,
    joinLeave: boolean,
  ): void {
    if (connection.closing) return;
    const outcome = this.registry.subscribeConnection(connection, topic as string);
    if (joinLeave && connection.topics.has(topic as string)) this.presence.requestEvents(connection, topic as string);
    if (outcome === 'invalid_topic') {
      this.refuseInvalidTopic(connection, type, id);
    } else if (outcome === 'too_many_topics') {
      const text = `A connection may subscribe to at most ${this.settings.maxTopicsPerClient} topics.`;
      this.replies.error(connection, WsErrorCode.TooManyTopics, text, id, { original_type: type });
    } else if (this.topics.shared && this.topics.rule(topic as string) !== null) {
      this.resumeShared(connection, topic as string, id, since, delta);
    } else {
      const resumed = this.topics.resume(topic as string, since);
      this.stats.recordResumption(resumed.fields);
      const content = this.deltas.subscribed(connection, topic as string, delta)
        ? { topic, ...resumed.fields, delta: true }
        : { topic, ...resumed.fields };
      this.replies.send(connection, { type: SystemMessageType.Subscribed, content, meta: id !== undefined ? { id } : {} });
      for (const json of resumed.frames) this.replies.sendJson(connection, json);
      this.admission.succeeded(connection);
    }
  }

  /**
   * Cluster mode, a topic with history: subscribed already, the live messages
   * are held back while the history is read from Redis; then, in one
   * synchronous step, the answer, the replay, and the held messages the replay
   * does not cover (merged by offset: no duplicate, no gap).
   */
  private resumeShared(connection: ClientConnection, topic: string, id: Correlation, since: unknown, delta: boolean): void {
    const hold = this.topics.hold(topic, connection.clientId);
    const rule = this.topics.rule(topic) as TopicSettings;
    void this.topics.resumeShared(topic, since, rule).then((resumed) => {
      const held = this.topics.release(hold);
      if (connection.closing) return;
      this.stats.recordResumption(resumed.fields);
      // Deltas start after the replay: the next live message goes in full.
      const deltas = connection.topics.has(topic) && this.deltas.subscribed(connection, topic, delta);
      this.replies.send(connection, {
        type: SystemMessageType.Subscribed,
        content: deltas ? { topic, ...resumed.fields, delta: true } : { topic, ...resumed.fields },
        meta: id !== undefined ? { id } : {},
      });
      // Unsubscribed while the read ran, or subscribed again since (a later recovery replays): the answer only.
      if (connection.topics.has(topic) && !hold.superseded) {
        if (resumed.epoch !== null) this.continuity.seed(topic, { offset: resumed.offset, epoch: resumed.epoch });
        // A live message held meanwhile is newer than a latest value read.
        if (!(resumed.latest && held.length > 0)) for (const json of resumed.frames) this.replies.sendJson(connection, json);
        for (const message of held) {
          if (message.epoch !== resumed.epoch || message.offset > resumed.offset) this.replies.sendJson(connection, message.json);
        }
      }
      this.admission.succeeded(connection);
    });
  }

  private refuseTopic(connection: ClientConnection, type: string, id: Correlation): void {
    if (connection.closing) return;
    this.replies.error(connection, WsErrorCode.Forbidden, 'You may not subscribe to this topic.', id, { original_type: type });
  }

  private refuseInvalidTopic(connection: ClientConnection, type: string, id: Correlation): void {
    const text = `A topic is 1 to ${this.settings.maxTopicLength} characters of letters, digits and ._:@/-`;
    this.replies.error(connection, WsErrorCode.InvalidTopic, text, id, { original_type: type });
  }
}
