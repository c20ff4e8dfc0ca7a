import { Logger } from '@nestjs/common';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { encodeWire, type WireHeader } from '../redis/cluster-wire.js';
import type { RedisLink } from '../redis/redis-link.js';
import type { RedisNodeSet } from '../redis/redis-node-set.js';
import { ClusterPresence, type ClusterTakeoverListener } from './cluster-presence.js';
import { parsePresenceEntry, presenceEntry } from './presence-entry.js';
import { RemoteClients } from './remote-clients.js';

/** A client of this node, as announced to the others. */
interface LocalPresence {
  /** Announcement number, to recognise its echo. */
  seq: number;
  at: number;
  named: boolean;
  /** True once its announcement came back from Redis: a later announcement by another node is newer. */
  echoed: boolean;
}

/** A join or leave of another node's client, seen while that node's client hash was being read. */
type PresenceChange = { clientId: string; at: number } | { clientId: string; left: true };

/** Presence entries written per HSET when a node rewrites its presence. */
const PRESENCE_BATCH = 1000;

const noop = (): void => undefined;

/**
 * Presence over Redis. Each node keeps its clients in a hash whose TTL the
 * node set refreshes, and announces joins and leaves on the cluster channel;
 * every node keeps a map of the clients of the others. After a reconnection
 * (announcements may have been lost) a node writes its hash again in full
 * and the others read it back.
 *
 * @internal
 */
