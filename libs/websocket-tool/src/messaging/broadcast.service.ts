import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClusterBroker, type ClusterDeliveryListener } from '../cluster/broker/cluster-broker.js';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ClusterPresence } from '../cluster/presence/cluster-presence.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { TopicHistoryStore } from '../history/topic-history-store.js';
import type { TopicHistoryPage, TopicHistoryQuery } from '../history/topic-history.interface.js';
import type { TopicSettings } from '../config/topic-options.interface.js';
import type { OutboundFrame } from '../outbound/outbound-frame.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { OfflineMailbox } from './offline-mailbox.js';
import type { SendResult } from './send-result.interface.js';

const UNKNOWN_CLIENT = (): SendResult => ({ ok: false, queued: 0, dropped: 0, reason: 'unknown_client' });

/** Options of `BroadcastService.broadcast`. @publicApi */
export interface BroadcastOptions {
  /** Client ids that should not receive the message. */
  except?: Iterable<string>;
}

/**
 * Sends messages to clients: everyone, one client, or a topic's subscribers.
 * Each message is serialized once, whatever the number of recipients, and
 * queued per client; the result says what was queued and what was dropped.
 *
 * In cluster mode a message also goes to the other nodes (one Redis publish
 * per message); this node's clients get it at once, without the round trip.
 * The result then counts this node's recipients, plus one for a client
 * reached on another node.
 *
 * @publicApi
 */
@Injectable()
export class BroadcastService implements OnModuleInit, OnModuleDestroy {
  private readonly delivery: ClusterDeliveryListener = {
    deliverBroadcast: (json, except) => this.deliverBroadcast(json, except),
    deliverTopic: (topic, json) => this.deliverTopic(topic, json),
    deliverToClient: (clientId, json) => this.deliverToClient(clientId, json),
    deliverToUser: (userId, json) => this.deliverToUser(userId, json),
  };
  private unsubscribe: Unsubscribe | null = null;
  private unlisten: Unsubscribe | null = null;

  /**
   * `broker` carries messages to and from the other nodes, `presence` knows
   * where a client of another node is; on a single node both are in memory
   * and cost one empty call per message.
   */
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly broker: ClusterBroker,
    private readonly presence: ClusterPresence,
    private readonly topics: TopicHistoryStore,
    private readonly mailbox: OfflineMailbox,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.broker.subscribe(this.delivery);
    if (this.topics.shared) {
      this.unlisten = this.topics.listen({
        deliverStamped: (topic, offset, epoch, json) => this.deliverStamped(topic, offset, epoch, json),
      });
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unlisten?.();
    this.unlisten = null;
  }

  /** Sends to every connected client (but those in `except`). */
  broadcast(message: WsOutboundMessage, options: BroadcastOptions = {}): SendResult {
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    const except = options.except ? new Set(options.except) : null;
    const result = this.fanOut(this.registry.values(), this.sender.frame(json), except);
    this.broker.publishBroadcast(json, except);
    return result;
  }

  /**
   * Sends to one client by id (in cluster mode, on whichever node it is connected). With the `mailbox`
   * option, a named client connected nowhere gets the message when it connects again: `kept: 1`.
   */
  sendToClient(clientId: string, message: WsOutboundMessage): SendResult {
    const connection = this.registry.get(clientId);
    if (!connection) return this.sendToRemoteClient(clientId, message);
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    if (this.mailbox.holding !== 0 || connection.closing) return this.sendBehindMailbox(connection, json);
    return this.fanOut([connection], this.sender.frame(json), null);
  }

  /**
   * Sends to every connection of one user (the identity's `userId`, the JWT
   * `sub`), on every node: one user with three tabs gets it three times, once
   * per tab. The result counts this node's connections; in cluster mode the
   * message also goes to the other nodes (one Redis publish), whose
   * connections are not counted.
   */
  sendToUser(userId: string, message: WsOutboundMessage): SendResult {
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    this.broker.publishUser(userId, json);
    const mine = this.registry.connectionsOf(userId);
    if (!mine) return { ok: true, queued: 0, dropped: 0 };
    return this.fanOut(mine, this.sender.frame(json), null);
  }

  /**
   * Sends to every client subscribed to `topic`. A topic with history (the
   * `topics` option) keeps the message and stamps its `meta` with `topic`,
   * `offset` and `epoch`; a latest-value topic keeps it as its last value.
   *
   * In cluster mode a topic with history is stamped in Redis, which sends it
   * to every node in one order; this node's subscribers get it when it comes
   * back (one round trip), like everyone else's. The result then counts this
   * node's subscribers at call time as `queued`; when Redis is unreachable
   * nothing is kept nor sent: `ok: false`, `reason: 'history_unavailable'`,
   * those subscribers counted as `dropped`.
   */
  publish(topic: string, message: WsOutboundMessage): SendResult {
    const rule = this.topics.rule(topic);
    if (rule !== null && this.topics.shared && rule.history !== null) return this.publishShared(topic, message, rule);
    const json = rule === null ? this.serialize(message) : this.topics.record(topic, message, rule);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    this.broker.publishTopic(topic, json);
    const members = this.registry.subscribers(topic);
    if (!members) return { ok: true, queued: 0, dropped: 0 };
    // A latest-value topic in cluster mode: subscribers reading its last value get this after it.
    const held = rule !== null && this.topics.shared ? this.topics.capture(topic, 0, '', json) : null;
    return this.fanOut(members, this.sender.frame(json), held);
  }

