import { BroadcastService, ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientQueue } from '../libs/websocket-tool/src/outbound/client-queue.js';
import { OutboundBudget } from '../libs/websocket-tool/src/outbound/outbound-budget.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

const rawSocket = (c: WsTestClient) => (c.socket as unknown as { _socket: Socket })._socket;
const HWM = 64 * 1024;
const QUEUE_CAP = 200;
const QUEUE_BYTES = 4 * 1024 * 1024;
const PAD = 'x'.repeat(4000);
const KEYS = 100;
/** The reader's pause: the figure the delivery docs promise. */
const PAUSE_MS = 10_000;
const OPTIONS = {
  enableMetrics: false,
  sendHighWaterMarkBytes: HWM,
  maxClientQueueSize: QUEUE_CAP,
  maxClientQueueBytes: QUEUE_BYTES,
  // Much shorter than the pause: a client kept only by its policy would be gone otherwise.
  slowConsumerTimeout: 0.3,
  overflow: [
    { type: 'price', policy: 'coalesce' as const, key: 'symbol' },
    { type: 'bulk.old', policy: 'drop-oldest' as const },
    { type: 'bulk.new', policy: 'drop-newest' as const },
  ],
};

async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const counted = (stats: WsStatsService, policy: string, type: string) => stats.overflowByPolicy.get(policy)?.get(type) ?? 0;

