import { afterEach, describe, expect, it } from 'vitest';
import { backoffCeiling } from './backoff.js';
import type { ClientClock } from './clock.interface.js';
import type { ClientLogger } from './client-logger.interface.js';
import type { WebSocketToolClientOptions } from './client-options.interface.js';
import type { ClientStateEvent } from './client-state.interface.js';
import type { WsOutgoingMessage } from './message.interface.js';
import { WsRequestFailedError } from './request-errors.js';
import { WebSocketToolClient } from './websocket-tool-client.js';
import type { WebSocketLike } from './websocket-like.interface.js';

/** Timers that run only when the test advances time. */
class ManualClock implements ClientClock {
  time = 0;
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private nextId = 1;

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  pending(): number {
    return this.timers.length;
  }
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      const due = this.timers.filter((t) => t.at <= target).toSorted((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }
}

type Listener = (event: never) => void;

/** A socket the test opens, feeds and closes by hand. */
class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: Array<WsOutgoingMessage & { meta: Record<string, unknown> }> = [];
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.instances.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }
  open(): void {
    this.readyState = 1;
    this.fire('open', {});
  }
  receive(message: unknown): void {
    this.fire('message', { data: JSON.stringify(message) });
  }
  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire('close', { code, reason });
  }
  private fire(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (e: unknown) => void)(event);
  }
}

type ResponseListener = (request: unknown, response: { statusCode: number; headers: Record<string, string>; resume(): void }) => void;

/**
 * A socket that is an event emitter too, like the `ws` package's: a refused
 * handshake reaches its `unexpected-response` listeners, and `terminate()`
 * during the handshake ends it with 1006 on a later tick, as `ws` does.
 */
class EmitterSocket extends FakeSocket {
  readonly refusalListeners: ResponseListener[] = [];
  terminated = 0;
  on(event: string, listener: ResponseListener): this {
    if (event === 'unexpected-response') this.refusalListeners.push(listener);
    return this;
  }
  terminate(): void {
    this.terminated++;
    if (this.readyState !== 0) return;
    this.readyState = 2;
    queueMicrotask(() => this.serverClose(1006));
  }
  /** The server answers the upgrade with an HTTP status instead of 101. */
  refuse(statusCode: number, headers: Record<string, string> = {}): void {
    for (const listener of this.refusalListeners) listener({}, { statusCode, headers, resume: () => undefined });
  }
}

/** The newest socket, as the emitter socket it is in tests that pass `WebSocket: EmitterSocket`. */
const emitterSocket = (latest: () => FakeSocket) => latest() as EmitterSocket;

