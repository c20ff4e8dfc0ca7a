import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { BackplaneState } from '../backplane.interface.js';
import type { ClusterSettings as ClusterConfig } from '../../config/cluster-settings.interface.js';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { redisBackMessage, redisLostMessage, redisUnreachableAtBootMessage } from '../cluster.messages.js';
import { redactRedisUrl } from '../../config/redis-url.js';
import { ClusterOutbox } from './cluster-outbox.js';
import { decodeWire, type WireHeader } from './cluster-wire.js';
import { delay, MAX_RECONNECT_DELAY_MS, nextTurn, reconnectDelayMs } from './link-timing.js';
import { RedisKeys } from './redis-keys.js';
import type { ScriptedRedis } from './scripted-redis.js';
import { openConnections, pubSubFor, type PubSub } from './redis-connections.js';
import { RedisShards } from './redis-shards.js';

/**
 * What the users of the link hear. One object per user, registered once;
 * every method is optional.
 *
 * @internal
 */
export interface RedisLinkListener {
  /** A message on the cluster channel or this node's channel, decoded once; this node's own echoes included. */
  receive?(header: WireHeader, body: string): void;
  /** The publishing connection is ready (at start or again). */
  pubReady?(): void;
  /** Both connections are up, at start or after an outage: announcements may have been missed meanwhile. */
  linkUp?(): void;
  /** The link went down (either connection). */
  linkDown?(): void;
}

/** How long start-up waits for Redis before going on without it. */
const BOOT_WAIT_MS = 3000;
/** How long shutdown waits for the connections to close politely. */
const SHUTDOWN_WAIT_MS = 1000;
/** Publishes in flight (sent, not yet acknowledged) above which Redis counts as stalled and the outbox is used. */
const MAX_IN_FLIGHT = 10_000;
/**
 * How long a node whose link is back waits, at most, for the nodes it knew before the outage to
 * subscribe again before it sends its outbox: one reconnection interval of theirs, with jitter and margin.
 */
const OUTBOX_WAIT_MS = MAX_RECONNECT_DELAY_MS + 500;
/** How often it counts the subscribers meanwhile. */
const OUTBOX_POLL_MS = 50;
/** Outbox messages published per turn of the event loop, so a long outbox does not hold up local delivery. */
const OUTBOX_BATCH = 100;

/** Pause before a failed subscription to the shards of a Redis Cluster is tried again. */
const SUBSCRIBE_RETRY_MS = 200;

const noop = (): void => undefined;

/**
 * This node's link to Redis: two connections, their reconnection with
 * backoff, and the outbox. One connection publishes (every message of this
 * node goes through it, in call order, which keeps each publisher's messages
 * in order) and runs the scripts; the other is subscribed to the cluster
 * channel and this node's own channel, and hands each message, decoded once,
 * to the listeners.
 *
 * Redis down: publishes go to a bounded outbox; ioredis reconnects with
 * backoff. The outbox goes out once the nodes known before the outage listen
 * again (each reconnects on its own schedule), in batches.
 *
 * On a Redis Cluster both are ioredis `Cluster` clients: publishes use
 * `SPUBLISH` and the subscriber `SSUBSCRIBE`s the cluster channel, its own and
 * every bucket's (`RedisKeys`), one connection per master; when a master fails
 * the link counts as down until ioredis has subscribed again on the new
 * topology, and its return runs the same catch-up as after an outage.
 *
 * ioredis is imported only when the app boots in cluster mode.
 *
 * @internal
 */
