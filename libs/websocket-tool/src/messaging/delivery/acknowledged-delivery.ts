import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { StopListening } from '../../connection/connection-listener.js';
import { ClusterPresence } from '../../cluster/presence/cluster-presence.js';
import { ClusterRequests, type ClusterReplies } from '../../cluster/requests/cluster-requests.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { TopicHistoryStore } from '../../history/topic-history-store.js';
import { OutboundSender } from '../../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { ACK_ID_META, REQUEST_ID_META } from '../../protocol/message-types.js';
import { serializeEnvelope } from '../../protocol/serialize-envelope.js';
import type { DeliveryCounts } from './delivery.interface.js';
import { PendingDeliveries, type DeliverySettlement } from './pending-deliveries.js';
import { StampedAcks } from './stamped-acks.js';
import { TopicDeltas } from './topic-deltas.js';

/** The cluster requests this service answers: one client of this node, and this node's share of a fan-out. */
const TO_CLIENT = 'delivery.client';
const FAN_OUT = 'delivery.fanout';
/** What a node waits beyond the clients' deadline for another node's tally to come back over Redis. */
const CLUSTER_MARGIN_MS = 1_000;

/** Which `meta` key carries the id the client echoes: an acknowledgement, or a request's reply. */
export type DeliveryKind = 'ack' | 'request';

interface ToClientArgs {
  clientId: string;
  message: WsOutboundMessage;
  kind: DeliveryKind;
  timeoutMs: number;
}

/** Who a fan-out reaches on each node: a topic's subscribers, or everyone (but `except`). */
export interface FanOutTarget {
  topic: string | null;
  except: string[] | null;
  /**
   * A publish to a topic whose history is in Redis: the message goes through the history's stream under
   * this id (see `stampedId`); each node tallies the copy it sent then.
   */
  stamped?: string;
}

interface FanOutArgs extends FanOutTarget {
  message: WsOutboundMessage;
  timeoutMs: number;
}

const emptyCounts = (): DeliveryCounts => ({ delivered: 0, timeout: 0, offline: 0, dropped: 0 });
const single = (status: keyof DeliveryCounts): DeliverySettlement => ({ counts: { ...emptyCounts(), [status]: 1 } });
/** Where a stamped frame's `meta` ends: it is the last field but `timestamp` (see `stampableFrame`). */
const META_END = '},"timestamp":';

/**
 * Acknowledged sends and server requests: the message carries an id (`meta.ack_id` or `meta.request_id`)
 * the client SDK echoes in `system.ack` or `system.reply`, and the call resolves with what each recipient
 * did. A client of another node is reached through `ClusterRequests`: that node sends, waits and answers
 * with its tally, so the deadline is kept where the client is.
 *
 * @internal
 */
