import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { latencyBar } from './support/latency-bar.js';
import { retainedBytes, ServerProcess, type ServerSample } from './support/server-process.js';

/** Clients held idle: enough that a per-connection cost shows above the noise of one process's heap. */
const CLIENTS = 3000;
const HEARTBEAT_INTERVAL_S = 1;
/**
 * Gross bars, far above what a connection costs today (about 3 KiB of heap
 * and buffers, and a few milliseconds per heartbeat slice), so that only a
 * regression fails them: a timer, a closure chain or a buffer kept per idle
 * connection, or a round that pings every connection in one go.
 */
const MAX_RETAINED_KIB_PER_CLIENT = 12;
const MAX_LOOP_DELAY_MS = 60;
/** `monitorEventLoopDelay` in the server samples every 10 ms: its readings include that resolution. */
const LOOP_DELAY_RESOLUTION_MS = 10;

/** What the idle clients saw. */
interface Seen {
  closed: number;
  /** Protocol pings received, all clients together. */
  pings: number;
}

/** Opens `n` clients, 250 handshakes at a time; they stay idle and answer pings (ws does). */
async function openIdle(url: string, n: number, seen: Seen): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < n; start += 250) {
    const batch = Array.from({ length: Math.min(250, n - start) }, () => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.once('open', () => {
          socket.once('close', () => seen.closed++);
          socket.on('ping', () => seen.pings++);
          resolve();
        });
        socket.once('error', reject);
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

const kib = (bytes: number): number => Math.round((bytes / 1024) * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Timing on a shared machine: one more attempt if another process held the server's core.
describe(
  `${CLIENTS} idle connections with a heartbeat round every ${HEARTBEAT_INTERVAL_S} s (the sample app in its own process)`,
  { retry: 1 },
  () => {
    let server: ServerProcess;
    let sockets: WebSocket[] = [];
    const seen: Seen = { closed: 0, pings: 0 };
    let before: ServerSample;

    beforeAll(async () => {
      server = await ServerProcess.start({
        // Only what one test machine needs to open the clients is lifted: the handshake rate and the cap per address.
        env: {
          FP_WST_HEARTBEAT_INTERVAL: String(HEARTBEAT_INTERVAL_S),
          FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: '1000000',
          FP_WST_MAX_CONNECTIONS_PER_IP: '0',
        },
      });
      // A first batch opened and closed, so what is compiled or pooled on first use is not counted per connection.
      for (const socket of await openIdle(`${server.ws}/ws`, 250, { closed: 0, pings: 0 })) socket.terminate();
      await sleep(300);
      before = await server.sample();
      sockets = await openIdle(`${server.ws}/ws`, CLIENTS, seen);
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.terminate();
      await server?.stop();
    });

    it(`retains at most ${MAX_RETAINED_KIB_PER_CLIENT} KiB of heap and buffers per idle connection`, async () => {
      const loaded = await server.sample();
      const perClient = (retainedBytes(loaded) - retainedBytes(before)) / CLIENTS;
      expect(loaded.fds - before.fds, 'one descriptor per connection').toBeGreaterThanOrEqual(CLIENTS);
      expect(kib(perClient), `retained ${kib(retainedBytes(before))} → ${kib(retainedBytes(loaded))} KiB`).toBeLessThanOrEqual(
        MAX_RETAINED_KIB_PER_CLIENT,
      );
    });

    it(`holds the event loop at most ${MAX_LOOP_DELAY_MS} ms (wider on an overloaded machine) over three heartbeat rounds; no client is closed`, async () => {
      await server.sample(false);
      const pingsBefore = seen.pings;
      await sleep(HEARTBEAT_INTERVAL_S * 3000 + 200);
      const rounds = await server.sample(false);
      const stats = await server.stats();
      expect(stats.total_active_connections).toBe(CLIENTS);
      expect(seen.closed).toBe(0);
      // Every client was pinged in each round (a round may still be going on at either end).
      expect(seen.pings - pingsBefore).toBeGreaterThanOrEqual(CLIENTS * 2);
      expect(rounds.loopDelayMs.max - LOOP_DELAY_RESOLUTION_MS).toBeLessThanOrEqual(latencyBar(MAX_LOOP_DELAY_MS));
    });
  },
);
