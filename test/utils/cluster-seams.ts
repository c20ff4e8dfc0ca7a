import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import type { ClusterSettings as ClusterConfig } from '../../libs/websocket-tool/src/config/cluster-settings.interface.js';
import type { MailboxSettings } from '../../libs/websocket-tool/src/config/mailbox-options.interface.js';
import { createRedisCluster, type ClusterParts } from '../../libs/websocket-tool/src/cluster/cluster-parts.js';
import type { RedisLink } from '../../libs/websocket-tool/src/cluster/redis/redis-link.js';
import type { RedisNodeSet } from '../../libs/websocket-tool/src/cluster/redis/redis-node-set.js';
import type { RedisClusterRequests } from '../../libs/websocket-tool/src/cluster/requests/redis-cluster-requests.js';
import type { RedisClusterTopicOccupancy } from '../../libs/websocket-tool/src/cluster/topic-presence/redis-cluster-topic-occupancy.js';
import type { RedisClusterTopicPresence } from '../../libs/websocket-tool/src/cluster/topic-presence/redis-cluster-topic-presence.js';
import { redisAnswers, SHARED_REDIS_PORT } from './redis-ping.js';

/** The machine's shared Redis, which the Redis seam specs run against. */
export const SEAM_REDIS_URL = `redis://127.0.0.1:${SHARED_REDIS_PORT}`;

/** One node's Redis seams, started, with the ways a test ends it. */
export interface SeamNode extends ClusterParts {
  link: RedisLink;
  nodes: RedisNodeSet;
  /** A graceful shutdown: the node leaves the cluster at once. */
  stop(): Promise<void>;
  /** A crash: the connections drop, the presence stays in Redis until it expires. */
  crash(): Promise<void>;
}

/** A key prefix of its own per test run, so parallel runs and leftovers never mix. */
export function seamPrefix(name: string): string {
  return `wst-seam-${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Fails the spec (never skips it) when the shared Redis does not answer. */
export async function requireRedis(): Promise<void> {
  if (!(await redisAnswers())) {
    throw new Error(`Redis is not reachable at 127.0.0.1:${SHARED_REDIS_PORT}: the Redis cluster seam specs need it (start redis-server).`);
  }
}

/** Polls `probe` until it returns a truthy value (returned), or fails after `timeoutMs` naming `what`. */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Builds and starts one node's Redis seams under `prefix` (with `mailbox`, its offline mailbox), and waits until its link is up. */
export async function startSeamNode(
  prefix: string,
  nodeId: string,
  over: Partial<ClusterConfig> = {},
  mailbox: MailboxSettings | null = null,
): Promise<SeamNode> {
  const parts = createRedisCluster(
    {
      url: SEAM_REDIS_URL,
      redisCluster: false,
      nodeId,
      keyPrefix: prefix,
      presenceTtlMs: 3000,
      outboxSize: 100,
      requestTimeoutMs: 500,
      ...over,
    },
    mailbox,
  );
  await parts.link.onApplicationBootstrap();
  parts.nodes.onApplicationBootstrap();
  await eventually(() => parts.link.connected, `${nodeId} to connect to Redis`);
  const requests = parts.requests as RedisClusterRequests;
  // The topic seams' timers start only when a spec bootstraps them; ending them is harmless otherwise.
  const endTopicSeams = () => {
    (parts.topicPresence as RedisClusterTopicPresence).onApplicationShutdown();
    (parts.topicOccupancy as RedisClusterTopicOccupancy).onApplicationShutdown();
  };
  return {
    ...parts,
    stop: async () => {
      endTopicSeams();
      await parts.nodes.beforeApplicationShutdown();
      requests.onApplicationShutdown();
      await parts.link.onApplicationShutdown();
      parts.nodes.onApplicationShutdown();
    },
    crash: async () => {
      endTopicSeams();
      parts.nodes.onApplicationShutdown();
      requests.onApplicationShutdown();
      await parts.link.onApplicationShutdown();
    },
  };
}

/** Deletes every key under `prefix`. */
export async function deleteSeamKeys(prefix: string): Promise<void> {
  const redis = new Redis(SEAM_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The nodes of one spec file: started under the file's own prefix, stopped and their keys deleted after each test. */
export interface SeamNodes {
  readonly prefix: string;
  /** Starts a node (see `startSeamNode`) that is stopped after the test. */
  start(nodeId: string, over?: Partial<ClusterConfig>, mailbox?: MailboxSettings | null): Promise<SeamNode>;
  /** Stops looking after a node the test ends itself (`crash`, `stop`). */
  forget(node: SeamNode): void;
}

/**
 * For a `describe` block of Redis seam specs: fails it when the shared Redis
 * does not answer, and after each test stops the nodes it started and deletes
 * its keys.
 */
export function useSeamNodes(name: string): SeamNodes {
  const prefix = seamPrefix(name);
  const started: SeamNode[] = [];
  beforeAll(requireRedis);
  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.stop()));
    await deleteSeamKeys(prefix);
  });
  afterAll(() => deleteSeamKeys(prefix));
  return {
    prefix,
    start: async (nodeId, over = {}, mailbox = null) => {
      const node = await startSeamNode(prefix, nodeId, over, mailbox);
      started.push(node);
      return node;
    },
    forget: (node) => {
      const at = started.indexOf(node);
      if (at >= 0) started.splice(at, 1);
    },
  };
}
