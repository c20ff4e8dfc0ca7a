import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { Backplane, type ClusterDelivery } from '../cluster/backplane.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import type { OutboundFrame } from '../outbound/outbound-frame.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
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
export class BroadcastService implements OnModuleInit {
  /** The backplane in cluster mode; null on a single node, which then pays nothing extra per message. */
  private readonly cluster: Backplane | null;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    @Optional() backplane?: Backplane,
  ) {
    this.cluster = backplane?.clustered ? backplane : null;
  }

  onModuleInit(): void {
    this.cluster?.onDelivery((delivery) => this.deliver(delivery));
  }

  /** Sends to every connected client (but those in `except`). */
  broadcast(message: WsOutboundMessage, options: BroadcastOptions = {}): SendResult {
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    const except = options.except ? new Set(options.except) : null;
    const result = this.fanOut(this.registry.values(), this.sender.frame(json), except);
    if (this.cluster) this.cluster.publishBroadcast(json, except ? [...except] : null);
    return result;
  }

  /** Sends to one client by id (in cluster mode, on whichever node it is connected). */
  sendToClient(clientId: string, message: WsOutboundMessage): SendResult {
    const connection = this.registry.get(clientId);
    if (!connection) return this.cluster ? this.sendToRemoteClient(this.cluster, clientId, message) : UNKNOWN_CLIENT();
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    return this.fanOut([connection], this.sender.frame(json), null);
  }

  /** Sends to every client subscribed to `topic`. */
  publish(topic: string, message: WsOutboundMessage): SendResult {
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    if (this.cluster) this.cluster.publishTopic(topic, json);
    const members = this.registry.subscribers(topic);
    if (!members) return { ok: true, queued: 0, dropped: 0 };
    return this.fanOut(members, this.sender.frame(json), null);
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

  /** A client this node does not hold: through the node that holds it, if the cluster knows one. */
  private sendToRemoteClient(cluster: Backplane, clientId: string, message: WsOutboundMessage): SendResult {
    if (cluster.locate(clientId) === undefined) return UNKNOWN_CLIENT();
    const json = this.serialize(message);
    if (json === null) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    return cluster.sendToClient(clientId, json)
      ? { ok: true, queued: 1, dropped: 0 }
      : { ok: false, queued: 0, dropped: 1, reason: 'queue_full' };
  }

  /** A message published by another node, for this node's clients: one frame, shared by all of them. */
  private deliver(delivery: ClusterDelivery): void {
    let targets: Iterable<ClientConnection> | undefined;
    let except: Set<string> | null = null;
    if (delivery.kind === 'broadcast') {
      targets = this.registry.values();
      if (delivery.except) except = new Set(delivery.except);
    } else if (delivery.kind === 'topic') {
      targets = this.registry.subscribers(delivery.topic);
    } else {
      const connection = this.registry.get(delivery.clientId);
      targets = connection ? [connection] : undefined;
    }
    if (targets) this.fanOut(targets, this.sender.frame(delivery.json), except);
  }

  /** This node's recipients, through the one sender. */
  private fanOut(targets: Iterable<ClientConnection>, frame: OutboundFrame, except: Set<string> | null): SendResult {
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
