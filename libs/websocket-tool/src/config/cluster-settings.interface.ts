/**
 * Cluster settings in force, with defaults applied and times in milliseconds.
 *
 * @publicApi
 */
export interface ClusterSettings {
  /** The Redis URL in force (`FP_WST_REDIS_URL`, else `cluster.redis.url`, else `redisUrl`): one, or comma-separated seeds. */
  readonly url: string;
  /** True when the URL names a Redis Cluster (several seeds, or `cluster.redis.cluster`): sharded pub/sub, hash-tagged keys. */
  readonly redisCluster: boolean;
  /** `cluster.nodeId`, or a generated one. */
  readonly nodeId: string;
  /** `cluster.presenceTtlSeconds` in milliseconds. */
  readonly presenceTtlMs: number;
  /** `cluster.outboxSize`. */
  readonly outboxSize: number;
  /** `cluster.keyPrefix`. */
  readonly keyPrefix: string;
  /** `cluster.requestTimeoutSeconds` in milliseconds. */
  readonly requestTimeoutMs: number;
}
