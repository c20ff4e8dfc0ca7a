import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, retryAfterDelay } from './backoff.js';

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

  it('waits out Retry-After, then spreads over a window that doubles per refusal in a row and stops at 5 s', () => {
    expect([1, 2, 3, 4, 5, 50].map((refusals) => retryAfterDelay(1000, refusals, DEFAULT_BACKOFF, () => 0.999999))).toEqual([
      2000, 3000, 5000, 6000, 6000, 6000,
    ]);
    expect(retryAfterDelay(1000, 7, DEFAULT_BACKOFF, () => 0)).toBe(1000);
    // A long Retry-After is honoured in full; the spread on top stays within the cap.
    expect(retryAfterDelay(60_000, 1, DEFAULT_BACKOFF, () => 0.999999)).toBe(65_000);
    // Retry-After: 0 still spreads over the first backoff ceiling.
    expect(retryAfterDelay(0, 1, DEFAULT_BACKOFF, () => 0.5)).toBe(500);
    expect(retryAfterDelay(2000, 3, { ...DEFAULT_BACKOFF, retryAfterJitterMs: 0 }, () => 0.7)).toBe(2000);
    fc.assert(
      fc.property(
        fc.nat(3_600_000),
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retryAfter, refusals, r) => {
          const delay = retryAfterDelay(retryAfter, refusals, DEFAULT_BACKOFF, () => r);
          return Number.isInteger(delay) && delay >= retryAfter && delay <= retryAfter + DEFAULT_BACKOFF.retryAfterJitterMs;
        },
      ),
    );
  });

  it('lets a refused crowd of 2,000 into a 600 + 60/s admission limit within seconds of the fastest possible', () => {
    // The reconnection storm in miniature: a token bucket like the server's per-IP handshake limit
    // (300 per 5 s, burst ×2), every refusal answered with Retry-After as the server computes it.
    const clients = 2000;
    const capacity = 600;
    const ratePerMs = 60 / 1000;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let tokens = capacity;
    let updatedAt = 0;
    const refusals = Array.from({ length: clients }, () => 0);
    // Everyone's first attempt lands within the first second (the first backoff ceiling).
    let due = Array.from({ length: clients }, (_, id) => ({ id, at: backoffDelay(0, DEFAULT_BACKOFF, random) }));
    let refused = 0;
    let lastIn = 0;
    for (let round = 0; due.length > 0 && round < 1000; round++) {
      due = due.toSorted((a, b) => a.at - b.at);
      const next: typeof due = [];
      // Attempts due before the earliest retry this round can schedule (≥ 1 s later) are final for the round.
      const horizon = due[0].at + 1000;
      for (const attempt of due) {
        if (attempt.at >= horizon) {
          next.push(attempt);
          continue;
        }
        tokens = Math.min(capacity, tokens + (attempt.at - updatedAt) * ratePerMs);
        updatedAt = attempt.at;
        if (tokens >= 1) {
          tokens -= 1;
          lastIn = attempt.at;
          continue;
        }
        refused++;
        const retryAfterMs = Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)) * 1000;
        next.push({ id: attempt.id, at: attempt.at + retryAfterDelay(retryAfterMs, ++refusals[attempt.id], DEFAULT_BACKOFF, random) });
      }
      due = next;
    }
    expect(due).toHaveLength(0);
    const fastestMs = ((clients - capacity) / ratePerMs) | 0;
    // The server could not take them faster than 23.3 s; the spread adds at most about half its 5 s window.
    expect(lastIn).toBeGreaterThanOrEqual(fastestMs);
    expect(lastIn).toBeLessThan(fastestMs + 3500);
    // About one refused knock per second per waiting client at most, not a tight loop.
    expect(refused).toBeLessThan(clients * 10);
  });
});