  /**
   * The messages a topic with history keeps on this node, oldest first, as
   * they were sent: those after `since` (an offset), at most `limit`; without
   * `since`, the last `limit`. Null for a topic without history. In cluster
   * mode it reads Redis (the history every node shares) and rejects when
   * Redis fails or does not answer in time.
   */
  history(topic: string, query: TopicHistoryQuery = {}): Promise<TopicHistoryPage | null> {
    if (this.topics.shared) return this.topics.sharedHistory(topic, query);
    return Promise.resolve(this.topics.history(topic, query));
  }

  /** The original plugin's entry point: to one client when `clientId` is given, else to all. */
  notify(message: WsOutboundMessage, clientId?: string | null): SendResult {
    return clientId ? this.sendToClient(clientId, message) : this.broadcast(message);
  }

  private serialize(message: WsOutboundMessage): string | null {
    try {
      return serializeEnvelope(message);
    } catch {
      return null;
    }
  }

  /** A client this node does not hold: through the node that holds it, if the cluster knows one, else to its mailbox. */
  private sendToRemoteClient(clientId: string, message: WsOutboundMessage): SendResult {
    if (this.presence.locate(clientId) === undefined) return this.keep(clientId, message);
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    return this.broker.sendToClient(clientId, json)
      ? { ok: true, queued: 1, dropped: 0 }
      : { ok: false, queued: 0, dropped: 1, reason: 'queue_full' };
  }

  /** A client connected nowhere: its mailbox keeps the message, when the option is on. */
  private keep(clientId: string, message: WsOutboundMessage): SendResult {
    if (!this.mailbox.enabled) return UNKNOWN_CLIENT();
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    return this.mailbox.keep(clientId, json) ? { ok: true, queued: 0, dropped: 0, kept: 1 } : UNKNOWN_CLIENT();
  }

  /**
   * A client whose mailbox is being taken (its messages wait behind the kept ones), or whose connection is
   * closing (its mailbox keeps the message, when the option is on).
   */
  private sendBehindMailbox(connection: ClientConnection, json: string): SendResult {
    if (this.mailbox.hold(connection.clientId, json)) return { ok: true, queued: 1, dropped: 0 };
    if (connection.closing && connection.named && this.mailbox.keep(connection.clientId, json)) {
      return { ok: true, queued: 0, dropped: 0, kept: 1 };
    }
    return this.fanOut([connection], this.sender.frame(json), null);
  }

  /** A broadcast published by another node, for this node's clients: one frame, shared by all of them. */
  private deliverBroadcast(json: string, except: readonly string[] | null): void {
    this.fanOut(this.registry.values(), this.sender.frame(json), except ? new Set(except) : null);
  }

  private publishShared(topic: string, message: WsOutboundMessage, rule: TopicSettings): SendResult {
    const frame = this.topics.stamp(topic, message);
    if (frame === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    const local = this.registry.subscribers(topic)?.size ?? 0;
    if (!this.topics.publishShared(topic, frame, rule)) return { ok: false, queued: 0, dropped: local, reason: 'history_unavailable' };
    return { ok: true, queued: local, dropped: 0 };
  }

  /** A stamped message of a topic with history (any node's, this one's included), for this node's subscribers. */
  private deliverStamped(topic: string, offset: number, epoch: string, json: string): void {
    const members = this.registry.subscribers(topic);
    if (!members) return;
    // Subscribers whose recovery is being read get it after their replay instead.
    this.fanOut(members, this.sender.frame(json), this.topics.capture(topic, offset, epoch, json));
  }

  private deliverTopic(topic: string, json: string): void {
    const members = this.registry.subscribers(topic);
    // Subscribers reading a latest value in cluster mode get this after it (no lookup unless one is).
    if (members) this.fanOut(members, this.sender.frame(json), this.topics.capture(topic, 0, '', json));
  }

  /** A message another node sent to a client of this node: one that left meanwhile gets it in its mailbox. */
  private deliverToClient(clientId: string, json: string): void {
    const connection = this.registry.get(clientId);
    if (!connection) this.mailbox.keep(clientId, json);
    else if (this.mailbox.holding !== 0 || connection.closing) this.sendBehindMailbox(connection, json);
    else this.fanOut([connection], this.sender.frame(json), null);
  }

  /** A message another node sent to one user: its connections here. */
  private deliverToUser(userId: string, json: string): void {
    const mine = this.registry.connectionsOf(userId);
    if (mine) this.fanOut(mine, this.sender.frame(json), null);
  }

  /** This node's recipients, through the one sender. */
  private fanOut(targets: Iterable<ClientConnection>, frame: OutboundFrame, except: ReadonlySet<string> | null): SendResult {
    // Made with its final shape; `reason` stays undefined unless something was dropped.
    const result: SendResult = { ok: true, queued: 0, dropped: 0, reason: undefined };
    this.sender.deliver(targets, frame, except, result);
    if (result.dropped > 0) {
      result.ok = false;
      result.reason = 'queue_full';
    }
    return result;
  }
}
