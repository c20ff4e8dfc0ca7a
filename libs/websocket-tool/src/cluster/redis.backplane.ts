import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import {
  Backplane,
  type BackplaneState,
  type BackplaneStatus,
  type ClusterDelivery,
  type ClusterIpAdmission,
  type ClusterReplies,
  type ClusterReply,
} from './backplane.interface.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterOutbox } from './cluster-outbox.js';
import { IP_ADMIT_SCRIPT, JOIN_SCRIPT, LEAVE_SCRIPT, REFRESH_SCRIPT } from './cluster-scripts.js';
import { decodeWire, encodeWire, type WireHeader } from './cluster-wire.js';
import { nodeIdInUseMessage, redisBackMessage, redisLostMessage, redisUnreachableAtBootMessage } from './cluster.messages.js';
import { redactRedisUrl } from './redis-url.js';

/** The publishing connection, with the scripts defined on it. */
type ScriptedRedis = Redis & {
  wstIpAdmit(key: string, capacity: number, ratePerMs: number, ttlMs: number): Promise<[number, number]>;
  wstRefresh(nodesKey: string, clientsKey: string, nodeId: string, ttlMs: number): Promise<string[]>;
  wstJoin(clientsKey: string, clientId: string, entry: string, ttlMs: number, channel: string, message: string): Promise<unknown>;
  wstLeave(clientsKey: string, clientId: string, channel: string, message: string): Promise<unknown>;
};

/** A client of this node, as announced to the others. */
interface LocalPresence {
  /** Announcement number, to recognise its echo. */
  seq: number;
  at: number;
  named: boolean;
  /** True once its announcement came back from Redis: a later announcement by another node is newer. */
  echoed: boolean;
}

/** A client of another node. */
interface RemotePresence {
  node: string;
  at: number;
}

/** A join or leave of another node's client, seen while that node's client hash was being read. */
type PresenceChange = { clientId: string; at: number } | { clientId: string; left: true };

interface PendingRequest {
  expected: Set<string>;
  replies: ClusterReply[];
  resolve: (replies: ClusterReplies) => void;
  timer: NodeJS.Timeout;
}

/** How long start-up waits for Redis before going on without it. */
const BOOT_WAIT_MS = 3000;
/** How long a handshake waits for the cluster-wide IP bucket before using the local one. */
const IP_ADMIT_TIMEOUT_MS = 1000;
/** How long shutdown waits for the presence removal to reach Redis. */
const SHUTDOWN_WAIT_MS = 1000;
/** Presence entries written per HSET when a node rewrites its presence. */
const PRESENCE_BATCH = 1000;
/** Publishes in flight (sent, not yet acknowledged) above which Redis counts as stalled and the outbox is used. */
const MAX_IN_FLIGHT = 10_000;
/** Longest pause between two reconnection attempts (before jitter): a node is back within about 4 s of Redis. */
const MAX_RECONNECT_DELAY_MS = 4000;
/**
 * How long a node whose link is back waits, at most, for the nodes it knew before the outage to
 * subscribe again before it sends its outbox: one reconnection interval of theirs, with jitter and margin.
 */
const OUTBOX_WAIT_MS = MAX_RECONNECT_DELAY_MS + 500;
/** How often it counts the subscribers meanwhile. */
const OUTBOX_POLL_MS = 50;
/** Outbox messages published per turn of the event loop, so a long outbox does not hold up local delivery. */
const OUTBOX_BATCH = 100;

const noop = (): void => undefined;

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Delay before reconnection attempt `attempt` (1, 2, ...): 200 ms doubling up
 * to 4 s, plus up to 100 ms of jitter so nodes do not reconnect in lockstep.
 * However long Redis was away, a node retries within about 4.1 s of its return.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** Math.min(Math.max(attempt, 1), 6)) + Math.floor(Math.random() * 100);
}

