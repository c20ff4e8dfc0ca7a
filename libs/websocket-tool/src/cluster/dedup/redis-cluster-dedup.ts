import type { RedisLink } from '../redis/redis-link.js';
import { ClusterDedup } from './cluster-dedup.js';
import { InMemoryClusterDedup } from './in-memory-cluster-dedup.js';

/** How long a claim waits for Redis before this node decides alone. */
const CLAIM_TIMEOUT_MS = 1000;

/**
 * Keys in Redis (`SET key 1 PX window NX`), shared by every node. While the link is down, or when Redis
 * does not answer within a second, this node's own memory decides: once per node rather than once per
 * cluster, never a lost message.
 *
 * @internal
 */
export class RedisClusterDedup extends ClusterDedup {
  private readonly local = new InMemoryClusterDedup();

  constructor(private readonly link: RedisLink) {
    super();
  }

  async claim(key: string, windowMs: number): Promise<boolean> {
    const pub = this.link.connectedPub();
    if (!pub) return this.local.claimNow(key, windowMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        pub.set(this.link.keys.idempotencyKey(key), '1', 'PX', Math.max(1, Math.round(windowMs)), 'NX'),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), CLAIM_TIMEOUT_MS);
        }),
      ]);
      if (answer === 'timeout') return this.local.claimNow(key, windowMs);
      return answer === 'OK';
    } catch {
      return this.local.claimNow(key, windowMs);
    } finally {
      clearTimeout(timer);
    }
  }
}
