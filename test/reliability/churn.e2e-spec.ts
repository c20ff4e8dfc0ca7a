import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Server } from 'node:http';
import { WebSocket } from 'ws';
import { HandshakeAdmission } from '../../libs/websocket-tool/src/rate-limit/handshake-admission.js';
import { OutboundQueue } from '../../libs/websocket-tool/src/outbound/outbound-queue.js';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { ReliabilityHandlers } from './fixtures/reliability.handlers.js';
import { mib } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const CYCLES = 3000;
const CONCURRENCY = 16;
const TOPICS = 40;

let addressCounter = 0;

/**
 * One cycle as a client lives it: connect (named or anonymous, from its own
 * address), subscribe, ask for an echo, maybe publish, and leave: a clean
 * close, an abrupt reset, or a server-side disconnect.
 */
async function cycle(t: TestApp, registry: ConnectionRegistry, n: number): Promise<void> {
  const address = ++addressCounter;
  const named = n % 2 === 0;
  const url = named ? `${t.ws}/ws/churn-${n}` : `${t.ws}/ws`;
  const socket = new WebSocket(url, { headers: { 'X-Forwarded-For': `10.1.${(address >> 8) & 255}.${address & 255}` } });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  const replies = new Map<string, (m: { type: string; meta: Record<string, unknown> }) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; meta: Record<string, unknown> };
    const id = message.meta.id;
    if (typeof id === 'string') replies.get(id)?.(message);
  });
  const request = (message: object, id: string) =>
    new Promise<{ type: string; meta: Record<string, unknown> }>((resolve) => {
      replies.set(id, resolve);
      socket.send(JSON.stringify({ ...message, meta: { id } }));
    });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const topic = `room-${n % TOPICS}`;
  expect((await request({ type: 'system.subscribe', content: { topic } }, 's')).type).toBe('system.subscribed');
  expect((await request({ type: 'echo', content: n }, 'e')).type).toBe('echo');
  if (n % 5 === 0) await request({ type: 'merge', content: { topic, n } }, 'm');
  switch (n % 3) {
    case 0:
      socket.close(1000);
      break;
    case 1:
      socket.terminate();
      break;
    default:
      // The server closes it (as the admin API or the app would).
      if (!named || !registry.disconnect(`churn-${n}`, 'churn')) socket.close(1000);
  }
  await closed;
}

async function churn(t: TestApp, registry: ConnectionRegistry, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < end) await cycle(t, registry, next++);
    }),
  );
}

/** Everything that must return to where it was once every client is gone. */
function footprint(t: TestApp) {
  gc();
  gc();
  const server = t.app.getHttpServer() as Server;
  const registry = t.app.get(ConnectionRegistry);
  return {
    heapUsed: process.memoryUsage().heapUsed,
    connections: registry.count(),
    topics: registry.topics().length,
    queued: t.app.get(OutboundQueue).size,
    ipTable: t.app.get(HandshakeAdmission).size,
    timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length,
    sockets: process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length,
    serverListeners: ['connection', 'upgrade', 'request', 'close', 'error'].map((e) => server.listenerCount(e)),
    processListeners: ['exit', 'SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'].map((e) => process.listenerCount(e)),
  };
}

describe(`churn: ${CYCLES} connect/send/disconnect cycles leave nothing behind`, () => {
  let t: TestApp;
  let registry: ConnectionRegistry;

  beforeAll(async () => {
    t = await createTestApp(
      {
        trustProxy: 1,
        // Short windows and a fast supervisor, so the per-IP table empties within the test.
        rateLimitConnectionWindow: 0.3,
        taskRestartInterval: 0.2,
        rateLimitMessagesPerWindow: 1000,
      },
      { providers: [ReliabilityHandlers] },
    );
    registry = t.app.get(ConnectionRegistry);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registry, topic index, queues, per-IP table, timers, listeners and heap return to their starting size', async () => {
    const stats = t.app.get(WsStatsService);
    // Warm-up: lazily created structures, JIT and pools are not leaks.
    await churn(t, registry, 0, 300);
    const settled = async () => {
      await waitFor(() => registry.count() === 0, 'every churned client is gone', 5000);
      await waitFor(() => t.app.get(HandshakeAdmission).size === 0, 'the per-IP table is empty again', 5000, 50);
      // Client sockets closing on this side (the test is both ends) settle on the next turns.
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await settled();
    const before = footprint(t);
    const connectionsBefore = stats.totalConnections;

    const started = Date.now();
    await churn(t, registry, 300, CYCLES);
    const elapsed = Date.now() - started;
    await settled();
    const after = footprint(t);

    expect(stats.totalConnections - connectionsBefore).toBe(CYCLES);
    expect(stats.disconnectionsByReason.server).toBeGreaterThan(0);
    expect({ ...after, heapUsed: 0 }).toEqual({ ...before, heapUsed: 0 });
    const growth = after.heapUsed - before.heapUsed;
    expect(growth, `heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)} MiB after ${CYCLES} cycles in ${elapsed} ms`).toBeLessThan(
      Math.max(2 * 1024 * 1024, before.heapUsed * 0.05),
    );
  }, 60_000);
});
