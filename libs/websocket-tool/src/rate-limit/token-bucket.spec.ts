import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket (injected clock)', () => {
  it('with the defaults (60 per 60 s, ×2) allows a burst of 120, then one per second', () => {
    let now = 1_000_000;
    const bucket = TokenBucket.forWindow(60, 60_000, 2, now);
    let accepted = 0;
    while (bucket.take(now)) accepted++;
    expect(accepted).toBe(120);
    expect(bucket.retryAfterSeconds(now)).toBeCloseTo(1, 6);
    now += 999;
    expect(bucket.take(now)).toBe(false);
    now += 1;
    expect(bucket.take(now)).toBe(true);
    expect(bucket.take(now)).toBe(false);
  });

  it('5 per 1 s ×2: exactly 10 in a burst, the 11th waits 0.2 s', () => {
    let now = 0;
    const bucket = TokenBucket.forWindow(5, 1000, 2, now);
    for (let i = 0; i < 10; i++) expect(bucket.take(now)).toBe(true);
    expect(bucket.take(now)).toBe(false);
    expect(bucket.retryAfterSeconds(now)).toBeCloseTo(0.2, 6);
    now += 200;
    expect(bucket.take(now)).toBe(true);
  });

  it('never holds more than its capacity, and reports whole tokens remaining', () => {
    let now = 0;
    const bucket = TokenBucket.forWindow(10, 1000, 1.5, now);
    expect(bucket.remaining(now)).toBe(15);
    bucket.take(now);
    expect(bucket.remaining(now)).toBe(14);
    now += 60_000;
    expect(bucket.remaining(now)).toBe(15);
    expect(bucket.isFull(now)).toBe(true);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = TokenBucket.forWindow(1, 1000, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(2000)).toBe(true);
  });
});
