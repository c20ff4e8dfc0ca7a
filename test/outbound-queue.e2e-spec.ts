import { afterEach, describe, expect, it, vi } from 'vitest';
import { BroadcastService, ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import type { Socket } from 'node:net';
import { OutboundQueue } from '../libs/websocket-tool/src/outbound/outbound-queue.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { failTextWrites } from './utils/fail-text-writes.js';
import { WsTestClient, handshakeStatus, sleep } from './utils/ws-test-client.js';

const rawSocket = (c: WsTestClient) => (c.socket as unknown as { _socket: Socket })._socket;

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('outbound queue: overflow, slow consumers, send errors, supervisor, shutdown', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    vi.restoreAllMocks();
  });

  it('closes a client that stops reading as a slow consumer while the others get every message', async () => {
    t = await createTestApp({ maxQueueSize: 100, maxClientQueueSize: 10, sendHighWaterMarkBytes: 1024 });
    const broadcast = t.app.get(BroadcastService);
    const stats = t.app.get(WsStatsService);
    const registry = t.app.get(ConnectionRegistry);
    const slow = await WsTestClient.connect(`${t.ws}/ws/slow`);
    const fast = await Promise.all([1, 2, 3].map((i) => WsTestClient.connect(`${t!.ws}/ws/fast-${i}`)));
    rawSocket(slow).pause();

    const payload = 'x'.repeat(32 * 1024);
    let dropped = 0;
    for (let i = 0; i < 300; i++) {
      dropped += broadcast.broadcast({ type: 'bulk', content: payload, meta: { seq: i } }).dropped;
      if (i % 10 === 9) await sleep(5);
    }
    await waitFor(() => fast.every((c) => c.ofType('bulk').length === 300), 15_000);
    for (const c of fast) expect(c.ofType('bulk').map((m) => m.meta.seq)).toEqual([...Array(300).keys()]);
    expect(registry.has('slow')).toBe(false);
    expect(stats.queueOverflows).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(stats.disconnectionsByReason.slow_consumer).toBe(1);

    rawSocket(slow).resume();
    expect(await slow.closed).toEqual({ code: 4003, reason: 'slow_consumer' });
    fast.forEach((c) => c.close());
  });

  it('drops and counts messages past maxQueueSize, and says so', async () => {
    t = await createTestApp({ maxQueueSize: 5, maxClientQueueSize: 5 });
    const broadcast = t.app.get(BroadcastService);
    const stats = t.app.get(WsStatsService);
    const a = await WsTestClient.connect(`${t.ws}/ws/a`);
    const results = Array.from({ length: 8 }, (_, i) => broadcast.sendToClient('a', { type: 'n', content: i }));
    expect(results.slice(0, 5).every((r) => r.ok)).toBe(true);
    expect(results[5]).toEqual({ ok: false, queued: 0, dropped: 1, reason: 'queue_full' });
    expect(stats.queueOverflows).toBe(3);
    a.close();
  });

  it('disconnects after maxClientErrors consecutive send failures; a success resets the count', async () => {
    t = await createTestApp({ maxClientErrors: 3 });
    const broadcast = t.app.get(BroadcastService);
    const registry = t.app.get(ConnectionRegistry);
    const stats = t.app.get(WsStatsService);
    const c = await WsTestClient.connect(`${t.ws}/ws/flaky`);
    // Messages are written to the TCP socket under the WebSocket: make those
    // writes fail (text frames only, so the close frame still gets out).
    let failing = true;
    failTextWrites(registry.get('flaky')!.rawSocket!, () => failing);

    broadcast.sendToClient('flaky', { type: 'f1' });
    broadcast.sendToClient('flaky', { type: 'f2' });
    await sleep(50);
    expect(registry.has('flaky')).toBe(true);
    failing = false;
    broadcast.sendToClient('flaky', { type: 'ok' });
    await c.next('ok');
    failing = true;
    broadcast.sendToClient('flaky', { type: 'f3' });
    broadcast.sendToClient('flaky', { type: 'f4' });
    await sleep(50);
    expect(registry.has('flaky')).toBe(true);
    broadcast.sendToClient('flaky', { type: 'f5' });
    expect(await c.closed).toEqual({ code: 4002, reason: 'send_error' });
    expect(stats.messagesFailed).toBe(5);
    expect(registry.info('flaky')).toBeUndefined();
  });

  it('the supervisor restarts a consumer that died and delivery resumes', async () => {
    t = await createTestApp({ consumerPoolSize: 1, taskRestartInterval: 0.2 });
    const queue = t.app.get(OutboundQueue);
    const stats = t.app.get(WsStatsService);
    const broadcast = t.app.get(BroadcastService);
    const c = await WsTestClient.connect(`${t.ws}/ws/sup`);
    vi.spyOn(queue, 'flush').mockImplementationOnce(() => {
      throw new Error('consumer bug');
    });
    broadcast.sendToClient('sup', { type: 'after-crash' });
    await sleep(30);
    expect(queue.consumers[0].alive).toBe(false);
    expect((await c.next('after-crash', 3000)).type).toBe('after-crash');
    expect(stats.supervisorRestarts).toBe(1);
    expect(queue.consumers[0].alive).toBe(true);
    c.close();
  });

  it('graceful shutdown delivers what is queued, refuses new upgrades with 503 and closes with 1001', async () => {
    t = await createTestApp({ shutdownTimeout: 1, sendHighWaterMarkBytes: 1024 });
    const broadcast = t.app.get(BroadcastService);
    const clients = await Promise.all([1, 2, 3].map((i) => WsTestClient.connect(`${t!.ws}/ws/bye-${i}`)));
    // A client that does not read keeps the queue busy, holding the drain open.
    const stuck = await WsTestClient.connect(`${t.ws}/ws/stuck`);
    rawSocket(stuck).pause();
    for (let i = 0; i < 100; i++) broadcast.broadcast({ type: 'last-words', content: 'y'.repeat(16 * 1024), meta: { seq: i } });

    const closing = t.close();
    await sleep(100);
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(503);
    await closing;
    for (const c of clients) {
      expect(await c.closed).toEqual({ code: 1001, reason: 'shutdown' });
      expect(c.ofType('last-words')).toHaveLength(100);
    }
  });
});
