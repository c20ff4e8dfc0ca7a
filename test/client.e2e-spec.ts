import {
  WebSocketToolClient,
  WsRequestError,
  WsRequestFailedError,
  type ClientStateEvent,
  type WebSocketToolClientOptions,
  type WsMessage,
} from '@websocket-tool/client';
import { BroadcastService, ConnectionRegistry } from '@websocket-tool/nestjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ClientFixture } from './fixtures/client.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';

/** Resolves with the first state event that matches, or fails after `timeoutMs`. */
function nextState(client: WebSocketToolClient, match: (e: ClientStateEvent) => boolean, timeoutMs = 10_000): Promise<ClientStateEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching state event within ${timeoutMs} ms (state: ${client.state})`));
    }, timeoutMs);
    const off = client.onState((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

/** Resolves with the next message of `type`. */
function nextMessage(client: WebSocketToolClient, type: string, timeoutMs = 5000): Promise<WsMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    client.once(type, (message) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

describe('client SDK against a real server', () => {
  const clients: WebSocketToolClient[] = [];
  const apps: TestApp[] = [];
  let t: TestApp;

  /** A client that the test closes afterwards; reconnect delays are short so tests stay fast. */
  function connect(url: string, options: WebSocketToolClientOptions = {}): WebSocketToolClient {
    const client = new WebSocketToolClient(url, { backoff: { initialDelayMs: 50, maxDelayMs: 400 }, ...options });
    clients.push(client);
    return client;
  }

  async function startApp(options: Parameters<typeof createTestApp>[0] = {}, port = 0): Promise<TestApp> {
    const app = await createTestApp(options, { providers: [ClientFixture] }, undefined, port);
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    t = await startApp();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  it('connects in Node without being given a WebSocket class, and learns its anonymous id', async () => {
    const client = connect(`${t.ws}/ws`);
    const welcome = await nextMessage(client, 'system.client_connected');
    expect(client.state).toBe('open');
    expect(client.clientId).toMatch(/^anon-/);
    expect(welcome.meta.client_id).toBe(client.clientId);
  });

  it('request() resolves with the reply carrying its id; system.error and silence reject', async () => {
    const client = connect(`${t.ws}/ws`, { WebSocket });
    await client.whenOpen(5000);
    const reply = await client.request<{ hello: string }>('echo', { hello: 'world' });
    expect(reply).toMatchObject({ type: 'echo', content: { hello: 'world' }, meta: { id: expect.any(String) } });
    expect(reply.timestamp).toMatch(/Z$/);

    const unknown = client.request('nobody.home', 1);
    await expect(unknown).rejects.toBeInstanceOf(WsRequestError);
    await expect(unknown).rejects.toMatchObject({ code: 'unknown_type', meta: { original_type: 'nobody.home' } });

    const silent = client.request('silent', null, { timeoutMs: 300 });
    await expect(silent).rejects.toBeInstanceOf(WsRequestFailedError);
    await expect(silent).rejects.toMatchObject({ reason: 'timeout' });
    // Concurrent requests are told apart by their ids.
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => client.request<number>('echo', n)));
    expect(replies.map((r) => r.content)).toEqual([1, 2, 3, 4, 5]);
  });

  it('isolates handlers: a throwing one is reported and the others, including "*", still get the message', async () => {
    const failures: string[] = [];
    const client = connect(`${t.ws}/ws`, { onHandlerError: (error) => failures.push((error as Error).message) });
    const got: string[] = [];
    client.on('echo', () => {
      throw new Error('broken handler');
    });
    client.on('echo', (m) => void got.push(`echo:${String(m.content)}`));
    client.on('*', (m) => void got.push(`any:${m.type}`));
    await client.whenOpen(5000);
    await client.request('echo', 'x');
    expect(got).toContain('echo:x');
    expect(got).toContain('any:echo');
    expect(failures).toEqual(['broken handler']);
  });

  it('subscribes to topics and task topics, and unsubscribes', async () => {
    const client = connect(`${t.ws}/ws`);
    const broadcast = t.app.get(BroadcastService);
    await client.subscribe('room:lobby');
    await client.subscribeTask('42');
    expect(client.topics.toSorted()).toEqual(['room:lobby', 'task:42']);
    const chat = nextMessage(client, 'chat.message');
    broadcast.publish('room:lobby', { type: 'chat.message', content: 'hi room' });
    expect((await chat).content).toBe('hi room');
    const progress = nextMessage(client, 'tasks_worker.task_progress');
    broadcast.publish('task:42', { type: 'tasks_worker.task_progress', content: null, meta: { task_id: '42', percent: 50 } });
    expect((await progress).meta).toMatchObject({ task_id: '42', percent: 50 });
    expect(await client.unsubscribe('room:lobby')).toBe(true);
    expect(client.topics).toEqual(['task:42']);
    await expect(client.subscribe('bad topic!')).rejects.toMatchObject({ code: 'invalid_topic' });
    expect(client.topics).toEqual(['task:42']);
  });

  it('queues sends while reconnecting and flushes them in order once back', async () => {
    const fixture = t.app.get(ClientFixture);
    const client = connect(`${t.ws}/ws/queue-flusher`, { backoff: { initialDelayMs: 300, maxDelayMs: 300 }, random: () => 0.99 });
    await client.whenOpen(5000);
    const reconnecting = nextState(client, (e) => e.state === 'reconnecting');
    expect(t.app.get(ConnectionRegistry).disconnect('queue-flusher')).toBe(true);
    await reconnecting;
    expect([1, 2, 3].map((n) => client.send('record', n))).toEqual(['queued', 'queued', 'queued']);
    expect(client.stats().queued).toBe(3);
    await vi.waitFor(() => expect(fixture.recorded.filter((r) => r.from === 'queue-flusher').map((r) => r.content)).toEqual([1, 2, 3]), {
      timeout: 10_000,
      interval: 20,
    });
    expect(client.stats()).toMatchObject({ queued: 0, connects: 2 });
  });

  it('answers system.ping with system.pong by itself and measures the round trip', async () => {
    const fast = await startApp({ heartbeatInterval: 0.1, heartbeatTimeout: 0.5 });
    const sent: string[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: string): void {
        sent.push(data);
        super.send(data);
      }
    }
    const closes: ClientStateEvent[] = [];
    const client = connect(`${fast.ws}/ws`, { WebSocket: RecordingWebSocket, pingIntervalMs: 0 });
    client.onState((e) => e.state === 'closed' && closes.push(e));
    const pings: WsMessage[] = [];
    client.on('system.ping', (m) => void pings.push(m));
    await vi.waitFor(() => expect(pings.length).toBeGreaterThanOrEqual(3), { timeout: 10_000, interval: 20 });
    const pongs = sent.map((s) => JSON.parse(s) as WsMessage).filter((m) => m.type === 'system.pong');
    expect(pongs.map((m) => m.meta.ping_id)).toEqual(expect.arrayContaining(pings.slice(0, 3).map((p) => p.meta.ping_id)));
    const rtt = await client.ping();
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(5000);
    expect(client.rttMs).toBe(rtt);
    expect(closes).toEqual([]);
  });

  it('replaces a connection on which nothing arrives for deadConnectionTimeoutMs', async () => {
    const quiet = await startApp({ enableHeartbeat: false });
    const warnings: string[] = [];
    const client = connect(`${quiet.ws}/ws`, {
      pingIntervalMs: 0,
      deadConnectionTimeoutMs: 400,
      logger: { warn: (m) => void warnings.push(m), error: () => undefined },
    });
    await client.whenOpen(5000);
    const dead = await nextState(client, (e) => e.state === 'closed');
    expect(dead).toEqual({ state: 'closed', code: 4001, reason: 'heartbeat_timeout', willReconnect: true });
    await nextState(client, (e) => e.state === 'open');
    expect(client.stats().connects).toBe(2);
    expect(warnings.join(' ')).toMatch(/Nothing arrived for 400 ms/);
  });

  it('holds sends while rate limited instead of piling up violations', async () => {
    const limited = await startApp({
      rateLimitMessagesPerWindow: 4,
      rateLimitMessageWindow: 1,
      rateLimitBurstMultiplier: 1,
      rateLimitDisconnectAfter: 2,
    });
    const fixture = limited.app.get(ClientFixture);
    const client = connect(`${limited.ws}/ws/paced`);
    const closes: ClientStateEvent[] = [];
    client.onState((e) => e.state === 'closed' && closes.push(e));
    await client.whenOpen(5000);
    let noticeAt = 0;
    client.on('system.rate_limited', () => void (noticeAt ||= Date.now()));
    const limitedNotice = nextMessage(client, 'system.rate_limited');
    // Five at once: the bucket holds four, so the fifth is refused.
    for (let n = 1; n <= 5; n++) expect(client.send('record', n)).toBe('sent');
    const notice = await limitedNotice;
    expect(notice.meta).toMatchObject({ limit: 4, window: 1, remaining: 0, violations: 1 });
    // Everything sent now waits until retry_after, then goes out at the refill rate.
    for (let n = 6; n <= 11; n++) expect(client.send('record', n)).toBe('queued');
    await vi.waitFor(
      () => expect(fixture.recorded.filter((r) => r.from === 'paced').map((r) => r.content)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11]),
      {
        timeout: 15_000,
        interval: 20,
      },
    );
    const firstHeld = fixture.recorded.find((r) => r.content === 6) as { at: number };
    expect(firstHeld.at).toBeGreaterThanOrEqual(noticeAt + (notice.meta.retry_after as number) * 1000 - 5);
    // One violation only: the connection was never closed for flooding.
    expect(closes).toEqual([]);
    expect(client.state).toBe('open');
  });

  it('stops for good after a terminal close (4500 duplicate_client) while the new owner stays', async () => {
    const first = connect(`${t.ws}/ws`, { clientId: 'same-id' });
    await first.whenOpen(5000);
    const closed = nextState(first, (e) => e.state === 'closed');
    const second = connect(`${t.ws}/ws`, { clientId: 'same-id' });
    expect(await closed).toEqual({ state: 'closed', code: 4500, reason: 'duplicate_client', willReconnect: false });
    expect(first.state).toBe('closed');
    await second.whenOpen(5000);
    expect((await second.request('echo', 'still mine')).content).toBe('still mine');
    expect(first.send('echo', 'late')).toBe('dropped');
  });

  it('reconnects with backoff after the server restarts on the same port and re-subscribes its topics', async () => {
    const first = await startApp();
    const port = first.port;
    const client = connect(`${first.ws}/ws/restarter`);
    await client.subscribe('room:restart');
    const events: ClientStateEvent[] = [];
    client.onState((e) => events.push(e));

    await first.close();
    await vi.waitFor(() => expect(events.filter((e) => e.state === 'reconnecting').length).toBeGreaterThanOrEqual(2), {
      timeout: 10_000,
      interval: 20,
    });
    expect(events[0]).toMatchObject({ state: 'closed', code: 1001, willReconnect: true });
    const delays = events.filter((e) => e.state === 'reconnecting').map((e) => (e as { delayMs: number }).delayMs);
    for (const [i, delay] of delays.entries()) expect(delay).toBeLessThan(Math.min(400, 50 * 2 ** i));

    const reopened = nextState(client, (e) => e.state === 'open', 15_000);
    const second = await startApp({}, port);
    await reopened;
    // The server confirms the re-subscription, so a publish on the new server reaches the client.
    await vi.waitFor(() => expect(second.app.get(ConnectionRegistry).subscribers('room:restart')?.size).toBe(1), {
      timeout: 5000,
      interval: 20,
    });
    const message = nextMessage(client, 'chat.message');
    second.app.get(BroadcastService).publish('room:restart', { type: 'chat.message', content: 'after restart' });
    expect((await message).content).toBe('after restart');
    expect(client.stats()).toMatchObject({ connects: 2, topics: ['room:restart'] });
  });

  it('waits out the Retry-After of a handshake refused with 429, not a long exponential sleep, then connects', async () => {
    // One handshake per 2 s from an address, no burst: the second client is refused with Retry-After: 2.
    const limited = await startApp({ rateLimitConnectionsPerWindow: 1, rateLimitConnectionWindow: 2, rateLimitBurstMultiplier: 1 });
    const first = connect(`${limited.ws}/ws`, { WebSocket });
    await first.whenOpen(5000);
    // Plain backoff would sleep 0.999 × 20 s here; the server's answer is what counts.
    const second = connect(`${limited.ws}/ws`, {
      WebSocket,
      backoff: { initialDelayMs: 20_000, maxDelayMs: 60_000, retryAfterJitterMs: 500 },
      random: () => 0.999,
    });
    const reconnecting = (await nextState(second, (e) => e.state === 'reconnecting')) as Extract<
      ClientStateEvent,
      { state: 'reconnecting' }
    >;
    const refusedAt = Date.now();
    expect(reconnecting).toMatchObject({ attempt: 1, handshakeStatus: 429, retryAfterMs: 2000 });
    expect(reconnecting.delayMs).toBeGreaterThanOrEqual(2000);
    expect(reconnecting.delayMs).toBeLessThanOrEqual(2500);
    await nextState(second, (e) => e.state === 'open', 10_000);
    const backAfterMs = Date.now() - refusedAt;
    expect(backAfterMs).toBeGreaterThanOrEqual(1900);
    expect(backAfterMs).toBeLessThan(5000);
    expect(second.stats()).toMatchObject({ connects: 1, attempt: 0 });
    expect((await second.request('echo', 'let in')).content).toBe('let in');
  });
});
