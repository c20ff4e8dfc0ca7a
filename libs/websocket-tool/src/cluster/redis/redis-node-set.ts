import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { nodeIdInUseMessage } from '../cluster.messages.js';
import { encodeWire, type WireHeader } from './cluster-wire.js';
import { delay } from './link-timing.js';
import type { RedisLink } from './redis-link.js';

/** Told which nodes are live. @internal */
export interface RedisNodeSetListener {
  /** A refresh read the live nodes: any other node is dead (its presence expired). */
  nodesRefreshed(live: readonly string[]): void;
  /** A node left the cluster on purpose (graceful shutdown). */
  nodeLeft(node: string): void;
}

/** How long shutdown waits for this node's leave to reach Redis. */
const SHUTDOWN_WAIT_MS = 1000;

const noop = (): void => undefined;

/**
 * The live nodes of the cluster. Each node refreshes its entry in a sorted
 * set, scored with the time it expires, every third of the presence TTL (the
 * same script gives its client hash a fresh TTL), and reads the live nodes
 * back; a node that stops refreshing is gone within the TTL. A node that
 * shuts down leaves at once and says so.
 *
 * @internal
 */
export class RedisNodeSet implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private live: readonly string[] = [];
  private readonly listeners: RedisNodeSetListener[] = [];
  private readonly logger = new Logger('WebSocketTool');
  private readonly clientsKey: string;
  private timer: NodeJS.Timeout | null = null;
  private refreshedOnce = false;

  constructor(
    private readonly link: RedisLink,
    private readonly presenceTtlMs: number,
  ) {
    this.clientsKey = link.keys.clients(link.nodeId);
    link.subscribe({
      receive: (header) => this.receive(header),
      // After the outage the outbox waits until the nodes live now listen again.
      linkDown: () => link.expectSubscribersAfterOutage(new Set([...this.live, link.nodeId]).size),
    });
  }

  /** Registers a user of the node set. */
  subscribe(listener: RedisNodeSetListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  /** The live nodes other than this one, as last read (or announced since). */
  others(): string[] {
    return this.live.filter((n) => n !== this.link.nodeId);
  }

  /** A node that just announced itself is live, even before the next refresh reads the node set. */
  noteLive(node: string): void {
    if (!this.live.includes(node)) this.live = [...this.live, node];
  }

  /** Heartbeat: refreshes this node's TTLs and reads the live nodes (this one included). */
  async refresh(): Promise<readonly string[]> {
    const pub = this.link.readyPub();
    if (!pub) return this.live;
    const [wasLive, ...live] = await pub.wstRefresh(this.link.keys.nodes, this.clientsKey, this.link.nodeId, this.presenceTtlMs);
    if (!this.refreshedOnce) {
      this.refreshedOnce = true;
      if (wasLive === '1') this.logger.warn(nodeIdInUseMessage(this.link.nodeId));
    }
    this.live = live;
    for (const listener of this.listeners) listener.nodesRefreshed(live);
    return live;
  }

  private receive(h: WireHeader): void {
    if (h.o === this.link.nodeId) return;
    if (h.k === 'j' || h.k === 's') this.noteLive(h.o);
    else if (h.k === 'y') {
      this.live = this.live.filter((n) => n !== h.o);
      for (const listener of this.listeners) listener.nodeLeft(h.o);
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh().catch(noop), Math.max(200, Math.floor(this.presenceTtlMs / 3)));
    this.timer.unref();
  }

  /** Graceful shutdown: this node's presence goes at once, so other nodes stop routing to it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    const pub = this.link.readyPub();
    this.link.markLeaving();
    if (!pub) return;
    const sent = Promise.all([
      pub.del(this.clientsKey),
      pub.zrem(this.link.keys.nodes, this.link.nodeId),
      this.link.pubsub.publish(pub, this.link.keys.channelAll, encodeWire({ k: 'y', o: this.link.nodeId })),
    ]);
    await Promise.race([sent.catch(noop), delay(SHUTDOWN_WAIT_MS)]);
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
