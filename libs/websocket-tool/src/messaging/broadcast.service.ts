import { Injectable } from '@nestjs/common';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { OutboundFrame } from '../connection/outbound-frame.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import type { SendResult } from './send-result.interface.js';

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
 * @publicApi
 */
@Injectable()
export class BroadcastService {
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly queue: OutboundQueue,
  ) {}

  /** Sends to every connected client (but those in `except`). */
  broadcast(message: WsOutboundMessage, options: BroadcastOptions = {}): SendResult {
    const frame = this.frame(message);
    if (!frame) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    const except = options.except ? new Set(options.except) : null;
    return this.fanOut(this.registry.values(), frame, except);
  }

  /** Sends to one client by id. */
  sendToClient(clientId: string, message: WsOutboundMessage): SendResult {
    const connection = this.registry.get(clientId);
    if (!connection) return { ok: false, queued: 0, dropped: 0, reason: 'unknown_client' };
    const frame = this.frame(message);
    if (!frame) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    return this.fanOut([connection], frame, null);
  }

  /** Sends to every client subscribed to `topic`. */
  publish(topic: string, message: WsOutboundMessage): SendResult {
    const frame = this.frame(message);
    if (!frame) return { ok: false, queued: 0, dropped: 0, reason: 'not_serializable' };
    const members = this.registry.subscribers(topic);
    if (!members) return { ok: true, queued: 0, dropped: 0 };
    return this.fanOut(members, frame, null);
  }

  /** The original plugin's entry point: to one client when `clientId` is given, else to all. */
  notify(message: WsOutboundMessage, clientId?: string | null): SendResult {
    return clientId ? this.sendToClient(clientId, message) : this.broadcast(message);
  }

  private frame(message: WsOutboundMessage): OutboundFrame | null {
    try {
      return new OutboundFrame(serializeEnvelope(message), Date.now());
    } catch {
      return null;
    }
  }

  private fanOut(targets: Iterable<ClientConnection>, frame: OutboundFrame, except: Set<string> | null): SendResult {
    let queued = 0;
    let dropped = 0;
    for (const connection of targets) {
      if (except?.has(connection.clientId)) continue;
      const outcome = this.queue.enqueue(connection, frame);
      if (outcome === 'queued') queued++;
      else if (outcome !== 'closed') dropped++;
    }
    return dropped > 0 ? { ok: false, queued, dropped, reason: 'queue_full' } : { ok: true, queued, dropped };
  }
}
