import { Logger } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import type { ClusterPresence } from '../presence/cluster-presence.js';
import { encodeWire, type WireHeader } from '../redis/cluster-wire.js';
import type { RedisLink } from '../redis/redis-link.js';
import { ClusterBroker, type ClusterDeliveryListener } from './cluster-broker.js';

/**
 * Fan-out over Redis pub/sub: one PUBLISH (SPUBLISH on a Redis Cluster) per
 * message on the cluster channel, on the topic's channel for a topic, or on
 * the holding node's channel for one client (see `RedisKeys`), the envelope
 * serialized once by the caller after a one-line header. A node's own echo
 * is dropped: it delivered locally already.
 *
 * @internal
 */
export class RedisClusterBroker extends ClusterBroker {
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: ClusterDeliveryListener[] = [];
  /** The header of a broadcast without exceptions, encoded once. */
  private readonly broadcastPrefix: string;
  /** Messages received from the other nodes since start (own echoes not counted). */
  received = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly presence: ClusterPresence,
  ) {
    super();
    this.broadcastPrefix = encodeWire({ k: 'b', o: link.nodeId });
    link.subscribe({ receive: (header, body) => this.receive(header, body) });
  }

  subscribe(listener: ClusterDeliveryListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  publishBroadcast(json: string, except: ReadonlySet<string> | null): void {
    const payload =
      except && except.size > 0 ? encodeWire({ k: 'b', o: this.link.nodeId, x: [...except] }, json) : this.broadcastPrefix + json;
    this.link.send(this.link.keys.channelAll, payload);
  }

  publishTopic(topic: string, json: string): void {
    this.link.send(this.link.keys.topicChannel(topic), encodeWire({ k: 't', o: this.link.nodeId, t: topic }, json));
  }

  publishUser(userId: string, json: string): void {
    this.link.send(this.link.keys.channelAll, encodeWire({ k: 'u', o: this.link.nodeId, u: userId }, json));
  }

  sendToClient(clientId: string, json: string): boolean {
    const holder = this.presence.locate(clientId);
    if (holder === undefined) return false;
    return this.link.send(this.link.keys.nodeChannel(holder), encodeWire({ k: 'c', o: this.link.nodeId, c: clientId }, json));
  }

  private receive(h: WireHeader, body: string): void {
    if (h.o === this.link.nodeId || (h.k !== 'b' && h.k !== 't' && h.k !== 'c' && h.k !== 'u')) return;
    this.received++;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        if (h.k === 'b') listeners[i].deliverBroadcast(body, h.x ?? null);
        else if (h.k === 't') listeners[i].deliverTopic(h.t, body);
        else if (h.k === 'u') listeners[i].deliverToUser(h.u, body);
        else listeners[i].deliverToClient(h.c, body);
      } catch (err) {
        this.logger.error(`Delivering a message from another node failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
