import { describe, expect, it } from 'vitest';
import { IpConnectionLimiter } from './ip-connection-limiter.js';

describe('IpConnectionLimiter', () => {
  it('admits 10 ×2 = 20 handshakes per IP, then refuses with a retry time', () => {
    const limiter = new IpConnectionLimiter(10, 60_000, 2);
    for (let i = 0; i < 20; i++) expect(limiter.admit('1.2.3.4', 0).allowed).toBe(true);
    const refused = limiter.admit('1.2.3.4', 0);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 6 });
    expect(limiter.admit('5.6.7.8', 0).allowed).toBe(true);
    expect(limiter.admit('1.2.3.4', 6000).allowed).toBe(true);
  });

  it('keeps its table bounded under a flood of addresses and counts evictions', () => {
    const limiter = new IpConnectionLimiter(1, 60_000, 1, 100);
    for (let i = 0; i < 1000; i++) limiter.admit(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(limiter.size).toBe(100);
    expect(limiter.evictions).toBe(900);
  });

  it('forgets addresses whose bucket has refilled', () => {
    const limiter = new IpConnectionLimiter(2, 1000, 1);
    limiter.admit('a', 0);
    limiter.admit('b', 0);
    limiter.sweep(200);
    expect(limiter.size).toBe(2);
    limiter.sweep(1000);
    expect(limiter.size).toBe(0);
  });
});