export class RedisLink implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly nodeId: string;
  readonly keys: RedisKeys;
  readonly redactedUrl: string;
  readonly outbox: ClusterOutbox;
  /** This node's channel. */
  readonly channelSelf: string;
  private readonly logger = new Logger('WebSocketTool');
  private readonly listeners: RedisLinkListener[] = [];
  private pub: ScriptedRedis | null = null;
  private sub: Redis | Cluster | null = null;
  /** Classic pub/sub on one Redis, sharded on a Redis Cluster. */
  readonly pubsub: PubSub;
  /** False on a Redis Cluster until the publishing client's connections to the masters answered (see `settle`). */
  private settled: boolean;
  /** On a Redis Cluster: the channels are registered with ioredis, which subscribes them again on every new topology. */
  private channelsKept = false;
  /** The shards and their health, on a Redis Cluster. */
  private shards: RedisShards | null = null;
  private subscribed = false;
  private wasUp = false;
  private everUp = false;
  private firstUp: (() => void) | null = null;
  private leaving = false;
  private closed = false;
  /** Nodes (this one included) that were live when the link went down: the subscribers the outbox waits for. */
  private nodesBeforeOutage = 1;
  /** True while the outbox is being sent, or waits for the other nodes. */
  private draining = false;
  /** Publishes on the current publishing connection that Redis has not acknowledged yet. */
  private flight = { count: 0 };
  /** Bound once per connection, so a publish allocates no closure. */
  private onPublished = this.acknowledger(this.flight);
  /** Messages published to the other nodes since start. */
  published = 0;
  /** Times the link was lost since start. */
  disconnects = 0;

  constructor(private readonly config: ClusterConfig) {
    this.nodeId = config.nodeId;
    this.keys = new RedisKeys(config.keyPrefix, config.redisCluster);
    this.channelSelf = this.keys.nodeChannel(config.nodeId);
    this.redactedUrl = config.url.split(',').map(redactRedisUrl).join(',');
    this.pubsub = pubSubFor(config);
    this.settled = !config.redisCluster;
    this.outbox = new ClusterOutbox(config.outboxSize);
  }

  /** Registers a user of the link. */
  subscribe(listener: RedisLinkListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  get connected(): boolean {
    return this.subscribed && !this.closed && this.pub !== null && this.isReady(this.pub);
  }

  get state(): BackplaneState {
    if (this.closed) return 'closed';
    if (this.connected) return 'up';
    return this.everUp ? 'down' : 'connecting';
  }

  /** The publishing connection if it is ready and the node is not shutting down. */
  openPub(): ScriptedRedis | null {
    const pub = this.pub;
    return pub !== null && !this.closed && this.isReady(pub) ? pub : null;
  }

  /** The publishing connection if this node's presence may be written now (ready, not leaving). */
  readyPub(): ScriptedRedis | null {
    return this.leaving ? null : this.openPub();
  }

  /** The publishing connection while the whole link (both connections) is up. */
  connectedPub(): ScriptedRedis | null {
    return this.connected ? this.pub : null;
  }

  /** From now on this node's presence is no longer written: it is leaving the cluster. */
  markLeaving(): void {
    this.leaving = true;
  }

  /** How many nodes were live when the link went down: after the outage the outbox waits for that many subscribers. */
  expectSubscribersAfterOutage(nodes: number): void {
    this.nodesBeforeOutage = nodes;
  }

  /** Publishes now, or keeps the message in the outbox while Redis is unreachable (or stalled); false if dropped. */
  send(channel: string, payload: string): boolean {
    if (this.closed) return false;
    const pub = this.pub;
    if (pub !== null && this.isReady(pub) && this.outbox.size === 0 && this.flight.count < MAX_IN_FLIGHT) {
      this.publishNow(pub, channel, payload);
      return true;
    }
    return this.outbox.push({ channel, payload });
  }

  private publishNow(pub: ScriptedRedis, channel: string, payload: string): void {
    this.flight.count++;
    this.published++;
    // At most once: a publish lost with the connection is not retried (the client does not resend it).
    this.pubsub.publish(pub, channel, payload).then(this.onPublished, this.onPublished);
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
  /** Ready, and on a Redis Cluster its connections to the masters settled. */
  private isReady(pub: ScriptedRedis): boolean {
    return pub.status === 'ready' && this.settled;
  }

  private onPubClosed(): void {
    if (this.config.redisCluster) this.settled = false;
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
      while (this.outbox.size > 0 && Date.now() < deadline && this.openPub() !== null) {
        if ((await this.countListeners()) >= listeners) break;
        await delay(OUTBOX_POLL_MS);
      }
      while (this.outbox.size > 0) {
        const pub = this.openPub();
        if (pub === null) break;
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
    const pub = this.pub;
    if (pub === null) return 0;
    try {
      return await this.pubsub.countSubscribers(pub, this.keys.channelAll);
    } catch {
      return 0;
    }
  }

  private onMessage(message: string): void {
    const wire = decodeWire(message);
    if (!wire) return;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i].receive?.(wire.header, wire.body);
  }

  async onApplicationBootstrap(): Promise<void> {
    const options: RedisOptions = {
      // Offline commands would queue without bound; the outbox is the bounded queue.
      enableOfflineQueue: false,
      autoResubscribe: false,
      // A command in flight when the connection dropped is not sent again: a publish that reached Redis
      // before the drop would be delivered twice.
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 5000,
    };
    const { pub, sub } = await openConnections(this.config, this.nodeId, options, reconnectDelayMs);
    this.pub = pub;
    this.sub = sub;
    if (this.config.redisCluster) {
      this.shards = new RedisShards(pub as unknown as Cluster, this.keys);
      this.shards.start();
    }
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
    sub.on(this.pubsub.messageEvent, (_channel: string, message: string) => this.onMessage(message));
    if (this.config.redisCluster) {
      // A shard's subscriber lost (its master failed) is an outage of part of the link; ioredis
      // subscribes again on the new topology, then the link is up again and the listeners catch up.
      // Only the subscriber group names the node it lost; the connection pool's own '-node' does not.
      sub.on('-node', (_node: unknown, subscriberOf?: string) => {
        if (subscriberOf !== undefined) this.onShardLost();
      });
      sub.on('subscribersReady', () => this.onShardsBack());
    }

    const up = new Promise<void>((resolve) => {
      this.firstUp = resolve;
    });
    await Promise.race([up, delay(BOOT_WAIT_MS)]);
    if (!this.connected) this.logger.warn(redisUnreachableAtBootMessage(this.redactedUrl, BOOT_WAIT_MS));
  }

  private onPubReady(): void {
    if (this.closed) return;
    if (!this.settled) {
      void this.settle();
      return;
    }
    for (const listener of this.listeners) listener.pubReady?.();
    this.onLinkUp();
  }

  private onSubReady(sub: Redis | Cluster): void {
    if (this.closed || sub !== this.sub) return;
    this.pubsub.subscribe(sub, this.keys.subscribedChannels(this.nodeId)).then(
      () => {
        this.channelsKept = this.config.redisCluster;
        this.subscribed = true;
        this.onLinkUp();
      },
      () => {
        // On a Redis Cluster the subscribers of the shards may not be set up yet when the slot map is
        // first read: the subscription is tried again until it holds.
        if (this.config.redisCluster && sub.status === 'ready') void delay(SUBSCRIBE_RETRY_MS).then(() => this.onSubReady(sub));
      },
    );
  }

  /** Both connections are up again: the listeners catch up, and the outbox goes out once the nodes known before the outage listen again. */
  private onLinkUp(): void {
    if (!this.connected || this.wasUp) return;
    this.wasUp = true;
    for (const listener of this.listeners) listener.linkUp?.();
    const back = this.everUp;
    this.everUp = true;
    this.firstUp?.();
    this.firstUp = null;
    void this.drainOutbox(back ? this.nodesBeforeOutage : 1).then((sent) => {
      if (back) this.logger.log(redisBackMessage(this.redactedUrl, sent, this.outbox.dropped));
    });
  }

  /**
   * On a Redis Cluster the client is ready before its connections to the
   * masters are: commands sent meanwhile may reach Redis after commands sent
   * later (a presence rewrite after a join it predates). The link counts as
   * ready once every master has answered a ping.
   */
  private async settle(): Promise<void> {
    const pub = this.pub as unknown as Cluster | null;
    if (pub === null) return;
    await Promise.all(pub.nodes('master').map((node) => node.ping().catch(noop)));
    if (this.closed || pub.status !== 'ready' || this.settled) return;
    this.settled = true;
    this.onPubReady();
  }

  private onShardLost(): void {
    if (this.closed || !this.subscribed) return;
    this.subscribed = false;
    this.onLinkDown();
  }

  private onShardsBack(): void {
    if (this.closed || this.subscribed || !this.channelsKept || this.sub?.status !== 'ready') return;
    this.subscribed = true;
    this.onLinkUp();
  }

  private onLinkDown(): void {
    if (!this.wasUp || this.connected) return;
    this.wasUp = false;
    for (const listener of this.listeners) listener.linkDown?.();
    this.disconnects++;
    if (!this.leaving && !this.closed) this.logger.warn(redisLostMessage(this.redactedUrl));
  }

  /** The shards of the Redis Cluster and their health; null on one Redis. */
  get redisShards(): RedisShards | null {
    return this.shards;
  }

  async onApplicationShutdown(): Promise<void> {
    this.leaving = true;
    this.closed = true;
    this.shards?.stop();
    const connections = [this.pub, this.sub].filter((c): c is Redis | Cluster => c !== null);
    await Promise.race([Promise.allSettled(connections.map((c) => c.quit())), delay(SHUTDOWN_WAIT_MS)]);
    for (const connection of connections) connection.disconnect();
    this.firstUp?.();
    this.firstUp = null;
  }
}
