/**
 * Cluster settings in force, with defaults applied and times in milliseconds.
 *
 * @publicApi
 */
export interface ClusterSettings {
  /** The Redis URL in force (`FP_WST_REDIS_URL`, else `cluster.redis.url`, else `redisUrl`). */
  readonly url: string;
  /** `cluster.nodeId`, or a generated one. */
  readonly nodeId: string;
  /** `cluster.presenceTtlSeconds` in milliseconds. */
  readonly presenceTtlMs: number;
  readonly outboxSize: number;
  readonly keyPrefix: string;
  /** `cluster.requestTimeoutSeconds` in milliseconds. */
  readonly requestTimeoutMs: number;
}
