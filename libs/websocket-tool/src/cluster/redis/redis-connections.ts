import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
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
import {
  HISTORY_COUNT_SCRIPT,
  HISTORY_PUBLISH_SCRIPT,
  HISTORY_READ_SCRIPT,
  IP_ADMIT_SCRIPT,
  JOIN_SCRIPT,
  LEAVE_SCRIPT,
  REFRESH_SCRIPT,
} from './cluster-scripts.js';
import type { ScriptedRedis } from './scripted-redis.js';

/** Where the nodes' Redis is: one server, or the seeds of a Redis Cluster. @internal */
export interface RedisTarget {
  /** The URL (or comma-separated seed URLs) as configured. */
  readonly url: string;
  /** True for a Redis Cluster: sharded pub/sub and hash-tagged keys. */
  readonly redisCluster: boolean;
}

/**
 * How this node publishes and subscribes: `PUBLISH`/`SUBSCRIBE` on one
 * Redis, `SPUBLISH`/`SSUBSCRIBE` on a Redis Cluster (each message touches the
 * one shard that serves its channel). The seams publish through it and never
 * ask which one is in force.
 *
 * @internal
 */
export interface PubSub {
  /** The event the subscribing connection emits per message. */
  readonly messageEvent: 'message' | 'smessage';
  publish(pub: ScriptedRedis, channel: string, payload: string): Promise<unknown>;
  subscribe(sub: Redis | Cluster, channels: readonly string[]): Promise<unknown>;
  /** How many connections listen to `channel`. */
  countSubscribers(pub: ScriptedRedis, channel: string): Promise<number>;
}

const CLASSIC: PubSub = {
  messageEvent: 'message',
  publish: (pub, channel, payload) => pub.publish(channel, payload),
  subscribe: (sub, channels) => sub.subscribe(...channels),
  countSubscribers: async (pub, channel) => Number(((await pub.pubsub('NUMSUB', channel)) as unknown[])[1] ?? 0),
};

const SHARDED: PubSub = {
  messageEvent: 'smessage',
  publish: (pub, channel, payload) => pub.spublish(channel, payload),
  // One call per channel: ioredis subscribes a slot's channels through the connection to that slot's master.
  subscribe: (sub, channels) => Promise.all(channels.map((channel) => sub.ssubscribe(channel))),
  // Each master counts its own shard's subscribers; the channel's master is the one with any.
  countSubscribers: async (pub, channel) => {
    const masters = (pub as unknown as Cluster).nodes('master');
    const counts = await Promise.all(
      masters.map((node) =>
        (node.call('PUBSUB', 'SHARDNUMSUB', channel) as Promise<unknown[]>).then(
          (reply) => Number(reply[1] ?? 0),
          () => 0,
        ),
      ),
    );
    return Math.max(0, ...counts);
  },
};

/** The pub/sub of a target. @internal */
export const pubSubFor = (target: RedisTarget): PubSub => (target.redisCluster ? SHARDED : CLASSIC);

/**
 * The scripts defined on the publishing connection. On a Redis Cluster they
 * publish with `SPUBLISH`, whose channel (like every key they touch) is in
 * the slot of their keys.
 */
