import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import type { Socket } from 'node:net';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { WsTestClient } from '../utils/ws-test-client.js';
import { waitFor } from './support/wait-for.js';
import { latencyBar } from './support/latency-bar.js';

const INTERVAL_S = 0.3;
const TIMEOUT_S = 0.6;
/** The bar: a dead peer is gone within interval + timeout + 10 %. */
const DEADLINE_MS = (INTERVAL_S + TIMEOUT_S) * 1000 + latencyBar((INTERVAL_S + TIMEOUT_S) * 100);

// Timing on a shared machine: one more attempt if the event loop was held up by another process.
describe('heartbeat against dead peers (half-open TCP: paused sockets that never answer)', { retry: 2 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ heartbeatInterval: INTERVAL_S, heartbeatTimeout: TIMEOUT_S });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`closes each dead peer within interval + timeout + 10 % (${DEADLINE_MS} ms) and forgets its state; live peers stay`, async () => {
    const registry = t.app.get(ConnectionRegistry);
    const stats = t.app.get(WsStatsService);
    const timeoutsBefore = stats.heartbeatTimeouts;
    const live = await Promise.all(Array.from({ length: 5 }, (_, i) => WsTestClient.connect(`${t.ws}/ws/live-${i}`)));

    const dead: Array<{ id: string; silentSince: number; client: WsTestClient }> = [];
    for (let i = 0; i < 10; i++) {
      const id = `dead-${i}`;
      const client = await WsTestClient.connect(`${t.ws}/ws/${id}`, { autoPong: false });
      client.send({ type: 'system.subscribe', content: { topic: `dead-room-${i % 3}` } });
      await client.next('system.subscribed');
      // From here on it neither reads nor answers: to the server it is a peer whose network vanished.
      (client.socket as unknown as { _socket: Socket })._socket.pause();
      dead.push({ id, silentSince: Date.now(), client });
      await new Promise((resolve) => setTimeout(resolve, 37));
    }

    const goneAfter = new Map<string, number>();
    await waitFor(
      () => {
        for (const d of dead) if (!goneAfter.has(d.id) && !registry.has(d.id)) goneAfter.set(d.id, Date.now() - d.silentSince);
        return goneAfter.size === dead.length;
      },
      'every dead peer is closed',
      DEADLINE_MS * 3,
      5,
    );
    for (const [id, ms] of goneAfter) {
      // (The server saw the peer's last frame a moment before the test marked it silent.)
      expect(ms, `${id} closed after ${ms} ms`).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 20);
      expect(ms, `${id} closed after ${ms} ms`).toBeLessThanOrEqual(DEADLINE_MS);
    }
    expect(stats.heartbeatTimeouts - timeoutsBefore).toBe(dead.length);
    expect(registry.topics().filter((topic) => topic.startsWith('dead-room-'))).toEqual([]);

    // The live peers answered every protocol ping and are all still here.
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_S * 1000));
    expect(live.every((c) => registry.has(c.socket.url.split('/').pop() as string))).toBe(true);
    live.forEach((c) => c.close());
    dead.forEach((d) => d.client.socket.terminate());
  });

  it('pings every client even when there are more clients than maxQueueSize, without counting overflows', async () => {
    const small = await createTestApp({
      heartbeatInterval: INTERVAL_S,
      heartbeatTimeout: 30,
      maxQueueSize: 20,
      rateLimitConnectionsPerWindow: 1000,
    });
    try {
      const stats = small.app.get(WsStatsService);
      const clients = await Promise.all(Array.from({ length: 50 }, () => WsTestClient.connect(`${small.ws}/ws`)));
      await Promise.all(clients.map((c) => c.next('system.ping', 3 * INTERVAL_S * 1000)));
      expect(stats.queueOverflows).toBe(0);
      clients.forEach((c) => c.close());
    } finally {
      await small.close();
    }
  });
});