export class RedisClusterPresence extends ClusterPresence {
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: ClusterTakeoverListener[] = [];
  private readonly local = new Map<string, LocalPresence>();
  private readonly remote = new RemoteClients();
  /** For each node whose client hash is being read: the changes announced meanwhile, replayed over the read. */
  private readonly reloading = new Map<string, PresenceChange[][]>();
  private readonly clientsKey: string;
  private seq = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly nodes: RedisNodeSet,
    private readonly presenceTtlMs: number,
  ) {
    super();
    this.clientsKey = link.keys.clients(link.nodeId);
    link.subscribe({
      receive: (header) => this.receive(header),
      pubReady: () => void this.rewritePresence(),
      linkUp: () => void this.reloadAll(),
    });
    nodes.subscribe({
      nodesRefreshed: (live) => this.remote.keepNodes(live),
      nodeLeft: (node) => this.remote.forgetNode(node),
    });
  }

  subscribe(listener: ClusterTakeoverListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  get remoteClients(): number {
    return this.remote.size;
  }

  locate(clientId: string): string | undefined {
    return this.remote.locate(clientId);
  }

  clientAdded(clientId: string, named: boolean, connectedAt: number): void {
    const seq = ++this.seq;
    this.local.set(clientId, { seq, at: connectedAt, named, echoed: false });
    const pub = this.link.readyPub();
    if (!pub) return;
    const announcement = encodeWire({ k: 'j', o: this.link.nodeId, c: clientId, s: seq, at: connectedAt, n: named });
    pub
      .wstJoin(this.clientsKey, clientId, presenceEntry(connectedAt, named), this.presenceTtlMs, this.link.keys.channelAll, announcement)
      .catch(noop);
  }

  clientRemoved(clientId: string): void {
    this.local.delete(clientId);
    const pub = this.link.readyPub();
    if (!pub) return;
    pub
      .wstLeave(this.clientsKey, clientId, this.link.keys.channelAll, encodeWire({ k: 'l', o: this.link.nodeId, c: clientId }))
      .catch(noop);
  }

  private receive(h: WireHeader): void {
    if (h.o === this.link.nodeId) {
      this.onOwnEcho(h);
      return;
    }
    if (h.k === 'j') this.onRemoteJoin(h.o, h.c, h.at, h.n);
    else if (h.k === 'l') {
      this.remote.drop(h.c, h.o);
      for (const changes of this.reloading.get(h.o) ?? []) changes.push({ clientId: h.c, left: true });
    } else if (h.k === 's') void this.reloadNode(h.o);
  }

  /** Own announcements coming back mark the local clients they announced as known to the cluster. */
  private onOwnEcho(h: WireHeader): void {
    if (h.k === 'j') {
      const mine = this.local.get(h.c);
      if (mine && mine.seq === h.s) mine.echoed = true;
    } else if (h.k === 's') {
      for (const mine of this.local.values()) if (mine.seq <= h.s) mine.echoed = true;
    }
  }

  /**
   * Every node sees the announcements in Redis's one order. A named client
   * announced by another node after this node's own announcement came back is
   * the newer connection: the one here is closed. If this node's announcement
   * has not come back yet, the one here is the newer and the other node
   * closes its own when it sees it.
   */
  private onRemoteJoin(node: string, clientId: string, at: number, named: boolean): void {
    this.remote.set(clientId, node);
    for (const changes of this.reloading.get(node) ?? []) changes.push({ clientId, at });
    if (!named) return;
    const mine = this.local.get(clientId);
    if (mine?.named && mine.echoed) this.takeOver(clientId);
  }

  private takeOver(clientId: string): void {
    for (const listener of this.listeners) {
      try {
        listener.takeOver(clientId);
      } catch (err) {
        this.logger.error(`Closing the replaced connection of ${clientId} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /**
   * Replaces what this node knows of another node's clients with its hash in
   * Redis (after that node or this one reconnected, when announcements may
   * have been lost). A named id on both nodes is resolved by connection time:
   * the older connection is closed. Joins and leaves announced while the hash
   * was read arrive on the other connection, possibly before the read's
   * answer although Redis ran them after it: they are applied again on top.
   */
  private async reloadNode(node: string): Promise<void> {
    const pub = this.link.openPub();
    if (pub === null || node === this.link.nodeId) return;
    const changes: PresenceChange[] = [];
    const pending = this.reloading.get(node) ?? [];
    pending.push(changes);
    this.reloading.set(node, pending);
    let entries: Record<string, string>;
    try {
      entries = await pub.hgetall(this.link.keys.clients(node));
    } catch {
      return;
    } finally {
      pending.splice(pending.indexOf(changes), 1);
      if (pending.length === 0) this.reloading.delete(node);
    }
    this.remote.forgetNode(node);
    for (const [clientId, raw] of Object.entries(entries)) {
      const entry = parsePresenceEntry(raw);
      if (!entry) continue;
      this.remote.set(clientId, node);
      const mine = this.local.get(clientId);
      if (entry.named && mine?.named && (entry.at > mine.at || (entry.at === mine.at && node > this.link.nodeId))) this.takeOver(clientId);
    }
    for (const change of changes) {
      if ('left' in change) this.remote.drop(change.clientId, node);
      else this.remote.set(change.clientId, node);
    }
  }

  private async reloadAll(): Promise<void> {
    let live: readonly string[];
    try {
      live = await this.nodes.refresh();
    } catch {
      return;
    }
    for (const node of live) if (node !== this.link.nodeId) await this.reloadNode(node);
  }

  /** Writes this node's presence again in full and tells the others to reload it. */
  private async rewritePresence(): Promise<void> {
    const pub = this.link.readyPub();
    if (!pub) return;
    // Sent first on the same connection: this node is in the node set before anyone reloads it.
    const refreshed = this.nodes.refresh().catch(noop);
    // Sent one by one, now, rather than as a pipeline: a Redis Cluster client sends a pipeline later, and a
    // join sent meanwhile would run before the delete and be lost from the hash.
    const sent: Array<Promise<unknown>> = [pub.del(this.clientsKey)];
    let batch: string[] = [];
    for (const [clientId, p] of this.local) {
      batch.push(clientId, presenceEntry(p.at, p.named));
      if (batch.length >= PRESENCE_BATCH * 2) {
        sent.push(pub.hset(this.clientsKey, ...batch));
        batch = [];
      }
    }
    if (batch.length > 0) sent.push(pub.hset(this.clientsKey, ...batch));
    sent.push(pub.pexpire(this.clientsKey, this.presenceTtlMs));
    sent.push(this.link.pubsub.publish(pub, this.link.keys.channelAll, encodeWire({ k: 's', o: this.link.nodeId, s: this.seq })));
    try {
      await Promise.all(sent);
    } catch {
      // The connection dropped again; the next 'ready' rewrites it.
    }
    await refreshed;
  }
}
