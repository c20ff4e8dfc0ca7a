import type { RedisLink } from '../redis/redis-link.js';
import { ClusterAdmission, type ClusterIpAdmission } from './cluster-admission.js';

/** How long a handshake waits for the cluster-wide IP bucket before using the local one. */
const IP_ADMIT_TIMEOUT_MS = 1000;

/**
 * The per-IP handshake bucket in Redis, one per IP for every node, run by a
 * Lua script on Redis's clock. While the link is down, or when Redis does not
 * answer within a second, the caller's own bucket decides.
 *
 * @internal
 */
export class RedisClusterAdmission extends ClusterAdmission {
  constructor(private readonly link: RedisLink) {
    super();
  }

  admit(ip: string, capacity: number, ratePerMs: number): Promise<ClusterIpAdmission | null> | null {
    if (this.link.connectedPub() === null) return null;
    return this.admitInRedis(ip, capacity, ratePerMs);
  }

  private async admitInRedis(ip: string, capacity: number, ratePerMs: number): Promise<ClusterIpAdmission | null> {
    const pub = this.link.connectedPub();
    if (!pub) return null;
    const ttlMs = Math.ceil(capacity / ratePerMs) + 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        pub.wstIpAdmit(this.link.keys.ipBucket(ip), capacity, ratePerMs, ttlMs),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), IP_ADMIT_TIMEOUT_MS);
        }),
      ]);
      if (!answer) return null;
      // The script answers in milliseconds; the handshake's Retry-After is in seconds.
      return Number(answer[0]) === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: Number(answer[1]) / 1000 };
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