/**
 * The Redis backplane. Two connections per node: one publishes (every
 * message of this node goes through it, in call order, which keeps each
 * publisher's messages in order) and runs the presence scripts; the other is
 * subscribed to the cluster channel and this node's own channel.
 *
 * - Messages: one PUBLISH per message, the envelope serialized once by the
 *   caller; a node's own echo is dropped (it delivered locally already).
 * - Presence: each node keeps its clients in a hash whose TTL it refreshes,
 *   and announces joins and leaves; every node keeps a map of the clients of
 *   the others, for `sendToClient` and for named-id takeovers.
 * - Redis down: publishes go to a bounded outbox, presence changes are
 *   written again in full on reconnect; ioredis reconnects with backoff.
 *   The outbox goes out once the nodes known before the outage listen
 *   again (each reconnects on its own schedule), in batches.
 *
 * ioredis is imported only when the app boots in cluster mode.
 *
 * @internal
 */
export class RedisBackplane extends Backplane implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly clustered = true;
  readonly nodeId: string;
  private readonly logger = new Logger('WebSocketTool');
  private readonly redactedUrl: string;
  private readonly outbox: ClusterOutbox;
  private readonly channelAll: string;
  private readonly channelSelf: string;
  private readonly nodesKey: string;
  private readonly clientsKey: string;
  private readonly broadcastPrefix: string;
  private pub: ScriptedRedis | null = null;
  private sub: Redis | null = null;
  private subscribed = false;
  private wasUp = false;
  private everUp = false;
  private firstUp: (() => void) | null = null;
  private leaving = false;
  private closed = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshedOnce = false;
  private deliveryHandler: ((delivery: ClusterDelivery) => void) | null = null;
  private takeoverHandler: ((clientId: string) => void) | null = null;
  private readonly handlers = new Map<string, (args: unknown) => unknown>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly local = new Map<string, LocalPresence>();
  private readonly remote = new Map<string, RemotePresence>();
  private readonly remoteByNode = new Map<string, Set<string>>();
  /** For each node whose client hash is being read: the changes announced meanwhile, replayed over the read. */
  private readonly reloading = new Map<string, PresenceChange[][]>();
  private liveNodes: string[] = [];
  /** Nodes (this one included) that were live when the link went down: the subscribers the outbox waits for. */
  private nodesBeforeOutage = 1;
  /** True while the outbox is being sent, or waits for the other nodes. */
  private draining = false;
  private seq = 0;
  /** Publishes on the current publishing connection that Redis has not acknowledged yet. */
  private flight = { count: 0 };
  /** Bound once per connection, so a publish allocates no closure. */
  private onPublished = this.acknowledger(this.flight);
  private published = 0;
  private received = 0;
  private disconnects = 0;

  constructor(private readonly config: ClusterConfig) {
    super();
    this.nodeId = config.nodeId;
    this.redactedUrl = redactRedisUrl(config.url);
    this.outbox = new ClusterOutbox(config.outboxSize);
    const prefix = config.keyPrefix;
    this.channelAll = `${prefix}:all`;
    this.channelSelf = this.nodeChannel(this.nodeId);
    this.nodesKey = `${prefix}:nodes`;
    this.clientsKey = this.clientsKeyOf(this.nodeId);
    this.broadcastPrefix = encodeWire({ k: 'b', o: this.nodeId });
  }

  get connected(): boolean {
    return this.subscribed && !this.closed && this.pub !== null && this.pub.status === 'ready';
  }

  get state(): BackplaneState {
    if (this.closed) return 'closed';
    if (this.connected) return 'up';
    return this.everUp ? 'down' : 'connecting';
  }

  status(): BackplaneStatus {
    return {
      node_id: this.nodeId,
      state: this.state,
      redis: this.redactedUrl,
      outbox_size: this.outbox.size,
      outbox_capacity: this.outbox.capacity,
      outbox_dropped: this.outbox.dropped,
      published: this.published,
      received: this.received,
      disconnects: this.disconnects,
      remote_clients: this.remote.size,
    };
  }

  // ---- messages ----

  publishBroadcast(json: string, except: readonly string[] | null): void {
    const payload =
      except && except.length > 0 ? encodeWire({ k: 'b', o: this.nodeId, x: [...except] }, json) : this.broadcastPrefix + json;
    this.send(this.channelAll, payload);
  }

  publishTopic(topic: string, json: string): void {
    this.send(this.channelAll, encodeWire({ k: 't', o: this.nodeId, t: topic }, json));
  }

  sendToClient(clientId: string, json: string): boolean {
    const holder = this.remote.get(clientId);
    if (!holder) return false;
    return this.send(this.nodeChannel(holder.node), encodeWire({ k: 'c', o: this.nodeId, c: clientId }, json));
  }

  onDelivery(handler: (delivery: ClusterDelivery) => void): void {
    this.deliveryHandler = handler;
  }

  /** Publishes now, or keeps the message in the outbox while Redis is unreachable (or stalled). */
  private send(channel: string, payload: string): boolean {
    if (this.closed) return false;
    const pub = this.pub;
    if (pub !== null && pub.status === 'ready' && this.outbox.size === 0 && this.flight.count < MAX_IN_FLIGHT) {
      this.publishNow(pub, channel, payload);
      return true;
    }
    return this.outbox.push({ channel, payload });
  }

  private publishNow(pub: ScriptedRedis, channel: string, payload: string): void {
    this.flight.count++;
    this.published++;
    // At most once: a publish lost with the connection is not retried (the client does not resend it).
    pub.publish(channel, payload).then(this.onPublished, this.onPublished);
  }

  /**
   * What runs when Redis acknowledges (or fails) a publish of the connection
   * whose count is `flight`. Once a stall clears on a link that stayed up,
   * what waited in the outbox goes out; after an outage that is the link's
   * return's job, which first waits for the other nodes.
   */
  private acknowledger(flight: { count: number }): () => void {
    return () => {
      flight.count--;
      if (flight !== this.flight || this.outbox.size === 0 || this.draining || flight.count >= MAX_IN_FLIGHT / 2) return;
      if (this.wasUp && this.connected) void this.drainOutbox(1);
    };
  }

  /** The publishing connection closed: what it had in flight is lost with it, and is no longer counted. */
  private onPubClosed(): void {
    this.flight = { count: 0 };
    this.onPublished = this.acknowledger(this.flight);
    this.onLinkDown();
  }

  /**
   * Sends the outbox in order, `OUTBOX_BATCH` messages per turn of the event
   * loop. First it waits (at most `OUTBOX_WAIT_MS`) until `listeners` nodes
   * are subscribed to the cluster channel: after an outage every node
   * reconnects on its own backoff, and a message published before a node
   * subscribed again never reaches it. Messages sent meanwhile join the
   * outbox behind the older ones, so each publisher's order holds.
   */
  private async drainOutbox(listeners: number): Promise<number> {
    if (this.draining) return 0;
    this.draining = true;
    let sent = 0;
    try {
      const deadline = listeners > 1 ? Date.now() + OUTBOX_WAIT_MS : 0;
      while (this.outbox.size > 0 && Date.now() < deadline && this.pub?.status === 'ready' && !this.closed) {
        if ((await this.countListeners()) >= listeners) break;
        await delay(OUTBOX_POLL_MS);
      }
      while (this.outbox.size > 0) {
        const pub = this.pub;
        if (pub === null || pub.status !== 'ready' || this.closed) break;
        for (let i = 0; i < OUTBOX_BATCH; i++) {
          const entry = this.outbox.shift();
          if (entry === undefined) break;
          this.publishNow(pub, entry.channel, entry.payload);
          sent++;
        }
        if (this.outbox.size > 0) await nextTurn();
      }
    } finally {
      this.draining = false;
    }
    return sent;
  }

  /** Connections subscribed to the cluster channel: one per node whose link is up. */
  private async countListeners(): Promise<number> {
    try {
      const reply = await this.pub?.pubsub('NUMSUB', this.channelAll);
      return Number(reply?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  // ---- presence ----

  clientAdded(clientId: string, named: boolean, connectedAt: number): void {
    const seq = ++this.seq;
    this.local.set(clientId, { seq, at: connectedAt, named, echoed: false });
    const pub = this.readyPub();
    if (!pub) return;
    const announcement = encodeWire({ k: 'j', o: this.nodeId, c: clientId, s: seq, at: connectedAt, n: named });
    pub
      .wstJoin(this.clientsKey, clientId, presenceEntry(connectedAt, named), this.config.presenceTtlMs, this.channelAll, announcement)
      .catch(noop);
  }

  clientRemoved(clientId: string): void {
    this.local.delete(clientId);
    const pub = this.readyPub();
    if (!pub) return;
    pub.wstLeave(this.clientsKey, clientId, this.channelAll, encodeWire({ k: 'l', o: this.nodeId, c: clientId })).catch(noop);
  }

  onTakeover(handler: (clientId: string) => void): void {
    this.takeoverHandler = handler;
  }

  locate(clientId: string): string | undefined {
    return this.remote.get(clientId)?.node;
  }

  /** The publishing connection if presence may be written now (ready, not leaving). */
  private readyPub(): ScriptedRedis | null {
    const pub = this.pub;
    return pub !== null && !this.leaving && !this.closed && pub.status === 'ready' ? pub : null;
  }

  // ---- rate limit ----

  async admitConnection(ip: string, capacity: number, ratePerMs: number): Promise<ClusterIpAdmission | null> {
    const pub = this.connected ? this.pub : null;
    if (!pub) return null;
    const ttlMs = Math.ceil(capacity / ratePerMs) + 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        pub.wstIpAdmit(`${this.config.keyPrefix}:ip:${ip}`, capacity, ratePerMs, ttlMs),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), IP_ADMIT_TIMEOUT_MS);
        }),
      ]);
      if (!answer) return null;
      return Number(answer[0]) === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: Number(answer[1]) / 1000 };
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- requests between nodes ----

  handle(op: string, handler: (args: unknown) => unknown): void {
    this.handlers.set(op, handler);
  }

  async request(op: string, args: unknown, target?: string): Promise<ClusterReplies> {
    const replies: ClusterReply[] = [];
    if (target === undefined || target === this.nodeId) replies.push(await this.runLocal(op, args));
    if (target === this.nodeId) return { replies, missing: [] };
    const pub = this.connected ? this.pub : null;
    if (!pub) return { replies, missing: target ? [target] : this.liveNodes.filter((n) => n !== this.nodeId) };
    let nodes: string[];
    try {
      nodes = target ? [target] : (await this.refresh()).filter((n) => n !== this.nodeId);
    } catch {
      nodes = this.liveNodes.filter((n) => n !== this.nodeId);
    }
    if (nodes.length === 0) return { replies, missing: [] };
    const id = randomUUID();
    return new Promise<ClusterReplies>((resolve) => {
      const timer = setTimeout(() => this.finishRequest(id), this.config.requestTimeoutMs);
      timer.unref();
      this.pending.set(id, { expected: new Set(nodes), replies, resolve, timer });
      const payload = encodeWire({ k: 'q', o: this.nodeId, id, op }, JSON.stringify(args ?? null));
      pub.publish(target ? this.nodeChannel(target) : this.channelAll, payload).catch(() => this.finishRequest(id));
    });
  }

  private async runLocal(op: string, args: unknown): Promise<ClusterReply> {
    const handler = this.handlers.get(op);
    if (!handler) return { node: this.nodeId, ok: false, error: `unknown request "${op}"` };
    try {
      return { node: this.nodeId, ok: true, value: await handler(args) };
    } catch (err) {
      return { node: this.nodeId, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private finishRequest(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve({ replies: pending.replies, missing: [...pending.expected] });
  }

  private async answer(header: { o: string; id: string; op: string }, body: string): Promise<void> {
    let args: unknown;
    try {
      args = body === '' ? null : JSON.parse(body);
    } catch {
      args = null;
    }
    const reply = await this.runLocal(header.op, args);
    const pub = this.pub;
    if (pub === null || pub.status !== 'ready' || this.closed) return;
    let value: string;
    try {
      value = JSON.stringify(reply.value ?? null);
    } catch {
      value = 'null';
    }
    const response = encodeWire({ k: 'r', o: this.nodeId, id: header.id, ok: reply.ok, e: reply.error }, value);
    pub.publish(this.nodeChannel(header.o), response).catch(noop);
  }

  private onReply(header: { o: string; id: string; ok: boolean; e?: string }, body: string): void {
    const pending = this.pending.get(header.id);
    if (!pending) return;
    let value: unknown = null;
    try {
      value = JSON.parse(body);
    } catch {
      value = null;
    }
    pending.replies.push({ node: header.o, ok: header.ok, value, error: header.e });
    pending.expected.delete(header.o);
    if (pending.expected.size === 0) this.finishRequest(header.id);
  }

  // ---- incoming ----

  private onMessage(message: string): void {
    const wire = decodeWire(message);
    if (!wire) return;
    const h = wire.header;
    if (h.o === this.nodeId) {
      this.onOwnEcho(h);
      return;
    }
    switch (h.k) {
      case 'b':
        this.deliver({ kind: 'broadcast', json: wire.body, except: h.x ?? null });
        break;
      case 't':
        this.deliver({ kind: 'topic', json: wire.body, topic: h.t });
        break;
      case 'c':
        this.deliver({ kind: 'client', json: wire.body, clientId: h.c });
        break;
      case 'j':
        this.noteLive(h.o);
        this.onRemoteJoin(h.o, h.c, h.at, h.n);
        break;
      case 'l':
        this.dropRemote(h.c, h.o);
        for (const changes of this.reloading.get(h.o) ?? []) changes.push({ clientId: h.c, left: true });
        break;
      case 's':
        this.noteLive(h.o);
        void this.reloadNode(h.o);
        break;
      case 'y':
        this.forgetNode(h.o);
        break;
      case 'q':
        void this.answer(h, wire.body);
        break;
      case 'r':
        this.onReply(h, wire.body);
        break;
    }
  }

  private deliver(delivery: ClusterDelivery): void {
    this.received++;
    try {
      this.deliveryHandler?.(delivery);
    } catch (err) {
      this.logger.error(`Delivering a message from another node failed: ${err instanceof Error ? err.message : String(err)}`);
    }
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
    this.setRemote(clientId, node, at);
    for (const changes of this.reloading.get(node) ?? []) changes.push({ clientId, at });
    if (!named) return;
    const mine = this.local.get(clientId);
    if (mine?.named && mine.echoed) this.takeover(clientId);
  }

  private takeover(clientId: string): void {
    try {
      this.takeoverHandler?.(clientId);
    } catch (err) {
      this.logger.error(`Closing the replaced connection of ${clientId} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private setRemote(clientId: string, node: string, at: number): void {
    const previous = this.remote.get(clientId);
    if (previous && previous.node !== node) this.remoteByNode.get(previous.node)?.delete(clientId);
    this.remote.set(clientId, { node, at });
    let ids = this.remoteByNode.get(node);
    if (!ids) {
      ids = new Set();
      this.remoteByNode.set(node, ids);
    }
    ids.add(clientId);
  }

  private dropRemote(clientId: string, node: string): void {
    if (this.remote.get(clientId)?.node !== node) return;
    this.remote.delete(clientId);
    this.remoteByNode.get(node)?.delete(clientId);
  }

  /** A node that just announced itself is live, even before the next refresh reads the node set. */
  private noteLive(node: string): void {
    if (!this.liveNodes.includes(node)) this.liveNodes = [...this.liveNodes, node];
  }

  private forgetNode(node: string): void {
    this.forgetClientsOf(node);
    this.liveNodes = this.liveNodes.filter((n) => n !== node);
  }

  private forgetClientsOf(node: string): void {
    const ids = this.remoteByNode.get(node);
    if (!ids) return;
    for (const id of ids) if (this.remote.get(id)?.node === node) this.remote.delete(id);
    this.remoteByNode.delete(node);
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
    const pub = this.pub;
    if (pub === null || pub.status !== 'ready' || node === this.nodeId) return;
    const changes: PresenceChange[] = [];
    const pending = this.reloading.get(node) ?? [];
    pending.push(changes);
    this.reloading.set(node, pending);
    let entries: Record<string, string>;
    try {
      entries = await pub.hgetall(this.clientsKeyOf(node));
    } catch {
      return;
    } finally {
      pending.splice(pending.indexOf(changes), 1);
      if (pending.length === 0) this.reloading.delete(node);
    }
    this.forgetClientsOf(node);
    for (const [clientId, raw] of Object.entries(entries)) {
      const entry = parsePresenceEntry(raw);
      if (!entry) continue;
      this.setRemote(clientId, node, entry.at);
      const mine = this.local.get(clientId);
      if (entry.named && mine?.named && (entry.at > mine.at || (entry.at === mine.at && node > this.nodeId))) this.takeover(clientId);
    }
    for (const change of changes) {
      if ('left' in change) this.dropRemote(change.clientId, node);
      else this.setRemote(change.clientId, node, change.at);
    }
  }

  private async reloadAll(): Promise<void> {
    let live: string[];
    try {
      live = await this.refresh();
    } catch {
      return;
    }
    for (const node of live) if (node !== this.nodeId) await this.reloadNode(node);
  }

  /** Heartbeat: refreshes this node's TTLs and learns which nodes are alive; forgets the clients of dead ones. */
  private async refresh(): Promise<string[]> {
    const pub = this.readyPub();
    if (!pub) return this.liveNodes;
    const [wasLive, ...live] = await pub.wstRefresh(this.nodesKey, this.clientsKey, this.nodeId, this.config.presenceTtlMs);
    if (!this.refreshedOnce) {
      this.refreshedOnce = true;
      if (wasLive === '1') this.logger.warn(nodeIdInUseMessage(this.nodeId));
    }
    this.liveNodes = live;
    for (const node of this.remoteByNode.keys()) if (!live.includes(node)) this.forgetNode(node);
    return live;
  }

  /** Writes this node's presence again in full and tells the others to reload it. */
  private async rewritePresence(): Promise<void> {
    const pub = this.readyPub();
    if (!pub) return;
    // Sent first on the same connection: this node is in the node set before anyone reloads it.
    const refreshed = this.refresh().catch(() => this.liveNodes);
    const pipeline = pub.pipeline();
    pipeline.del(this.clientsKey);
    let batch: string[] = [];
    for (const [clientId, p] of this.local) {
      batch.push(clientId, presenceEntry(p.at, p.named));
      if (batch.length >= PRESENCE_BATCH * 2) {
        pipeline.hset(this.clientsKey, ...batch);
        batch = [];
      }
    }
    if (batch.length > 0) pipeline.hset(this.clientsKey, ...batch);
    pipeline.pexpire(this.clientsKey, this.config.presenceTtlMs);
    pipeline.publish(this.channelAll, encodeWire({ k: 's', o: this.nodeId, s: this.seq }));
    try {
      await pipeline.exec();
    } catch {
      // The connection dropped again; the next 'ready' rewrites it.
    }
    await refreshed;
  }

  // ---- connection life ----

  async onApplicationBootstrap(): Promise<void> {
    const { Redis: RedisClient } = await import('ioredis');
    const options: RedisOptions = {
      // Offline commands would queue without bound; the outbox is the bounded queue.
      enableOfflineQueue: false,
      autoResubscribe: false,
      // A command in flight when the connection dropped is not sent again: a publish that reached Redis
      // before the drop would be delivered twice.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
      retryStrategy: (attempt: number) => reconnectDelayMs(attempt),
    };
    const pub = new RedisClient(this.config.url, {
      ...options,
      connectionName: `wst-pub-${this.nodeId}`,
      scripts: {
        wstIpAdmit: { lua: IP_ADMIT_SCRIPT, numberOfKeys: 1 },
        wstRefresh: { lua: REFRESH_SCRIPT, numberOfKeys: 2 },
        wstJoin: { lua: JOIN_SCRIPT, numberOfKeys: 1 },
        wstLeave: { lua: LEAVE_SCRIPT, numberOfKeys: 1 },
      },
    }) as ScriptedRedis;
    const sub = new RedisClient(this.config.url, { ...options, connectionName: `wst-sub-${this.nodeId}` });
    this.pub = pub;
    this.sub = sub;
    // Connection errors repeat on every retry; the state changes are logged instead.
    pub.on('error', noop);
    sub.on('error', noop);
    pub.on('ready', () => this.onPubReady());
    pub.on('close', () => this.onPubClosed());
    sub.on('ready', () => this.onSubReady(sub));
    sub.on('close', () => {
      this.subscribed = false;
      this.onLinkDown();
    });
    sub.on('message', (_channel: string, message: string) => this.onMessage(message));

    const up = new Promise<void>((resolve) => {
      this.firstUp = resolve;
    });
    await Promise.race([up, delay(BOOT_WAIT_MS)]);
    if (!this.connected) this.logger.warn(redisUnreachableAtBootMessage(this.redactedUrl, BOOT_WAIT_MS));
    this.refreshTimer = setInterval(() => void this.refresh().catch(noop), Math.max(200, Math.floor(this.config.presenceTtlMs / 3)));
    this.refreshTimer.unref();
  }

  private onPubReady(): void {
    if (this.closed) return;
    void this.rewritePresence();
    this.onLinkUp();
  }

  private onSubReady(sub: Redis): void {
    if (this.closed) return;
    sub.subscribe(this.channelAll, this.channelSelf).then(() => {
      this.subscribed = true;
      this.onLinkUp();
    }, noop);
  }

  /**
   * Both connections are up again. Announcements may have been missed while
   * either was down, so every other node's presence is read again; from now
   * on the subscription catches every later rewrite. The outbox goes out once
   * the nodes known before the outage listen again.
   */
  private onLinkUp(): void {
    if (!this.connected || this.wasUp) return;
    this.wasUp = true;
    void this.reloadAll();
    const back = this.everUp;
    this.everUp = true;
    this.firstUp?.();
    this.firstUp = null;
    void this.drainOutbox(back ? this.nodesBeforeOutage : 1).then((sent) => {
      if (back) this.logger.log(redisBackMessage(this.redactedUrl, sent, this.outbox.dropped));
    });
  }

  private onLinkDown(): void {
    if (!this.wasUp || this.connected) return;
    this.wasUp = false;
    this.nodesBeforeOutage = new Set([...this.liveNodes, this.nodeId]).size;
    this.disconnects++;
    if (!this.leaving && !this.closed) this.logger.warn(redisLostMessage(this.redactedUrl));
  }

  /** Graceful shutdown: this node's presence goes at once, so other nodes stop routing to it. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    const pub = this.readyPub();
    this.leaving = true;
    if (!pub) return;
    const pipeline = pub.pipeline();
    pipeline.del(this.clientsKey);
    pipeline.zrem(this.nodesKey, this.nodeId);
    pipeline.publish(this.channelAll, encodeWire({ k: 'y', o: this.nodeId }));
    await Promise.race([pipeline.exec().catch(noop), delay(SHUTDOWN_WAIT_MS)]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.leaving = true;
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const id of this.pending.keys()) this.finishRequest(id);
    const connections = [this.pub, this.sub].filter((c): c is Redis => c !== null);
    await Promise.race([Promise.allSettled(connections.map((c) => c.quit())), delay(SHUTDOWN_WAIT_MS)]);
    for (const connection of connections) connection.disconnect();
    this.firstUp?.();
    this.firstUp = null;
  }

  private nodeChannel(node: string): string {
    return `${this.config.keyPrefix}:node:${node}`;
  }

  private clientsKeyOf(node: string): string {
    return `${this.config.keyPrefix}:clients:${node}`;
  }
}

/** A presence entry as stored in a node's client hash. */
function presenceEntry(at: number, named: boolean): string {
  return `{"at":${at},"n":${named}}`;
}

function parsePresenceEntry(raw: string): { at: number; named: boolean } | null {
  try {
    const value = JSON.parse(raw) as { at?: unknown; n?: unknown };
    return typeof value.at === 'number' && typeof value.n === 'boolean' ? { at: value.at, named: value.n } : null;
  } catch {
    return null;
  }
}
