import { describe, expect, it } from 'vitest';
import { InMemoryClusterDedup } from './in-memory-cluster-dedup.js';

describe('InMemoryClusterDedup', () => {
  it('claims a key once per window', async () => {
    let now = 1000;
    const dedup = new InMemoryClusterDedup(10, () => now);
    expect(await dedup.claim('a', 100)).toBe(true);
    expect(await dedup.claim('a', 100)).toBe(false);
    now += 99;
    expect(await dedup.claim('a', 100)).toBe(false);
    now += 1;
    expect(await dedup.claim('a', 100)).toBe(true);
  });

  it('stays bounded: past its size the oldest claims are forgotten first', () => {
    const dedup = new InMemoryClusterDedup(3, () => 0);
    for (const key of ['a', 'b', 'c', 'd']) expect(dedup.claimNow(key, 1000)).toBe(true);
    expect(dedup.size).toBe(3);
    expect(dedup.claimNow('d', 1000)).toBe(false);
    expect(dedup.claimNow('a', 1000)).toBe(true);
  });
});
