import { ClusterDedup } from './cluster-dedup.js';

/** How many keys one node remembers at most; the oldest claims go first past it. */
export const MAX_LOCAL_KEYS = 100_000;

/**
 * The keys of one node, each until its window ends, at most `maxKeys` (the oldest claims forgotten first):
 * a single node's dedup, and a Redis node's while Redis cannot answer.
 *
 * @internal
 */
export class InMemoryClusterDedup extends ClusterDedup {
  /** Claim time plus window, by key, in claim order (a Map keeps insertion order). */
  private readonly keys = new Map<string, number>();

  constructor(
    private readonly maxKeys = MAX_LOCAL_KEYS,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  get size(): number {
    return this.keys.size;
  }

  claim(key: string, windowMs: number): Promise<boolean> {
    return Promise.resolve(this.claimNow(key, windowMs));
  }

  claimNow(key: string, windowMs: number): boolean {
    const now = this.now();
    const until = this.keys.get(key);
    if (until !== undefined && until > now) return false;
    this.keys.delete(key);
    this.keys.set(key, now + windowMs);
    this.prune(now);
    return true;
  }

  private prune(now: number): void {
    for (const [key, until] of this.keys) {
      if (this.keys.size <= this.maxKeys && until > now) break;
      this.keys.delete(key);
    }
  }
}
