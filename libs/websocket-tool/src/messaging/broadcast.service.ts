import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClusterBroker, type ClusterDeliveryListener } from '../cluster/broker/cluster-broker.js';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ClusterDedup } from '../cluster/dedup/cluster-dedup.js';
import { ClusterPresence } from '../cluster/presence/cluster-presence.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { StreamContinuity } from '../history/stream-continuity.service.js';
import { TopicHistoryStore } from '../history/topic-history-store.js';
import type { TopicHistoryPage, TopicHistoryQuery } from '../history/topic-history.interface.js';
import type { TopicSettings } from '../config/topic-options.interface.js';
import type { OutboundFrame } from '../outbound/outbound-frame.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { AcknowledgedDelivery } from './delivery/acknowledged-delivery.js';
import { receiptOf, replyOf } from './delivery/delivery-outcome.js';
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_WINDOW_MS,
  type AckOptions,
  type IdempotencyOptions,
  type ClientRequestOptions,
  type DeliveryCounts,
  type DeliveryReceipt,
} from './delivery/delivery.interface.js';
import { TopicDeltas } from './delivery/topic-deltas.js';
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
    private readonly acked: AcknowledgedDelivery,
    private readonly dedup: ClusterDedup,
    private readonly deltas: TopicDeltas,
    private readonly continuity: StreamContinuity,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.broker.subscribe(this.delivery);
    if (this.topics.shared) {
      this.unlisten = this.topics.listen({
        deliverStamped: (topic, offset, epoch, json, ackId) => this.deliverStamped(topic, offset, epoch, json, ackId),
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
  broadcast(message: WsOutboundMessage, options?: BroadcastOptions): SendResult;
  /**
   * With `ack: true`: sends to every connected client of the cluster (but those in `except`) and resolves,
   * once each has acknowledged, left or timed out, with how many ended in each outcome.
   */
  broadcast(message: WsOutboundMessage, options: BroadcastOptions & AckOptions): Promise<DeliveryCounts>;
  /** With `idempotencyKey`: sends once per key within the window, cluster-wide; a repeat answers `duplicate: true`. */
  broadcast(message: WsOutboundMessage, options: BroadcastOptions & IdempotencyOptions): Promise<SendResult>;
  broadcast(
    message: WsOutboundMessage,
    options: BroadcastOptions & Partial<AckOptions> & Partial<IdempotencyOptions> = {},
  ): SendResult | Promise<DeliveryCounts> | Promise<SendResult> {
    if (options.idempotencyKey !== undefined) {
      const { idempotencyKey, idempotencyWindowMs, ...rest } = options;
      return this.once(`b:${idempotencyKey}`, idempotencyWindowMs, () => this.broadcast(message, { except: rest.except }));
    }
    if (options.ack) {
      const except = options.except ? Array.from(options.except) : null;
      return this.acked.fanOut({ topic: null, except }, message, options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
    }
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
  sendToClient(clientId: string, message: WsOutboundMessage): SendResult;
  /**
   * With `ack: true`: resolves with `delivered` once the client SDK acknowledged the message, `kept` at once
   * when the client is connected nowhere and the `mailbox` option kept it, `offline` when it is connected
   * nowhere otherwise or leaves first, `timeout` at the deadline, or `dropped` with the reason. In cluster
   * mode the node holding the client sends it and keeps the deadline.
   */
  sendToClient(clientId: string, message: WsOutboundMessage, options: AckOptions): Promise<DeliveryReceipt>;
  sendToClient(clientId: string, message: WsOutboundMessage, options?: AckOptions): SendResult | Promise<DeliveryReceipt> {
    if (options?.ack) {
      if (this.mailbox.enabled && !this.registry.has(clientId) && this.presence.locate(clientId) === undefined) {
        const kept = this.keep(clientId, message);
        return Promise.resolve({ status: kept.kept === 1 ? 'kept' : 'offline' });
      }
      return this.acked.toClient(clientId, message, 'ack', options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS).then(receiptOf);
    }
    const connection = this.registry.get(clientId);
    if (!connection) return this.sendToRemoteClient(clientId, message);
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    if (this.mailbox.holding !== 0 || connection.closing) return this.sendBehindMailbox(connection, json);
    return this.fanOut([connection], this.sender.frame(json), null);
  }

  /**
   * Sends a request to one client, wherever it is connected, and resolves with what the client's
   * `handle(type, fn)` handler returned. Rejects with `ClientRequestError`: `timeout`, `offline` (connected
   * nowhere, or left before replying), `dropped`, or `client_error` (no handler, or the handler failed).
   */
  request<TReply = unknown>(clientId: string, message: WsOutboundMessage, options: ClientRequestOptions = {}): Promise<TReply> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    return this.acked
      .toClient(clientId, message, 'request', timeoutMs)
      .then((settlement) => replyOf<TReply>(settlement, clientId, timeoutMs));
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
  publish(topic: string, message: WsOutboundMessage): SendResult;
  /**
   * With `ack: true`: sends to the topic's subscribers on every node and resolves, once each has
   * acknowledged, left or timed out, with how many ended in each outcome. A topic with history keeps the
   * message with its offset, as any publish (in cluster mode it goes through Redis in the topic's order).
   */
  publish(topic: string, message: WsOutboundMessage, options: AckOptions): Promise<DeliveryCounts>;
  /**
   * With `idempotencyKey`: sends once per key and topic within the window, cluster-wide (Redis `SET NX`;
   * this node's memory while Redis cannot answer); a repeat answers `duplicate: true`. Resolves after the
   * check, so it may leave after a plain `publish` called later.
   */
  publish(topic: string, message: WsOutboundMessage, options: IdempotencyOptions): Promise<SendResult>;
  publish(
    topic: string,
    message: WsOutboundMessage,
    options?: AckOptions | IdempotencyOptions,
  ): SendResult | Promise<DeliveryCounts> | Promise<SendResult> {
    if (options && 'idempotencyKey' in options) {
      return this.once(`t:${topic}:${options.idempotencyKey}`, options.idempotencyWindowMs, () => this.publish(topic, message));
    }
    if (options?.ack) return this.acked.publish(topic, message, options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
    const rule = this.topics.rule(topic);
    if (rule !== null && this.topics.shared && rule.history !== null) return this.publishShared(topic, message, rule);
    const delta = this.deltas.active && this.deltas.has(topic);
    if (delta) message = this.deltas.stamp(topic, message);
    const json = rule === null ? this.serialize(message) : this.topics.record(topic, message, rule);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    this.broker.publishTopic(topic, json);
    const members = this.registry.subscribers(topic);
    if (!members) return { ok: true, queued: 0, dropped: 0 };
    // A latest-value topic in cluster mode: subscribers reading its last value get this after it.
    const held = rule !== null && this.topics.shared ? this.topics.capture(topic, 0, '', json) : null;
    return delta ? this.fanOutDeltas(topic, members, json, held) : this.fanOut(members, this.sender.frame(json), held);
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

  /** Runs `send` when `key` is new within its window, cluster-wide. */
  private async once(key: string, windowMs: number | undefined, send: () => SendResult): Promise<SendResult> {
    if (!(await this.dedup.claim(key, windowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS)))
      return { ok: true, queued: 0, dropped: 0, duplicate: true };
    return send();
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

  /**
   * A stamped message of a topic with history (any node's, this one's included), for this node's subscribers;
   * with `ackId`, an acknowledged publish (each node tallies its own subscribers, none included).
   */
  private deliverStamped(topic: string, offset: number, epoch: string, json: string, ackId?: string): void {
    let members = this.registry.subscribers(topic);
    // A message past a gap in this node's stream goes to none of the subscribers it unsubscribed: they recover it.
    if (members && !this.continuity.follow(topic, offset, epoch)) members = this.registry.subscribers(topic);
    // Subscribers whose recovery is being read get it after their replay instead.
    const held = members ? this.topics.capture(topic, offset, epoch, json) : null;
    if (ackId !== undefined) {
      this.acked.deliverStamped(ackId, json, members ?? [], held);
      return;
    }
    if (!members) return;
    if (this.deltas.active && this.deltas.has(topic)) this.fanOutDeltas(topic, members, json, held, offset, epoch);
    else this.fanOut(members, this.sender.frame(json), held);
  }

  private deliverTopic(topic: string, json: string): void {
    const members = this.registry.subscribers(topic);
    // Subscribers reading a latest value in cluster mode get this after it (no lookup unless one is).
    if (!members) return;
    const held = this.topics.capture(topic, 0, '', json);
    if (this.deltas.active && this.deltas.has(topic)) this.fanOutDeltas(topic, members, json, held);
    else this.fanOut(members, this.sender.frame(json), held);
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

  /**
   * A topic with deltas: the subscribers that asked for them may get a delta instead of the message. With an
   * `offset` (history in Redis), only against the message of the offset before it in the same epoch.
   */
  private fanOutDeltas(
    topic: string,
    members: Iterable<ClientConnection>,
    json: string,
    except: ReadonlySet<string> | null,
    offset?: number,
    epoch?: string,
  ): SendResult {
    const result: SendResult = { ok: true, queued: 0, dropped: 0, reason: undefined };
    this.deltas.deliver(topic, json, members, except, result, offset === undefined ? null : { offset, epoch: epoch as string });
    if (result.dropped > 0) {
      result.ok = false;
      result.reason = 'queue_full';
    }
    return result;
  }

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
