import { WebSocketToolClient, type WebSocketToolClientOptions, type WsMessage } from '@websocket-tool/client';
import { BroadcastService, ClientRequestError } from '@websocket-tool/nestjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { waitFor } from './fixtures/cluster.fixture.js';
import { WsTestClient } from './utils/ws-test-client.js';

/** The error a promise rejects with, or null. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

/** The default timer granularity plus scheduling under a shared, loaded machine. */
const TICK_MS = 25;

describe('acknowledged sends and server requests, one node', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  let clients: WebSocketToolClient[] = [];
  let raws: WsTestClient[] = [];

  const sdk = async (clientId: string, options: WebSocketToolClientOptions = {}): Promise<WebSocketToolClient> => {
    const client = new WebSocketToolClient(`${t.ws}/ws`, { clientId, ...options });
    clients.push(client);
    await client.whenOpen(5000);
    return client;
  };
  /** A plain `ws` client: it never acknowledges nor replies. */
  const raw = async (clientId: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${t.ws}/ws/${clientId}`);
    raws.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp({ enableMetrics: false, rateLimitMessagesPerWindow: 10, rateLimitMessageWindow: 1 });
    broadcast = t.app.get(BroadcastService);
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const r of raws) r.close();
    await Promise.all(raws.map((r) => r.closed));
    clients = [];
    raws = [];
  });

  afterAll(() => t.close());

  it('the client SDK acknowledges: delivered, and its handlers saw the message first', async () => {
    const alice = await sdk('ack-alice');
    const seen: unknown[] = [];
    alice.on('note', (m) => void seen.push(m.content));
    const receipt = await broadcast.sendToClient('ack-alice', { type: 'note', content: 1 }, { ack: true, timeoutMs: 2000 });
    expect(receipt).toEqual({ status: 'delivered' });
    expect(seen).toEqual([1]);
  });

  it('acknowledgements are not charged to the rate limit: 200 acknowledged sends at a 10 msg/s limit all deliver', async () => {
    await sdk('ack-busy');
    const receipts = await Promise.all(
      Array.from({ length: 200 }, (_, i) => broadcast.sendToClient('ack-busy', { type: 'n', content: i }, { ack: true, timeoutMs: 5000 })),
    );
    expect(receipts.every((r) => r.status === 'delivered')).toBe(true);
  });

  it('a client connected nowhere: offline at once', async () => {
    const started = performance.now();
    expect(await broadcast.sendToClient('nobody', { type: 'note' }, { ack: true, timeoutMs: 2000 })).toEqual({ status: 'offline' });
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('a client that never acknowledges: timeout at the deadline', async () => {
    const mute = await raw('ack-mute');
    const started = performance.now();
    const receipt = await broadcast.sendToClient('ack-mute', { type: 'note' }, { ack: true, timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(receipt).toEqual({ status: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(299);
    expect(elapsed).toBeLessThan(300 + TICK_MS);
    // The message did arrive, with the id an SDK would have echoed.
    expect((await mute.next('note')).meta.ack_id).toEqual(expect.any(String));
  });

  it('a client that leaves before acknowledging: offline as soon as it is gone', async () => {
    const leaving = await raw('ack-leaving');
    const pending = broadcast.sendToClient('ack-leaving', { type: 'note' }, { ack: true, timeoutMs: 10_000 });
    await leaving.next('note');
    const left = performance.now();
    leaving.close();
    expect(await pending).toEqual({ status: 'offline' });
    expect(performance.now() - left).toBeLessThan(500);
  });

  it('a client replaced by a newer connection with its id: offline for what its old connection did not acknowledge', async () => {
    const old = await raw('ack-dup');
    const pending = broadcast.sendToClient('ack-dup', { type: 'note' }, { ack: true, timeoutMs: 10_000 });
    await old.next('note');
    await raw('ack-dup');
    expect(await pending).toEqual({ status: 'offline' });
    expect((await old.closed).code).toBe(4500);
  });

  it('an acknowledgement from another connection, or with a wrong id, settles nothing', async () => {
    const mute = await raw('ack-target');
    const other = await raw('ack-other');
    const pending = broadcast.sendToClient('ack-target', { type: 'note' }, { ack: true, timeoutMs: 400 });
    const id = (await mute.next('note')).meta.ack_id as string;
    other.send({ type: 'system.ack', meta: { ack_id: id } });
    mute.send({ type: 'system.ack', meta: { ack_id: id + 'x' } });
    expect(await pending).toEqual({ status: 'timeout' });
    // A late acknowledgement is ignored without an error.
    mute.send({ type: 'system.ack', meta: { ack_id: id } });
    mute.send({ type: 'system.ping', meta: { ping_id: 'after' } });
    await mute.next('system.pong');
    expect(mute.ofType('system.error')).toEqual([]);
  });

  it('publish and broadcast with ack count every outcome', async () => {
    const a = await sdk('pub-a');
    const b = await sdk('pub-b');
    const mute = await raw('pub-mute');
    await Promise.all([a.subscribe('acked'), b.subscribe('acked')]);
    mute.send({ type: 'system.subscribe', content: { topic: 'acked' }, meta: { id: 's' } });
    await mute.next('system.subscribed');
    const counts = await broadcast.publish('acked', { type: 'news', content: 1 }, { ack: true, timeoutMs: 400 });
    expect(counts).toEqual({ delivered: 2, timeout: 1, offline: 0, dropped: 0 });
    const all = await broadcast.broadcast({ type: 'all' }, { ack: true, timeoutMs: 400, except: ['pub-mute'] });
    expect(all).toEqual({ delivered: 2, timeout: 0, offline: 0, dropped: 0 });
  });

  it('request: resolves with what the client handler returned (sync or async)', async () => {
    const calc = await sdk('req-calc');
    calc.handle<'sum', number>('sum', (m) => (m.content as number[]).reduce((s, n) => s + n, 0));
    calc.handle('later', async (m) => ({ echoed: m.content }));
    expect(await broadcast.request<number>('req-calc', { type: 'sum', content: [1, 2, 3] }, { timeoutMs: 2000 })).toBe(6);
    expect(await broadcast.request('req-calc', { type: 'later', content: 'x' }, { timeoutMs: 2000 })).toEqual({ echoed: 'x' });
  });

  it('request: rejects with a typed error for a handler error, no handler, timeout and offline', async () => {
    const calc = await sdk('req-errors');
    calc.handle('boom', () => {
      throw new Error('it broke');
    });
    await raw('req-mute');
    const boom = await failure(broadcast.request('req-errors', { type: 'boom' }, { timeoutMs: 2000 }));
    expect(boom).toBeInstanceOf(ClientRequestError);
    expect(boom).toMatchObject({ code: 'client_error', clientCode: 'handler_error' });
    expect((boom as Error).message).toContain('it broke');

    expect(await failure(broadcast.request('req-errors', { type: 'unknown' }, { timeoutMs: 2000 }))).toMatchObject({
      code: 'client_error',
      clientCode: 'no_handler',
    });
    const started = performance.now();
    expect(await failure(broadcast.request('req-mute', { type: 'boom' }, { timeoutMs: 200 }))).toMatchObject({ code: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
    expect(await failure(broadcast.request('nobody', { type: 'boom' }, { timeoutMs: 200 }))).toMatchObject({ code: 'offline' });
  });
});

describe('acknowledged sends are kept like any other, one node', () => {
  let t: TestApp;
  let broadcast: BroadcastService;

  beforeAll(async () => {
    t = await createTestApp({
      enableMetrics: false,
      topics: [{ pattern: 'ledger:*', history: { size: 100, ttlSeconds: 60 } }],
      mailbox: { size: 10, ttlSeconds: 60 },
    });
    broadcast = t.app.get(BroadcastService);
  });
  afterAll(() => t.close());

  it('an acknowledged publish on a topic with history is kept with its offset, between the plain ones', async () => {
    const sub = new WebSocketToolClient(`${t.ws}/ws`, { clientId: 'ledger-sub' });
    try {
      await sub.whenOpen(5000);
      const seen: WsMessage[] = [];
      sub.on('entry', (m) => void seen.push(m));
      await sub.subscribe('ledger:1');
      broadcast.publish('ledger:1', { type: 'entry', content: 1 });
      const counts = await broadcast.publish('ledger:1', { type: 'entry', content: 2 }, { ack: true, timeoutMs: 2000 });
      broadcast.publish('ledger:1', { type: 'entry', content: 3 });
      expect(counts).toEqual({ delivered: 1, timeout: 0, offline: 0, dropped: 0 });

      const page = (await broadcast.history('ledger:1'))!;
      expect(page.messages.map((m) => m.content)).toEqual([1, 2, 3]);
      const offsets = page.messages.map((m) => m.meta.offset as number);
      expect(offsets).toEqual([offsets[0], offsets[0] + 1, offsets[0] + 2]);
      // The history keeps the message as published: the acknowledgement id was this delivery's only.
      expect(page.messages[1].meta.ack_id).toBeUndefined();

      await waitFor(() => seen.length === 3, 'the three entries');
      expect(seen.map((m) => [m.content, m.meta.offset])).toEqual(page.messages.map((m) => [m.content, m.meta.offset]));
      expect(seen[1].meta.ack_id).toEqual(expect.any(String));

      // A subscriber recovering from before them gets the acknowledged one in its replay.
      const late = await WsTestClient.connect(`${t.ws}/ws/ledger-late`);
      late.send({ type: 'system.subscribe', content: { topic: 'ledger:1', since: { offset: offsets[0] - 1, epoch: page.epoch } } });
      expect((await late.next('system.subscribed')).content).toMatchObject({ recovered: true, replayed: 3 });
      await late.next((m) => m.type === 'entry' && m.content === 3);
      expect(late.ofType('entry').map((m) => m.content)).toEqual([1, 2, 3]);
      late.close();
    } finally {
      await sub.close();
    }
  });

  it('an acknowledged send to a named client that is away goes to its mailbox: kept at once, delivered when it connects', async () => {
    const started = performance.now();
    expect(await broadcast.sendToClient('away-1', { type: 'invoice', content: 7 }, { ack: true, timeoutMs: 5000 })).toEqual({
      status: 'kept',
    });
    expect(performance.now() - started).toBeLessThan(50);
    const back = await WsTestClient.connect(`${t.ws}/ws/away-1`);
    expect((await back.next('system.mailbox')).content).toMatchObject({ delivered: 1, dropped: 0 });
    expect((await back.next('invoice')).content).toBe(7);
    back.close();
    // An anonymous id can never connect again: nothing is kept.
    expect(await broadcast.sendToClient('anon-1', { type: 'invoice' }, { ack: true, timeoutMs: 5000 })).toEqual({ status: 'offline' });
  });
});
