import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { StopListening } from '../../connection/connection-listener.js';
import { ClusterPresence } from '../../cluster/presence/cluster-presence.js';
import { ClusterRequests, type ClusterReplies } from '../../cluster/requests/cluster-requests.js';
import type { ClientConnection } from '../../connection/client-connection.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { OutboundSender } from '../../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../../protocol/envelope.interface.js';
import { ACK_ID_META, REQUEST_ID_META } from '../../protocol/message-types.js';
import { serializeEnvelope } from '../../protocol/serialize-envelope.js';
import type { DeliveryCounts } from './delivery.interface.js';
import { PendingDeliveries, type DeliverySettlement } from './pending-deliveries.js';

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
}

interface FanOutArgs extends FanOutTarget {
  message: WsOutboundMessage;
  timeoutMs: number;
}

const emptyCounts = (): DeliveryCounts => ({ delivered: 0, timeout: 0, offline: 0, dropped: 0 });
const single = (status: keyof DeliveryCounts): DeliverySettlement => ({ counts: { ...emptyCounts(), [status]: 1 } });

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

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly presence: ClusterPresence,
    private readonly requests: ClusterRequests,
    private readonly pending: PendingDeliveries,
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
  }

  /** One client, wherever it is connected. */
  toClient(clientId: string, message: WsOutboundMessage, kind: DeliveryKind, timeoutMs: number): Promise<DeliverySettlement> {
    if (this.registry.has(clientId)) return this.toLocalClient(clientId, message, kind, timeoutMs);
    const node = this.presence.locate(clientId);
    if (node === undefined) return Promise.resolve(single('offline'));
    const args: ToClientArgs = { clientId, message, kind, timeoutMs };
    return this.requests.request(TO_CLIENT, args, node, timeoutMs + CLUSTER_MARGIN_MS).then((answer) => settlementOf(answer, 'timeout'));
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
    return this.send([connection], null, message, kind, timeoutMs);
  }

  private fanOutHere(args: FanOutArgs): Promise<DeliverySettlement> {
    const targets = args.topic === null ? this.registry.values() : (this.registry.subscribers(args.topic) ?? []);
    return this.send(targets, args.except ? new Set(args.except) : null, args.message, 'ack', args.timeoutMs);
  }

  /** Queues one frame, with a fresh id, for every target, and waits for their answers. */
  private send(
    targets: Iterable<ClientConnection>,
    except: ReadonlySet<string> | null,
    message: WsOutboundMessage,
    kind: DeliveryKind,
    timeoutMs: number,
  ): Promise<DeliverySettlement> {
    return new Promise<DeliverySettlement>((resolve) => {
      const pending = this.pending.open(timeoutMs, resolve);
      let json: string;
      try {
        json = serializeEnvelope({ ...message, meta: { ...message.meta, [kind === 'ack' ? ACK_ID_META : REQUEST_ID_META]: pending.id } });
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

/** Another node's tally for one client; `missing` when that node did not answer in time. */
function settlementOf(answer: ClusterReplies, missing: keyof DeliveryCounts): DeliverySettlement {
  const reply = answer.replies[0];
  if (reply?.ok && reply.value) return reply.value as DeliverySettlement;
  return single(missing);
}