function scripts(sharded: boolean): Record<string, { lua: string; numberOfKeys: number }> {
  const lua = (text: string): string => (sharded ? text.replaceAll("redis.call('PUBLISH'", "redis.call('SPUBLISH'") : text);
  return {
    wstIpAdmit: { lua: IP_ADMIT_SCRIPT, numberOfKeys: 1 },
    wstRefresh: { lua: REFRESH_SCRIPT, numberOfKeys: 2 },
    wstJoin: { lua: lua(JOIN_SCRIPT), numberOfKeys: 1 },
    wstLeave: { lua: lua(LEAVE_SCRIPT), numberOfKeys: 1 },
    wstMailboxKeep: { lua: lua(MAILBOX_KEEP_SCRIPT), numberOfKeys: 2 },
    wstMailboxTake: { lua: MAILBOX_TAKE_SCRIPT, numberOfKeys: 2 },
    wstHistoryPublish: { lua: lua(HISTORY_PUBLISH_SCRIPT), numberOfKeys: 3 },
    wstHistoryCount: { lua: HISTORY_COUNT_SCRIPT, numberOfKeys: 1 },
    wstHistoryRead: { lua: HISTORY_READ_SCRIPT, numberOfKeys: 2 },
    wstPresenceJoin: { lua: lua(PRESENCE_JOIN_SCRIPT), numberOfKeys: 4 },
    wstPresenceLeave: { lua: lua(PRESENCE_LEAVE_SCRIPT), numberOfKeys: 4 },
    wstPresenceRefresh: { lua: PRESENCE_REFRESH_SCRIPT, numberOfKeys: 3 },
    wstPresenceSweep: { lua: lua(PRESENCE_SWEEP_SCRIPT), numberOfKeys: 1 },
    wstPresenceRead: { lua: lua(PRESENCE_READ_SCRIPT), numberOfKeys: 1 },
    wstOccupancyAdd: { lua: OCCUPANCY_ADD_SCRIPT, numberOfKeys: 4 },
    wstOccupancyRemove: { lua: OCCUPANCY_REMOVE_SCRIPT, numberOfKeys: 3 },
    wstOccupancyCheck: { lua: OCCUPANCY_CHECK_SCRIPT, numberOfKeys: 2 },
    wstOccupancyReconcile: { lua: OCCUPANCY_RECONCILE_SCRIPT, numberOfKeys: 3 },
    wstOccupancySweep: { lua: OCCUPANCY_SWEEP_SCRIPT, numberOfKeys: 3 },
  };
}

/** The seeds of a Redis Cluster, and the credentials and TLS every node connection uses (those of the first seed). */
export function clusterSeeds(url: string): { nodes: Array<{ host: string; port: number }>; redisOptions: RedisOptions } {
  const urls = url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .map((u) => new URL(u));
  const first = urls[0];
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    redisOptions: {
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      tls: first.protocol === 'rediss:' ? {} : undefined,
    },
  };
}

/** The two connections of a node: the publishing one (scripts defined on it) and the subscribing one. @internal */
export interface RedisConnections {
  pub: ScriptedRedis;
  sub: Redis | Cluster;
}

/**
 * Opens the connections to `target`. ioredis is imported here, so an app that
 * does not cluster never loads it. `options` are those of one connection; on
 * a Redis Cluster the slots are read again every second, so a replica
 * promoted after its master failed is found without waiting for an error.
 */
export async function openConnections(
  target: RedisTarget,
  nodeId: string,
  options: RedisOptions,
  retryDelayMs: (attempt: number) => number,
): Promise<RedisConnections> {
  const { Redis: RedisClient, Cluster } = await import('ioredis');
  if (!target.redisCluster) {
    const base = { ...options, retryStrategy: retryDelayMs };
    const pub = new RedisClient(target.url, {
      ...base,
      connectionName: `wst-pub-${nodeId}`,
      scripts: scripts(false),
    }) as ScriptedRedis;
    const sub = new RedisClient(target.url, { ...base, connectionName: `wst-sub-${nodeId}` });
    return { pub, sub };
  }
  const { nodes, redisOptions } = clusterSeeds(target.url);
  const { enableOfflineQueue, ...nodeOptions } = options;
  const clusterOptions = (name: string): ClusterOptions => ({
    enableOfflineQueue,
    clusterRetryStrategy: retryDelayMs,
    slotsRefreshInterval: 1000,
    retryDelayOnFailover: 200,
    redisOptions: { ...nodeOptions, ...redisOptions, connectionName: name },
  });
  // The Cluster class speaks the same commands as one connection; the scripts are defined on it the same way.
  const pub = new Cluster(nodes, { ...clusterOptions(`wst-pub-${nodeId}`), scripts: scripts(true) }) as unknown as ScriptedRedis;
  const sub = new Cluster(nodes, { ...clusterOptions(`wst-sub-${nodeId}`), shardedSubscribers: true });
  return { pub, sub };
}