/** Lets the client's async connect (WebSocket class, token) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const quietLogger = (): ClientLogger & { errors: unknown[][] } => {
  const errors: unknown[][] = [];
  return { errors, warn: () => undefined, error: (...args: unknown[]) => void errors.push(args) };
};

describe('WebSocketToolClient (unit, manual clock)', () => {
  const clients: WebSocketToolClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    FakeSocket.instances = [];
  });

  function create(options: WebSocketToolClientOptions = {}) {
    const clock = new ManualClock();
    const events: ClientStateEvent[] = [];
    const client = new WebSocketToolClient('ws://server.test/ws', {
      WebSocket: FakeSocket,
      clock,
      pingIntervalMs: 0,
      deadConnectionTimeoutMs: 0,
      logger: quietLogger(),
      ...options,
    });
    client.onState((e) => events.push(e));
    clients.push(client);
    const latest = () => FakeSocket.instances[FakeSocket.instances.length - 1];
    return { client, clock, events, latest };
  }

  it('retries after each failure with a full-jitter delay inside the growing ceiling, then resets on open', async () => {
    const draws = [0.9, 0.1, 0.5, 0.99, 0.0, 0.7, 0.3];
    let i = 0;
    const { clock, events, latest } = create({ random: () => draws[i++ % draws.length], backoff: { maxDelayMs: 10_000 } });
    await settle();
    for (let attempt = 0; attempt < 7; attempt++) {
      const socket = latest();
      socket.serverClose(1006);
      const reconnecting = events.filter((e) => e.state === 'reconnecting').at(-1) as Extract<ClientStateEvent, { state: 'reconnecting' }>;
      const ceiling = backoffCeiling(attempt, { initialDelayMs: 1000, maxDelayMs: 10_000, multiplier: 2 });
      expect(reconnecting.delayMs).toBe(Math.floor(draws[attempt] * ceiling));
      expect(reconnecting.delayMs).toBeGreaterThanOrEqual(0);
      expect(reconnecting.delayMs).toBeLessThan(ceiling);
      expect(reconnecting.retryAt).toBe(clock.now() + reconnecting.delayMs);
      // Not one millisecond early...
      if (reconnecting.delayMs > 0) {
        clock.advance(reconnecting.delayMs - 1);
        await settle();
        expect(latest()).toBe(socket);
      }
      // ...and on time.
      clock.advance(reconnecting.delayMs > 0 ? 1 : 0);
      await settle();
      expect(latest()).not.toBe(socket);
    }
    latest().open();
    expect(events.at(-1)).toEqual({ state: 'open', attempt: 7 });
    latest().serverClose(1001, 'shutdown');
    const afterOpen = events.at(-1) as Extract<ClientStateEvent, { state: 'reconnecting' }>;
    // Back to the first ceiling (1 s) after a successful connection.
    expect(afterOpen.delayMs).toBeLessThan(1000);
  });

  it('stops after a terminal close code unless shouldReconnect says otherwise', async () => {
    const { client, events, latest, clock } = create();
    await settle();
    latest().open();
    latest().serverClose(4500, 'duplicate_client');
    expect(events.at(-1)).toEqual({ state: 'closed', code: 4500, reason: 'duplicate_client', willReconnect: false });
    expect(client.state).toBe('closed');
    expect(clock.pending()).toBe(0);

    const custom = create({ shouldReconnect: () => true, random: () => 0 });
    await settle();
    custom.latest().open();
    custom.latest().serverClose(4500, 'duplicate_client');
    expect(custom.client.state).toBe('reconnecting');
  });

  it('gives up after maxReconnectAttempts failures in a row', async () => {
    const { client, clock, latest } = create({ maxReconnectAttempts: 2, random: () => 0 });
    await settle();
    latest().serverClose(1006);
    clock.advance(0);
    await settle();
    latest().serverClose(1006);
    clock.advance(0);
    await settle();
    expect(FakeSocket.instances).toHaveLength(3);
    latest().serverClose(1006);
    expect(client.state).toBe('closed');
  });

  it('replaces a connection that stays silent for deadConnectionTimeoutMs, but not a talking one', async () => {
    const { clock, events, latest } = create({ deadConnectionTimeoutMs: 5000, random: () => 0 });
    await settle();
    const socket = latest();
    socket.open();
    for (let t = 0; t < 5; t++) {
      clock.advance(4000);
      socket.receive({ type: 'system.ping', content: 'ping', meta: { ping_id: `p${t}` } });
    }
    expect(events.filter((e) => e.state === 'closed')).toHaveLength(0);
    // The client answered every ping by itself.
    expect(socket.sent.filter((m) => m.type === 'system.pong').map((m) => m.meta.ping_id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    clock.advance(5000);
    expect(events.find((e) => e.state === 'closed')).toEqual({
      state: 'closed',
      code: 4001,
      reason: 'heartbeat_timeout',
      willReconnect: true,
    });
    clock.advance(0);
    await settle();
    expect(latest()).not.toBe(socket);
  });

  it('sends its own pings on pingIntervalMs and records the round trip', async () => {
    const { client, clock, latest } = create({ pingIntervalMs: 1000 });
    await settle();
    latest().open();
    clock.advance(1000);
    const ping = latest().sent.find((m) => m.type === 'system.ping');
    expect(ping?.meta.id).toEqual(expect.any(String));
    clock.advance(37);
    latest().receive({ type: 'system.pong', content: 'pong', meta: { id: ping?.meta.id, ping_id: ping?.meta.ping_id } });
    await settle();
    expect(client.rttMs).toBe(37);
  });

  it('bounds the offline queue: drop-oldest evicts the head, drop-newest refuses the new one', async () => {
    const dropped: unknown[] = [];
    const oldest = create({ autoConnect: false, offlineQueueSize: 2, onDrop: (m, reason) => dropped.push([m.content, reason]) });
    expect(['a', 'b', 'c'].map((c) => oldest.client.send('note', c))).toEqual(['queued', 'queued', 'queued']);
    expect(dropped).toEqual([['a', 'queue_full']]);
    oldest.client.connect();
    await settle();
    oldest.latest().open();
    expect(oldest.latest().sent.map((m) => m.content)).toEqual(['b', 'c']);

    const newest = create({ autoConnect: false, offlineQueueSize: 2, offlineDropPolicy: 'newest' });
    expect(['a', 'b', 'c'].map((c) => newest.client.send('note', c))).toEqual(['queued', 'queued', 'dropped']);
    newest.client.connect();
    await settle();
    newest.latest().open();
    expect(newest.latest().sent.map((m) => m.content)).toEqual(['a', 'b']);
  });

  it('holds sends for retry_after, then paces them at the server refill rate', async () => {
    const { client, clock, latest } = create();
    await settle();
    const socket = latest();
    socket.open();
    expect(client.send('note', 1)).toBe('sent');
    socket.receive({ type: 'system.rate_limited', content: 'Rate limit exceeded', meta: { retry_after: 0.5, limit: 2, window: 1 } });
    expect(client.send('note', 2)).toBe('queued');
    expect(client.send('note', 3)).toBe('queued');
    expect(client.stats().rateLimitedUntil).toBeGreaterThan(clock.now());
    clock.advance(499);
    expect(socket.sent.map((m) => m.content)).toEqual([1]);
    clock.advance(100);
    expect(socket.sent.map((m) => m.content)).toEqual([1, 2]);
    // The server refills one message per 500 ms: the next one waits for it.
    clock.advance(400);
    expect(socket.sent.map((m) => m.content)).toEqual([1, 2]);
    clock.advance(200);
    expect(socket.sent.map((m) => m.content)).toEqual([1, 2, 3]);
    // After a quiet window, sends go straight out again.
    clock.advance(2000);
    expect(client.send('note', 4)).toBe('sent');
  });

  it('re-sends a request the server refused as rate-limited, and rejects requests on connection loss', async () => {
    const { client, clock, latest } = create({ random: () => 0 });
    await settle();
    const socket = latest();
    socket.open();
    const reply = client.request('work', 1);
    const first = socket.sent[0];
    socket.receive({ type: 'system.rate_limited', content: 'Rate limit exceeded', meta: { id: first.meta.id, retry_after: 0.2 } });
    clock.advance(300);
    expect(socket.sent.map((m) => m.meta.id)).toEqual([first.meta.id, first.meta.id]);
    socket.receive({ type: 'work', content: 'done', meta: { id: first.meta.id } });
    await expect(reply).resolves.toMatchObject({ content: 'done' });

    const lost = client.request('work', 2);
    socket.serverClose(1006);
    await expect(lost).rejects.toMatchObject({ reason: 'connection_lost' });
    const timedOut = client.request('work', 3, { timeoutMs: 100 });
    clock.advance(100);
    await expect(timedOut).rejects.toBeInstanceOf(WsRequestFailedError);
  });

  it('isolates handlers: a throwing one is reported, the others and the wildcard still run', async () => {
    const failures: unknown[] = [];
    const { client, latest } = create({ onHandlerError: (error, message) => failures.push([(error as Error).message, message.type]) });
    await settle();
    latest().open();
    const seen: string[] = [];
    client.on('news', () => {
      throw new Error('first handler broke');
    });
    client.on('news', async () => {
      throw new Error('async handler broke');
    });
    client.on('news', (m) => void seen.push(`second:${String(m.content)}`));
    client.on('*', (m) => void seen.push(`any:${m.type}`));
    client.once('news', () => void seen.push('once'));
    latest().receive({ type: 'news', content: 'a' });
    latest().receive({ type: 'news', content: 'b' });
    await settle();
    expect(seen).toEqual(['second:a', 'once', 'any:news', 'second:b', 'any:news']);
    expect(failures).toEqual([
      ['first handler broke', 'news'],
      ['first handler broke', 'news'],
      ['async handler broke', 'news'],
      ['async handler broke', 'news'],
    ]);
  });

  it('puts the token where the transport says and refuses bad options with their name', async () => {
    const query = create({ token: 'secret', tokenTransport: 'query', clientId: 'me' });
    await settle();
    expect(query.latest().url).toBe('ws://server.test/ws?clientId=me&token=secret');
    const protocol = create({ token: () => 'a.b.c', tokenTransport: 'protocol', protocols: 'chat' });
    await settle();
    expect(protocol.latest().protocols).toEqual(['bearer', 'a.b.c', 'chat']);
    expect(() => new WebSocketToolClient('ws://x/ws', { clientId: 'bad id!', autoConnect: false })).toThrow(/clientId/);
    expect(() => new WebSocketToolClient('ftp://x', { autoConnect: false })).toThrow(/not a WebSocket URL/);
    expect(() => new WebSocketToolClient('ws://x/ws', { offlineQueueSize: -1, autoConnect: false })).toThrow(/offlineQueueSize/);
  });

  it('close() stops reconnecting, drops the queue and rejects what waits', async () => {
    const dropped: unknown[] = [];
    const { client, clock, latest } = create({ random: () => 0.5, onDrop: (m, reason) => dropped.push([m.content, reason]) });
    await settle();
    latest().serverClose(1006);
    client.send('note', 'late');
    const pending = client.request('work', 1);
    const subscribed = client.subscribe('room:a');
    await client.close();
    expect(client.state).toBe('closed');
    expect(dropped).toEqual([
      ['late', 'closed'],
      [1, 'closed'],
    ]);
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
    await expect(subscribed).rejects.toMatchObject({ reason: 'closed' });
    expect(clock.pending()).toBe(0);
    clock.advance(60_000);
    await settle();
    expect(FakeSocket.instances).toHaveLength(1);
  });

  describe('handshakes refused with an HTTP status (ws package)', () => {
    type Reconnecting = Extract<ClientStateEvent, { state: 'reconnecting' }>;
    const lastReconnecting = (events: ClientStateEvent[]) => events.filter((e) => e.state === 'reconnecting').at(-1) as Reconnecting;

    it('waits out Retry-After plus a jitter window that doubles per refusal, without growing the exponential backoff', async () => {
      const { client, clock, events, latest } = create({ WebSocket: EmitterSocket, random: () => 0.5 });
      await settle();
      const expected = [
        // Retry-After 2 s, then half of a 2 s, 4 s and (capped) 5 s window on top.
        { retryAfter: '2', delayMs: 3000 },
        { retryAfter: '2', delayMs: 4000 },
        { retryAfter: '2', delayMs: 4500 },
        { retryAfter: '2', delayMs: 4500 },
      ];
      for (const [i, step] of expected.entries()) {
        const socket = emitterSocket(latest);
        socket.refuse(429, { 'retry-after': step.retryAfter });
        expect(socket.terminated).toBe(1);
        await settle();
        expect(lastReconnecting(events)).toEqual({
          state: 'reconnecting',
          attempt: i + 1,
          delayMs: step.delayMs,
          retryAt: clock.now() + step.delayMs,
          handshakeStatus: 429,
          retryAfterMs: 2000,
        });
        clock.advance(step.delayMs - 1);
        await settle();
        expect(latest()).toBe(socket);
        clock.advance(1);
        await settle();
        expect(latest()).not.toBe(socket);
      }
      // A plain failure next starts the exponential backoff at its first step (half of 1 s), not at the fifth.
      latest().serverClose(1006);
      expect(lastReconnecting(events)).toEqual({ state: 'reconnecting', attempt: 5, delayMs: 500, retryAt: clock.now() + 500 });
      expect(client.stats().attempt).toBe(5);
      clock.advance(500);
      await settle();
      latest().open();
      expect(events.at(-1)).toEqual({ state: 'open', attempt: 5 });
      // After an open connection the refusal window starts small again.
      latest().serverClose(1001, 'shutdown');
      clock.advance(lastReconnecting(events).delayMs);
      await settle();
      emitterSocket(latest).refuse(503, { 'retry-after': '1' });
      await settle();
      expect(lastReconnecting(events)).toMatchObject({ delayMs: 1500, handshakeStatus: 503, retryAfterMs: 1000 });
    });

    it('falls back to the exponential backoff when the refusal has no readable Retry-After, still reporting the status', async () => {
      const { clock, events, latest } = create({ WebSocket: EmitterSocket, random: () => 0.5 });
      await settle();
      for (const [i, retryAfter] of [undefined, 'soon', undefined].entries()) {
        emitterSocket(latest).refuse(i === 1 ? 503 : 401, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
        await settle();
        const event = lastReconnecting(events);
        expect(event).toMatchObject({ handshakeStatus: i === 1 ? 503 : 401, retryAfterMs: null });
        expect(event.delayMs).toBe(0.5 * backoffCeiling(i));
        clock.advance(event.delayMs);
        await settle();
      }
    });

    it('counts refusals toward maxReconnectAttempts', async () => {
      const { client, latest, clock } = create({ WebSocket: EmitterSocket, maxReconnectAttempts: 2, random: () => 0 });
      await settle();
      for (let i = 0; i < 2; i++) {
        emitterSocket(latest).refuse(429, { 'retry-after': '1' });
        await settle();
        clock.advance(1000);
        await settle();
      }
      emitterSocket(latest).refuse(429, { 'retry-after': '1' });
      await settle();
      expect(client.state).toBe('closed');
      expect(FakeSocket.instances).toHaveLength(3);
    });

    it('still learns the refusal when another listener ended the handshake first, and ignores a stale socket', async () => {
      const { clock, events, latest } = create({ WebSocket: EmitterSocket, random: () => 0 });
      await settle();
      const socket = emitterSocket(latest);
      // Registered before the client's own listener, like a subclass adding one in its constructor.
      socket.refusalListeners.unshift(() => socket.terminate());
      socket.refuse(429, { 'retry-after': '3' });
      await settle();
      expect(socket.terminated).toBe(1);
      expect(lastReconnecting(events)).toMatchObject({ delayMs: 3000, handshakeStatus: 429, retryAfterMs: 3000 });
      clock.advance(3000);
      await settle();
      // A refusal reported by the old socket after it was replaced changes nothing.
      socket.refuse(429, { 'retry-after': '60' });
      latest().serverClose(1006);
      expect(lastReconnecting(events)).toEqual({ state: 'reconnecting', attempt: 2, delayMs: 0, retryAt: clock.now() });
    });
  });
});