describe('overflow policies per message type', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it(
    'coalesce: a reader stopped for 10 s on a 1,000 msg/s feed of 100 keys stays bounded and connected, then gets the latest of every key in one batch',
    async () => {
      t = await createTestApp(OPTIONS);
      const broadcast = t.app.get(BroadcastService);
      const registry = t.app.get(ConnectionRegistry);
      const stats = t.app.get(WsStatsService);
      const reader = await WsTestClient.connect(`${t.ws}/ws/reader`);
      const connection = registry.get('reader')!;
      const queue = connection.output as ClientQueue;
      rawSocket(reader).pause();

      const latest = new Map<string, number>();
      let seq = 0;
      let maxQueued = 0;
      let maxQueuedBytes = 0;
      let maxBuffered = 0;
      const until = Date.now() + PAUSE_MS;
      while (Date.now() < until) {
        for (let i = 0; i < 10; i++) {
          const symbol = `s${seq % KEYS}`;
          broadcast.sendToClient('reader', { type: 'price', content: { symbol, seq, pad: PAD } });
          latest.set(symbol, seq++);
        }
        maxQueued = Math.max(maxQueued, queue.queued);
        maxQueuedBytes = Math.max(maxQueuedBytes, queue.queuedBytes);
        maxBuffered = Math.max(maxBuffered, connection.socket.bufferedAmount);
        await sleep(10);
      }
      // The feed outran the socket (at about 1,000 msg/s, at least half that on a busy machine).
      expect(seq).toBeGreaterThan(PAUSE_MS / 2);
      expect(counted(stats, 'coalesce', 'price')).toBeGreaterThan(0);
      // The full socket, not the queue's cap (200), set the policy off: one value per key waited.
      expect(maxQueued).toBeLessThanOrEqual(KEYS);
      expect(maxQueuedBytes).toBeLessThanOrEqual(QUEUE_BYTES);
      // The writer stops at the high-water mark; one batch may pass it by less than a batch's budget.
      expect(maxBuffered).toBeLessThanOrEqual(2 * HWM);
      expect(registry.has('reader')).toBe(true);
      expect(stats.disconnectionsByReason.slow_consumer).toBe(0);
      expect(queue.queued).toBe(KEYS);

      const batchesBefore = queue.batches;
      rawSocket(reader).resume();
      const prices = () => reader.ofType('price').map((m) => m.content as { symbol: string; seq: number });
      const lastSeen = () => {
        const seen = new Map<string, number>();
        for (const p of prices()) seen.set(p.symbol, p.seq);
        return seen;
      };
      await waitFor(() => [...latest].every(([symbol, last]) => lastSeen().get(symbol) === last), 'the latest value of every key');
      // Every key's latest value left in one corked write, in one consumer turn, although 100 values of 4 KB
      // are six times the high-water mark.
      expect(queue.batches - batchesBefore).toBe(1);
      // Each key's values arrive in the order they were published.
      const bySymbol = new Map<string, number[]>();
      for (const p of prices()) bySymbol.set(p.symbol, [...(bySymbol.get(p.symbol) ?? []), p.seq]);
      for (const seqs of bySymbol.values()) expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
      // Exact: every message either arrived or was counted as coalesced away.
      expect(prices().length + counted(stats, 'coalesce', 'price')).toBe(seq);
      expect(registry.has('reader')).toBe(true);
      reader.close();
    },
    PAUSE_MS + 30_000,
  );

  it('a full shared budget trims a stalled reader holding only messages with a policy instead of closing it', async () => {
    t = await createTestApp({ ...OPTIONS, maxQueueSize: 300, maxClientQueueSize: 5000 });
    const broadcast = t.app.get(BroadcastService);
    const registry = t.app.get(ConnectionRegistry);
    const stats = t.app.get(WsStatsService);
    const reader = await WsTestClient.connect(`${t.ws}/ws/reader`);
    const healthy = await WsTestClient.connect(`${t.ws}/ws/healthy`);
    rawSocket(reader).pause();
    // 2,000 keys: the reader's coalesced queue alone would need more than the 300 messages of the shared budget.
    const total = 6000;
    let healthyQueued = 0;
    for (let i = 0; i < total; i++) {
      broadcast.sendToClient('reader', { type: 'price', content: { symbol: `s${i % 2000}`, seq: i, pad: PAD } });
      if (broadcast.sendToClient('healthy', { type: 'plain', content: i }).queued === 1) healthyQueued++;
      if (i % 100 === 99) await sleep(5);
    }
    expect(registry.has('reader')).toBe(true);
    expect(healthyQueued).toBe(total);
    expect(t.app.get(OutboundBudget).size).toBeLessThanOrEqual(300);
    expect(stats.queueOverflows).toBe(0);
    rawSocket(reader).resume();
    const received = () => reader.ofType('price').length;
    await waitFor(() => received() + counted(stats, 'coalesce', 'price') === total, 'every price delivered or counted');
    await waitFor(() => healthy.ofType('plain').length === total, 'every plain message at the reading client');
    await sleep(100);
    expect(received() + counted(stats, 'coalesce', 'price')).toBe(total);
    expect(stats.disconnectionsByReason.slow_consumer).toBe(0);
    expect(registry.has('reader')).toBe(true);
    reader.close();
    healthy.close();
  }, 30_000);

  it('drop-oldest and drop-newest count exactly the messages they did not deliver', async () => {
    t = await createTestApp(OPTIONS);
    const broadcast = t.app.get(BroadcastService);
    const stats = t.app.get(WsStatsService);
    const registry = t.app.get(ConnectionRegistry);
    const reader = await WsTestClient.connect(`${t.ws}/ws/reader`);
    rawSocket(reader).pause();
    const total = 3000;
    for (let i = 0; i < total; i++) {
      broadcast.sendToClient('reader', { type: 'bulk.old', content: { i, pad: PAD } });
      broadcast.sendToClient('reader', { type: 'bulk.new', content: { i, pad: PAD } });
      if (i % 100 === 99) await sleep(5);
    }
    expect(counted(stats, 'drop-oldest', 'bulk.old')).toBeGreaterThan(0);
    expect(counted(stats, 'drop-newest', 'bulk.new')).toBeGreaterThan(0);
    await sleep(500);
    expect(registry.has('reader')).toBe(true);
    rawSocket(reader).resume();

    const got = (type: string) => reader.ofType(type).map((m) => (m.content as { i: number }).i);
    await waitFor(() => got('bulk.old').at(-1) === total - 1, 'the newest bulk.old');
    await waitFor(
      () =>
        got('bulk.old').length + got('bulk.new').length ===
        total * 2 - counted(stats, 'drop-oldest', 'bulk.old') - counted(stats, 'drop-newest', 'bulk.new'),
      'every delivered message',
    );
    expect(got('bulk.old').length + counted(stats, 'drop-oldest', 'bulk.old')).toBe(total);
    expect(got('bulk.new').length + counted(stats, 'drop-newest', 'bulk.new')).toBe(total);
    // drop-oldest keeps the newest, drop-newest the oldest.
    expect(got('bulk.new')[0]).toBe(0);
    expect(got('bulk.new').at(-1)).toBeLessThan(total - 1);
    expect(stats.disconnectionsByReason.slow_consumer).toBe(0);
    reader.close();
  }, 30_000);

  it('a type with the default policy still closes the reader as a slow consumer, and is counted', async () => {
    t = await createTestApp(OPTIONS);
    const broadcast = t.app.get(BroadcastService);
    const stats = t.app.get(WsStatsService);
    const reader = await WsTestClient.connect(`${t.ws}/ws/reader`);
    rawSocket(reader).pause();
    for (let i = 0; i < 3000 && t.app.get(ConnectionRegistry).has('reader'); i++) {
      broadcast.sendToClient('reader', { type: 'plain', content: { i, pad: PAD } });
      if (i % 100 === 99) await sleep(5);
    }
    rawSocket(reader).resume();
    expect(await reader.closed).toEqual({ code: 4003, reason: 'slow_consumer' });
    expect(counted(stats, 'disconnect', 'plain')).toBe(1);
    // The admin stats (loopback needs no token) show the same exact counter.
    const res = await fetch(`${t.http}/ws/stats`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stats: { overflow_by_policy: unknown } };
    expect(body.stats.overflow_by_policy).toEqual({ disconnect: { plain: 1 } });
  }, 30_000);
});
