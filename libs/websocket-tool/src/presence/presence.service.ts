import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ClusterTopicPresence } from '../cluster/topic-presence/cluster-topic-presence.js';
import type { PresenceMember, PresenceStats } from '../cluster/topic-presence/presence-member.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import { isPlainObject } from '../protocol/json-guards.js';
import { SystemMessageType } from '../protocol/message-types.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import type { PresenceOptions } from './presence-options.interface.js';
import { PresenceRules } from './presence-rules.js';
import { WsStatsService } from '../stats/ws-stats.service.js';

/**
 * Who is in the topics with presence (the `presence` of a `topics` entry):
 * every subscriber is a member, with its user and the info the app attached
 * (`presenceInfo`). `presence(topic)` lists them and `presenceStats(topic)`
 * counts them, over every node in cluster mode. With presence events on, the
 * topic's subscribers are told `system.presence.join` and
 * `system.presence.leave` (a member is not told of its own join).
 *
 * A topic without presence costs one cached lookup per subscribe and
 * unsubscribe; nothing at all when no entry has presence.
 *
 * @publicApi
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly rules: PresenceRules;
  private readonly stops: Unsubscribe[] = [];
  /** This node's members per topic (their sums are in the stats, for the metrics). */
  private readonly localTopics = new Map<string, number>();
  /** This node's subscribers that asked for the joins and leaves of a topic with `events: 'on-request'`. */
  private readonly listeners = new Map<string, Set<ClientConnection>>();

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    @Inject(WEBSOCKET_TOOL_MODULE_OPTIONS) private readonly options: PresenceOptions,
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly cluster: ClusterTopicPresence,
    private readonly stats: WsStatsService,
  ) {
    this.rules = new PresenceRules(settings.topics);
  }

  onModuleInit(): void {
    if (this.rules.empty) return;
    this.stops.push(
      this.registry.listen({
        subscribed: (connection, topic) => this.joined(connection, topic),
        unsubscribed: (connection, topic) => this.left(connection, topic),
      }),
      this.cluster.subscribe({
        joined: (topic, member) => this.tell(SystemMessageType.PresenceJoin, topic, member),
        left: (topic, member) => this.tell(SystemMessageType.PresenceLeave, topic, member),
      }),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /**
   * A subscriber of `topic` asks for its joins and leaves (`join_leave: true`): it hears them from now on if the
   * topic's events are `'on-request'` (with `events: true` it hears them anyway, otherwise nobody does).
   *
   * @internal
   */
  requestEvents(connection: ClientConnection, topic: string): void {
    if (this.rules.match(topic)?.events !== 'on-request') return;
    let listeners = this.listeners.get(topic);
    if (!listeners) {
      listeners = new Set();
      this.listeners.set(topic, listeners);
    }
    listeners.add(connection);
  }

  /** True when `topic` has presence (a `topics` entry with `presence`). */
  has(topic: string): boolean {
    return this.rules.match(topic) !== null;
  }

  /**
   * The members of a topic with presence, on every node; null for a topic
   * without presence. In cluster mode it reads Redis and rejects when Redis
   * cannot be reached.
   */
  async presence(topic: string): Promise<PresenceMember[] | null> {
    return this.has(topic) ? this.cluster.members(topic) : null;
  }

  /** How many members and distinct users a topic with presence has, on every node; null for a topic without presence. */
  async presenceStats(topic: string): Promise<PresenceStats | null> {
    return this.has(topic) ? this.cluster.stats(topic) : null;
  }

  private joined(connection: ClientConnection, topic: string): void {
    if (this.rules.match(topic) === null) return;
    this.localTopics.set(topic, (this.localTopics.get(topic) ?? 0) + 1);
    this.stats.presenceMembers++;
    this.stats.presenceTopics = this.localTopics.size;
    this.cluster.join(topic, {
      clientId: connection.clientId,
      userId: connection.userId,
      info: this.info(connection, topic),
      node: this.cluster.node,
      joinedAt: Date.now(),
    });
  }

  private left(connection: ClientConnection, topic: string): void {
    if (this.rules.match(topic) === null) return;
    const listeners = this.listeners.get(topic);
    if (listeners?.delete(connection) && listeners.size === 0) this.listeners.delete(topic);
    const left = (this.localTopics.get(topic) ?? 1) - 1;
    if (left > 0) this.localTopics.set(topic, left);
    else this.localTopics.delete(topic);
    this.stats.presenceMembers--;
    this.stats.presenceTopics = this.localTopics.size;
    this.cluster.leave(topic, connection.clientId);
  }

  private info(connection: ClientConnection, topic: string): Record<string, unknown> {
    const attach = this.options?.presenceInfo;
    if (!attach) return {};
    try {
      const info = attach(this.registry.toClient(connection), topic);
      return isPlainObject(info) ? info : {};
    } catch {
      return {};
    }
  }

  /** A join or leave on any node, for this node's subscribers of the topic when its events are on (or those who asked). */
  private tell(type: string, topic: string, member: PresenceMember): void {
    const events = this.rules.match(topic)?.events;
    if (!events) return;
    const subscribers = events === true ? this.registry.subscribers(topic) : this.listeners.get(topic);
    if (!subscribers) return;
    const json = serializeEnvelope({ type, content: { topic, member } });
    this.sender.deliver(subscribers, this.sender.frame(json), new Set([member.clientId]), { queued: 0, dropped: 0 });
  }
}
