/**
 * Cluster mode: several instances of the app behave as one WebSocket server,
 * through Redis pub/sub (see docs/clustering.md). Turned on by a Redis URL,
 * here or in `FP_WST_REDIS_URL` (which wins).
 *
 * @example
 * ```ts
 * WebSocketToolModule.forRoot({ cluster: { redis: { url: 'redis://redis:6379' } } });
 * ```
 * @publicApi
 */
export interface WebSocketClusterOptions {
  /**
   * The Redis server shared by the nodes: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS.
   * Several comma-separated URLs are the seeds of a Redis Cluster (credentials and TLS of the first apply to all);
   * `cluster: true` makes a single URL a Redis Cluster seed too. @default none (single node)
   */
  redis?: { url: string; cluster?: boolean };
  /**
   * This node's id, unique in the cluster: 1 to 64 letters, digits and `._:-`. Admin rows carry it.
   * @default '<hostname>-<pid>-<6 random hex digits>'
   */
  nodeId?: string;
  /**
   * Seconds a node's presence lives in Redis without a refresh; each node refreshes its own every third of it.
   * A node that dies is gone from the cluster within this time (plus one refresh of the others). From 1 to 3600.
   * @default 10
   */
  presenceTtlSeconds?: number;
  /** Messages kept for other nodes while Redis is unreachable; past it they are dropped and counted. From 0 to 1000000. @default 1000 */
  outboxSize?: number;
  /** Prefix of every Redis key and channel, so independent clusters can share one Redis: 1 to 64 of `A-Za-z0-9._:-`. @default 'wst' */
  keyPrefix?: string;
  /** Seconds an admin request (cluster client list, stats, disconnect) waits for the other nodes' answers. From 0.1 to 60. @default 2 */
  requestTimeoutSeconds?: number;
}
