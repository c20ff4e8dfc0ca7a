import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BroadcastService, WsStatsService } from '@websocket-tool/nestjs';
import { OutboundQueue } from '../../libs/websocket-tool/src/outbound/outbound-queue.js';
import { createTestApp } from '../utils/create-test-app.js';
import { postJson } from './support/post-json.js';
import { mib, ServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

/**
 * Ordinary bursts of broadcasts at the default settings: only the per-IP
 * handshake rate and connection cap are lifted, so one test machine may open
 * the connections.
 */
const RAISED_HANDSHAKE_LIMIT = 1_000_000;

interface Counted {
  sockets: WebSocket[];
  /** Broadcasts each client received, by client. */
  counts: Int32Array;
  /** Clients that got a broadcast out of order. */
  disorder: number;
}

/** Opens `n` clients (batches of 250 at a time) that count the `burst` messages they receive and check their order. */
async function openCounted(url: string, n: number): Promise<Counted> {
  const counted: Counted = { sockets: [], counts: new Int32Array(n), disorder: 0 };
  for (let start = 0; start < n; start += 250) {
    const batch = Array.from({ length: Math.min(250, n - start) }, (_, k) => {
      const index = start + k;
      const socket = new WebSocket(url);
      socket.on('message', (data) => {
        const text = data.toString();
        if (!text.startsWith('{"type":"burst"')) return;
        const seq = (JSON.parse(text) as { content: { seq: number } }).content.seq;
        if (seq !== counted.counts[index]) counted.disorder++;
        counted.counts[index]++;
      });
      counted.sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  return counted;
}

function closeAll(counted: Counted): void {
  for (const socket of counted.sockets) socket.terminate();
}

describe('bursts of broadcasts at the default queue settings', () => {
  it('2,000 clients and 200 broadcasts in one burst: every client gets all 200, in order; the shared budget counts 200', async () => {
    const t = await createTestApp({ rateLimitConnectionsPerWindow: RAISED_HANDSHAKE_LIMIT, maxConnectionsPerIp: 0 });
    try {
      const counted = await openCounted(`${t.ws}/ws`, 2000);
      const broadcast = t.app.get(BroadcastService);
      const queue = t.app.get(OutboundQueue);
      const stats = t.app.get(WsStatsService);
      const rssBefore = process.memoryUsage().rss;
      let dropped = 0;
      for (let seq = 0; seq < 200; seq++)
        dropped += broadcast.broadcast({ type: 'burst', content: { seq, text: 'x'.repeat(100) } }).dropped;
      // Everything above was queued in one go, before any consumer ran.
      expect(queue.size).toBe(200);
      expect(dropped).toBe(0);
      await waitFor(() => counted.counts.every((c) => c === 200), 'every client got 200 broadcasts', 60_000, 50);
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      expect(rssGrowth, `RSS of the test process (server and its 2,000 clients) grew by ${mib(rssGrowth)} MiB`).toBeLessThan(
        400 * 1024 * 1024,
      );
      expect(counted.disorder).toBe(0);
      expect(stats.queueOverflows).toBe(0);
      expect(queue.size).toBe(0);
      closeAll(counted);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('10,000 clients and a burst of 50 broadcasts (the sample app in its own process): nothing lost, RSS bounded', async () => {
    const server = await ServerProcess.start({
      env: { FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: String(RAISED_HANDSHAKE_LIMIT), FP_WST_MAX_CONNECTIONS_PER_IP: '0' },
    });
    let counted: Counted | undefined;
    try {
      counted = await openCounted(`${server.ws}/ws`, 10_000);
      const before = await server.sample();
      const agent = new Agent({ keepAlive: true, maxSockets: 50 });
      const post = (seq: number) =>
        postJson(`${server.http}/ws/send-message`, { type: 'burst', content: { seq, text: 'x'.repeat(100) } }, agent);
      // Posted one after another without waiting: the server queues each while the previous ones are still going out.
      const statuses: Array<Promise<number>> = [];
      for (let seq = 0; seq < 50; seq++) statuses.push(post(seq));
      expect(await Promise.all(statuses)).toEqual(Array(50).fill(202));
      agent.destroy();
      const c = counted;
      await waitFor(() => c.counts.every((n) => n === 50), 'every client got 50 broadcasts', 60_000, 100);
      const after = await server.sample(false);
      expect(c.disorder).toBe(0);
      const stats = await server.stats();
      expect(stats.queue_overflows).toBe(0);
      const growth = after.memory.rss - before.memory.rss;
      expect(growth, `server RSS ${mib(before.memory.rss)} → ${mib(after.memory.rss)} MiB during the burst`).toBeLessThan(
        256 * 1024 * 1024,
      );
    } finally {
      if (counted) closeAll(counted);
      server.kill();
    }
  }, 180_000);
});
