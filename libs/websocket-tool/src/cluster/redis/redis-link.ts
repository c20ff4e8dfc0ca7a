import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { BackplaneState } from '../backplane.interface.js';
import type { ClusterSettings as ClusterConfig } from '../../config/cluster-settings.interface.js';
import { addListener, type Unsubscribe } from '../cluster-listener.js';
import { redisBackMessage, redisLostMessage, redisUnreachableAtBootMessage } from '../cluster.messages.js';
import { redactRedisUrl } from '../../config/redis-url.js';
import { ClusterOutbox } from './cluster-outbox.js';
import {
  HISTORY_COUNT_SCRIPT,
  HISTORY_PUBLISH_SCRIPT,
  HISTORY_READ_SCRIPT,
  IP_ADMIT_SCRIPT,
  JOIN_SCRIPT,
  LEAVE_SCRIPT,
  REFRESH_SCRIPT,
} from './cluster-scripts.js';
import { MAILBOX_KEEP_SCRIPT, MAILBOX_TAKE_SCRIPT } from '../mailbox/mailbox-scripts.js';
import {
  PRESENCE_JOIN_SCRIPT,
  PRESENCE_LEAVE_SCRIPT,
  PRESENCE_READ_SCRIPT,
  PRESENCE_REFRESH_SCRIPT,
  PRESENCE_SWEEP_SCRIPT,
} from '../topic-presence/topic-presence-scripts.js';
import {
  OCCUPANCY_ADD_SCRIPT,
  OCCUPANCY_CHECK_SCRIPT,
  OCCUPANCY_RECONCILE_SCRIPT,
  OCCUPANCY_REMOVE_SCRIPT,
  OCCUPANCY_SWEEP_SCRIPT,
} from '../topic-presence/topic-occupancy-scripts.js';
import { decodeWire, type WireHeader } from './cluster-wire.js';
import { RedisKeys } from './redis-keys.js';
import type { ScriptedRedis } from './scripted-redis.js';

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

/** Resolves after `ms`, without holding the process open. @internal */
export const delay = (ms: number): Promise<void> =>
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
  private sub: Redis | null = null;
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
    this.keys = new RedisKeys(config.keyPrefix);
    this.channelSelf = this.keys.nodeChannel(config.nodeId);
    this.redactedUrl = redactRedisUrl(config.url);
    this.outbox = new ClusterOutbox(config.outboxSize);
  }

  /** Registers a user of the link. */
  subscribe(listener: RedisLinkListener): Unsubscribe {
    return addListener(this.listeners, listener);
  }

  get connected(): boolean {
    return this.subscribed && !this.closed && this.pub !== null && this.pub.status === 'ready';
  }

  get state(): BackplaneState {
    if (this.closed) return 'closed';
    if (this.connected) return 'up';
    return this.everUp ? 'down' : 'connecting';
  }

  /** The publishing connection if it is ready and the node is not shutting down. */
  openPub(): ScriptedRedis | null {
    const pub = this.pub;
    return pub !== null && !this.closed && pub.status === 'ready' ? pub : null;
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
    try {
      const reply = await this.pub?.pubsub('NUMSUB', this.keys.channelAll);
      return Number(reply?.[1] ?? 0);
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
        wstMailboxKeep: { lua: MAILBOX_KEEP_SCRIPT, numberOfKeys: 2 },
        wstMailboxTake: { lua: MAILBOX_TAKE_SCRIPT, numberOfKeys: 2 },
        wstHistoryPublish: { lua: HISTORY_PUBLISH_SCRIPT, numberOfKeys: 3 },
        wstHistoryCount: { lua: HISTORY_COUNT_SCRIPT, numberOfKeys: 1 },
        wstHistoryRead: { lua: HISTORY_READ_SCRIPT, numberOfKeys: 2 },
        wstPresenceJoin: { lua: PRESENCE_JOIN_SCRIPT, numberOfKeys: 4 },
        wstPresenceLeave: { lua: PRESENCE_LEAVE_SCRIPT, numberOfKeys: 4 },
        wstPresenceRefresh: { lua: PRESENCE_REFRESH_SCRIPT, numberOfKeys: 3 },
        wstPresenceSweep: { lua: PRESENCE_SWEEP_SCRIPT, numberOfKeys: 1 },
        wstPresenceRead: { lua: PRESENCE_READ_SCRIPT, numberOfKeys: 0 },
        wstOccupancyAdd: { lua: OCCUPANCY_ADD_SCRIPT, numberOfKeys: 4 },
        wstOccupancyRemove: { lua: OCCUPANCY_REMOVE_SCRIPT, numberOfKeys: 3 },
        wstOccupancyCheck: { lua: OCCUPANCY_CHECK_SCRIPT, numberOfKeys: 2 },
        wstOccupancyReconcile: { lua: OCCUPANCY_RECONCILE_SCRIPT, numberOfKeys: 3 },
        wstOccupancySweep: { lua: OCCUPANCY_SWEEP_SCRIPT, numberOfKeys: 3 },
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
  }

  private onPubReady(): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener.pubReady?.();
    this.onLinkUp();
  }

  private onSubReady(sub: Redis): void {
    if (this.closed) return;
    sub.subscribe(this.keys.channelAll, this.channelSelf).then(() => {
      this.subscribed = true;
      this.onLinkUp();
    }, noop);
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

  private onLinkDown(): void {
    if (!this.wasUp || this.connected) return;
    this.wasUp = false;
    for (const listener of this.listeners) listener.linkDown?.();
    this.disconnects++;
    if (!this.leaving && !this.closed) this.logger.warn(redisLostMessage(this.redactedUrl));
  }

  async onApplicationShutdown(): Promise<void> {
    this.leaving = true;
    this.closed = true;
    const connections = [this.pub, this.sub].filter((c): c is Redis => c !== null);
    await Promise.race([Promise.allSettled(connections.map((c) => c.quit())), delay(SHUTDOWN_WAIT_MS)]);
    for (const connection of connections) connection.disconnect();
    this.firstUp?.();
    this.firstUp = null;
  }
}