@Injectable()
export class AcknowledgedDelivery implements OnModuleInit, OnModuleDestroy {
  private stop: StopListening | null = null;
  private readonly stamped = new StampedAcks();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly presence: ClusterPresence,
    private readonly requests: ClusterRequests,
    private readonly pending: PendingDeliveries,
    private readonly topics: TopicHistoryStore,
    private readonly deltas: TopicDeltas,
  ) {}

  onModuleInit(): void {
    // Every connection that leaves, a replaced one (same client id connected again) included.
    this.stop = this.registry.listen({ disconnected: (connection) => this.pending.connectionLeft(connection) });
    this.requests.handle(TO_CLIENT, (args) => {
      const a = args as ToClientArgs;
      return this.toLocalClient(a.clientId, a.message, a.kind, a.timeoutMs);
    });
    this.requests.handle(FAN_OUT, (args) => this.fanOutHere(args as FanOutArgs));
  }

  onModuleDestroy(): void {
    this.stop?.();
    this.stop = null;
    this.stamped.clear();
  }

  /**
   * A cluster-wide id for an acknowledged publish through a topic's shared history. It carries the deadline
   * (`<timeoutMs>:<uuid>`), which the nodes that receive the message need before the tally request comes.
   */
  private stampedId(timeoutMs: number): string {
    return `${Math.max(0, Math.floor(timeoutMs))}:${randomUUID()}`;
  }

  /**
   * A stamped message of an acknowledged publish came back from Redis: sends it, with this node's own ack
   * id in `meta`, to `targets` (but `except`), and keeps the tally for the publisher's request.
   */
  deliverStamped(ackId: string, json: string, targets: Iterable<ClientConnection>, except: ReadonlySet<string> | null): void {
    const timeoutMs = Number.parseInt(ackId, 10) || 0;
    const end = json.lastIndexOf(META_END);
    const tally =
      end < 0
        ? Promise.resolve<DeliverySettlement>({ counts: emptyCounts() })
        : this.send(targets, except, (id) => `${json.slice(0, end)},"${ACK_ID_META}":${JSON.stringify(id)}${json.slice(end)}`, timeoutMs);
    this.stamped.arrived(ackId, tally, timeoutMs + CLUSTER_MARGIN_MS);
  }

  /** One client, wherever it is connected. */
  toClient(clientId: string, message: WsOutboundMessage, kind: DeliveryKind, timeoutMs: number): Promise<DeliverySettlement> {
    if (this.registry.has(clientId)) return this.toLocalClient(clientId, message, kind, timeoutMs);
    const node = this.presence.locate(clientId);
    if (node === undefined) return Promise.resolve(single('offline'));
    const args: ToClientArgs = { clientId, message, kind, timeoutMs };
    return this.requests.request(TO_CLIENT, args, node, timeoutMs + CLUSTER_MARGIN_MS).then((answer) => settlementOf(answer, 'timeout'));
  }

  /**
   * `publish(topic, message, { ack: true })`. A topic that keeps its messages keeps this one first, as any
   * publish (its frame then carries `topic`, `offset` and `epoch`); with the history in Redis, each node sends
   * it when it comes back stamped (`deliverStamped`), in the topic's one order.
   */
  publish(topic: string, message: WsOutboundMessage, timeoutMs: number): Promise<DeliveryCounts> {
    const rule = this.topics.rule(topic);
    if (rule === null) return this.fanOut({ topic, except: null }, message, timeoutMs);
    const unsent = (): Promise<DeliveryCounts> =>
      Promise.resolve({ ...emptyCounts(), dropped: this.registry.subscribers(topic)?.size ?? 0 });
    // Deltas resume after it, from a message in full.
    this.deltas.forget(topic);
    if (this.topics.shared && rule.history !== null) {
      const frame = this.topics.stamp(topic, message);
      const stamped = this.stampedId(timeoutMs);
      if (frame === null || !this.topics.publishShared(topic, frame, rule, stamped)) return unsent();
      return this.fanOut({ topic, except: null, stamped }, message, timeoutMs);
    }
    const json = this.topics.record(topic, message, rule);
    if (json === null) return unsent();
    const { type, content, meta } = JSON.parse(json) as WsOutboundMessage;
    return this.fanOut({ topic, except: null }, { type, content, meta }, timeoutMs);
  }

  /** Every node's recipients (this node's included), tallied together. */
  async fanOut(target: FanOutTarget, message: WsOutboundMessage, timeoutMs: number): Promise<DeliveryCounts> {
    const args: FanOutArgs = { ...target, message, timeoutMs };
    const answer = await this.requests.request(FAN_OUT, args, undefined, timeoutMs + CLUSTER_MARGIN_MS);
    const total = emptyCounts();
    for (const reply of answer.replies) {
      const counts = reply.ok ? (reply.value as DeliverySettlement | null)?.counts : undefined;
      if (!counts) continue;
      total.delivered += counts.delivered;
      total.timeout += counts.timeout;
      total.offline += counts.offline;
      total.dropped += counts.dropped;
    }
    return total;
  }

  private toLocalClient(clientId: string, message: WsOutboundMessage, kind: DeliveryKind, timeoutMs: number): Promise<DeliverySettlement> {
    const connection = this.registry.get(clientId);
    if (!connection || connection.closing) return Promise.resolve(single('offline'));
    return this.send([connection], null, withId(message, kind), timeoutMs);
  }

  private fanOutHere(args: FanOutArgs): Promise<DeliverySettlement> {
    if (args.stamped !== undefined) return this.stamped.tally(args.stamped, args.timeoutMs + CLUSTER_MARGIN_MS);
    const targets = args.topic === null ? this.registry.values() : (this.registry.subscribers(args.topic) ?? []);
    return this.send(targets, args.except ? new Set(args.except) : null, withId(args.message, 'ack'), args.timeoutMs);
  }

  /** Queues one frame, with a fresh id (`build` writes it in; it throws when the message cannot be serialized), for every target, and waits for their answers. */
  private send(
    targets: Iterable<ClientConnection>,
    except: ReadonlySet<string> | null,
    build: (id: string) => string,
    timeoutMs: number,
  ): Promise<DeliverySettlement> {
    return new Promise<DeliverySettlement>((resolve) => {
      const pending = this.pending.open(timeoutMs, resolve);
      let json: string;
      try {
        json = build(pending.id);
      } catch {
        pending.settlement.counts.dropped++;
        pending.settlement.reason = 'not_serializable';
        pending.seal();
        return;
      }
      const frame = this.sender.frame(json);
      for (const connection of targets) {
        if (except !== null && except.has(connection.clientId)) continue;
        const outcome = this.sender.deliverTo(connection, frame);
        if (outcome === 'queued') {
          this.pending.expect(pending, connection);
        } else if (outcome === 'closed') {
          pending.settlement.counts.offline++;
        } else {
          pending.settlement.counts.dropped++;
          pending.settlement.reason = 'queue_full';
        }
      }
      pending.seal();
    });
  }
}

/** The frame of `message` with the id the client echoes, as `kind` says. */
function withId(message: WsOutboundMessage, kind: DeliveryKind): (id: string) => string {
  const key = kind === 'ack' ? ACK_ID_META : REQUEST_ID_META;
  return (id) => serializeEnvelope({ ...message, meta: { ...message.meta, [key]: id } });
}

/** Another node's tally for one client; `missing` when that node did not answer in time. */
function settlementOf(answer: ClusterReplies, missing: keyof DeliveryCounts): DeliverySettlement {
  const reply = answer.replies[0];
  if (reply?.ok && reply.value) return reply.value as DeliverySettlement;
  return single(missing);
}
