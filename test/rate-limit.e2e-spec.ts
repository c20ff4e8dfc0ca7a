import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, handshakeStatus, sleep } from './utils/ws-test-client.js';
import { GuardedFixture, GuardedUnlimitedFixture, RateLimitFixture, UnlimitedClassFixture } from './fixtures/rate-limit.fixture.js';

describe('message rate limit (token bucket per connection)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const small = { rateLimitMessagesPerWindow: 5, rateLimitMessageWindow: 1, rateLimitBurstMultiplier: 2, rateLimitDisconnectAfter: 3 };

  it('accepts exactly 10 in a burst; the 11th gets system.rate_limited with retry_after ≈ 0.2 s; after waiting one more passes', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws/burst`);
    for (let i = 0; i < 11; i++) c.send({ type: 'echo', content: i, meta: { id: `m${i}` } });
    const limited = await c.next('system.rate_limited');
    await sleep(100);
    expect(c.ofType('echo').map((m) => m.content)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limited.content).toBe('Rate limit exceeded');
    expect(limited.meta).toMatchObject({ id: 'm10', limit: 5, window: 1, remaining: 0, violations: 1 });
    expect(limited.meta.retry_after as number).toBeGreaterThan(0.05);
    expect(limited.meta.retry_after as number).toBeLessThanOrEqual(0.2);
    await sleep((limited.meta.retry_after as number) * 1000 + 20);
    expect((await c.request({ type: 'echo', content: 'again' })).content).toBe('again');
    const info = t.app.get(ConnectionRegistry).info('burst');
    expect(info?.rateLimitViolations).toBe(1);
    expect(t.app.get(WsStatsService).rateLimitedMessages).toBe(1);
    c.close();
  });

  it('keep-alive messages use a bucket of their own: the message budget stays whole', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    // rateLimitControlPerSecond 10 × burst 2: twenty pings at once, beside a full message burst.
    for (let i = 0; i < 20; i++) c.send({ type: 'system.ping', meta: { id: i } });
    for (let i = 0; i < 10; i++) c.send({ type: 'echo', content: i });
    await c.next((m) => m.type === 'echo' && m.content === 9);
    await c.next((m) => m.type === 'system.pong' && m.meta.id === 19);
    expect(c.ofType('system.pong')).toHaveLength(20);
    expect(c.ofType('echo')).toHaveLength(10);
    expect(c.ofType('system.rate_limited')).toHaveLength(0);
    c.close();
  });

  it('a keep-alive flood is limited by its own ceiling and closed with 1008 past the violation count', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws/pinger`);
    for (let i = 0; i < 40; i++) c.send({ type: i % 2 ? 'system.pong' : 'system.ping', meta: { id: i } });
    expect(await c.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    const limited = c.ofType('system.rate_limited');
    expect(limited).toHaveLength(2);
    expect(limited[0].meta).toMatchObject({ limit: 10, window: 1 });
  });

  it('other system.* messages, known or not, are charged like any message', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws/sys`);
    for (let i = 0; i < 5; i++) c.send({ type: 'system.subscribe', content: { topic: `t${i}` }, meta: { id: i } });
    for (let i = 5; i < 10; i++) c.send({ type: 'system.made_up', meta: { id: i } });
    c.send({ type: 'system.unsubscribe', content: { topic: 't0' }, meta: { id: 10 } });
    const limited = await c.next('system.rate_limited');
    expect(limited.meta.id).toBe(10);
    expect(c.ofType('system.subscribed')).toHaveLength(5);
    expect(c.ofType('system.error').map((m) => m.meta.code)).toEqual(Array(5).fill('unknown_type'));
    c.close();
  });

  it('closes with 1008 rate_limited after N consecutive violations; a compliant client is never limited', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture] });
    const stats = t.app.get(WsStatsService);
    const flooder = await WsTestClient.connect(`${t.ws}/ws/flooder`);
    const polite = await WsTestClient.connect(`${t.ws}/ws/polite`);
    const politeDone = (async () => {
      for (let i = 0; i < 8; i++) {
        expect((await polite.request({ type: 'echo', content: i })).content).toBe(i);
        await sleep(250);
      }
    })();
    for (let i = 0; i < 13; i++) flooder.send({ type: 'echo', content: i });
    expect(await flooder.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    expect(flooder.ofType('system.rate_limited')).toHaveLength(2);
    await politeDone;
    expect(polite.ofType('system.rate_limited')).toHaveLength(0);
    expect(stats.rateLimitDisconnects).toBe(1);
    expect(stats.disconnectionsByReason.rate_limited).toBe(1);
    expect(stats.topRateLimitedClients.top(1)[0]).toEqual({ key: 'flooder', count: 3 });
    polite.close();
  });

  it('an accepted message resets the violation count', async () => {
    t = await createTestApp({ ...small, rateLimitDisconnectAfter: 2 }, { providers: [RateLimitFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws/resets`);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 11; i++) c.send({ type: 'echo', content: i });
      const limited = await c.next('system.rate_limited');
      expect(limited.meta.violations).toBe(1);
      await sleep(2100);
    }
    expect(t.app.get(ConnectionRegistry).has('resets')).toBe(true);
    c.close();
  }, 15_000);

  it('an admitted message that is not processed successfully does not end the streak', async () => {
    t = await createTestApp({ ...small, rateLimitDisconnectAfter: 2 }, { providers: [RateLimitFixture, GuardedFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws/streak`);
    for (let i = 0; i < 11; i++) c.send({ type: 'echo', content: i });
    expect((await c.next('system.rate_limited')).meta.violations).toBe(1);
    await sleep(500);
    // Two tokens: both messages are admitted, neither succeeds.
    c.send({ type: 'fails', meta: { id: 'f' } });
    c.send({ type: 'no.such.type', meta: { id: 'u' } });
    await c.next((m) => m.type === 'system.error' && m.meta.id === 'u');
    c.send({ type: 'echo', content: 'over' });
    expect(await c.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    expect(c.ofType('system.rate_limited')).toHaveLength(1);
  });

  it('RateLimitGuard applies a stricter limit on top of the connection limit; the handler is not called past it', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture, GuardedFixture] });
    const fixture = t.app.get(GuardedFixture);
    const c = await WsTestClient.connect(`${t.ws}/ws/guarded`);
    expect((await c.request({ type: 'guarded.strict' })).content).toBe('ok');
    expect((await c.request({ type: 'guarded.strict' })).content).toBe('ok');
    // The reply is matched by the request's meta.id: the refusal echoes it.
    const limited = await c.request({ type: 'guarded.strict' });
    expect(limited).toMatchObject({
      type: 'system.rate_limited',
      content: 'Rate limit exceeded',
      meta: { limit: 2, window: 10, remaining: 0, violations: 1 },
    });
    expect(fixture.calls).toBe(2);
    // The connection limit applies too: 3 guarded + 7 echo use the burst of 10.
    for (let i = 0; i < 7; i++) expect((await c.request({ type: 'echo', content: i })).content).toBe(i);
    const overDefault = await c.request({ type: 'echo', content: 'x' });
    expect(overDefault).toMatchObject({ type: 'system.rate_limited', meta: { limit: 5, window: 1 } });
    c.close();
  });

  it('RateLimitGuard shares a named limit between handlers, and @SkipWsRateLimit turns it off', async () => {
    t = await createTestApp(small, { providers: [GuardedFixture, GuardedUnlimitedFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    expect((await c.request({ type: 'export.csv' })).content).toBe('csv');
    expect(await c.request({ type: 'export.pdf' })).toMatchObject({ type: 'system.rate_limited', meta: { limit: 1, window: 10 } });
    for (let i = 0; i < 30; i++) c.send({ type: 'guarded.unlimited' });
    await c.next(() => c.ofType('guarded.unlimited').length === 30);
    expect(c.ofType('system.rate_limited')).toHaveLength(1);
    c.close();
  });

  it('honours @WsRateLimit and @SkipWsRateLimit on handlers and classes', async () => {
    t = await createTestApp(small, { providers: [RateLimitFixture, UnlimitedClassFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    for (let i = 0; i < 30; i++) c.send({ type: 'unlimited' });
    for (let i = 0; i < 30; i++) c.send({ type: 'class.unlimited' });
    await c.next((m) => m.type === 'class.unlimited' && c.ofType('class.unlimited').length === 30);
    expect(c.ofType('unlimited')).toHaveLength(30);
    expect(c.ofType('system.rate_limited')).toHaveLength(0);
    expect((await c.request({ type: 'strict' })).content).toBe('ok');
    const limited = await c.request({ type: 'strict' });
    expect(limited).toMatchObject({ type: 'system.rate_limited', meta: { limit: 1, window: 10 } });
    // The strict handler's own bucket does not drain the default one.
    expect((await c.request({ type: 'echo', content: 'x' })).content).toBe('x');
    c.close();
  });
});

describe('connection rate limit (per IP, at the handshake)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the 21st rapid handshake with 10 ×2 gets 429 with Retry-After; after waiting it succeeds', async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 10, rateLimitConnectionWindow: 10, rateLimitBurstMultiplier: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await handshakeStatus(`${t.ws}/ws`)).status);
    expect(statuses.every((s) => s === 101)).toBe(true);
    const refused = await handshakeStatus(`${t.ws}/ws`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(t.app.get(WsStatsService).rateLimitedConnections).toBeGreaterThanOrEqual(1);
    await sleep(Number(refused.headers['retry-after']) * 1000);
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(101);
  });

  it('with trustProxy the limit follows X-Forwarded-For; without it the header is ignored', async () => {
    t = await createTestApp({
      rateLimitConnectionsPerWindow: 1,
      rateLimitConnectionWindow: 60,
      rateLimitBurstMultiplier: 1,
      trustProxy: 1,
    });
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(429);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-forwarded-for': '203.0.113.2' } })).status).toBe(101);
    await t.close();

    t = await createTestApp({
      rateLimitConnectionsPerWindow: 1,
      rateLimitConnectionWindow: 60,
      rateLimitBurstMultiplier: 1,
      trustProxy: 0,
    });
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-forwarded-for': '203.0.113.1' } })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-forwarded-for': '203.0.113.2' } })).status).toBe(429);
  });

  it('maxConnections refuses upgrades with 503 when full', async () => {
    t = await createTestApp({ maxConnections: 2 });
    const a = await WsTestClient.connect(`${t.ws}/ws`);
    const b = await WsTestClient.connect(`${t.ws}/ws`);
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(503);
    a.close();
    await a.closed;
    await sleep(50);
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(101);
    b.close();
  });
});
