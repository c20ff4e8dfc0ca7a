import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoff', () => {
  it('doubles the ceiling from 1 s and caps it at 30 s by default', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50, 5000].map((n) => backoffCeiling(n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000,
    ]);
  });

  it('uses the configured cap, start and multiplier', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 3 };
    expect([0, 1, 2, 3].map((n) => backoffCeiling(n, options))).toEqual([100, 300, 900, 1000]);
  });

  it('draws full jitter: anywhere from 0 up to (not including) the ceiling', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(7999);
    fc.assert(
      fc.property(fc.nat(200), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
        return delay >= 0 && delay < backoffCeiling(attempt) && Number.isInteger(delay);
      }),
    );
  });

  it('spreads clients that reconnect after the same restart', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 1000 }, () => backoffDelay(0, DEFAULT_BACKOFF, random));
    const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
    // 1000 clients over the first second land in all ten 100 ms slots.
    expect(buckets.size).toBe(10);
  });
});
