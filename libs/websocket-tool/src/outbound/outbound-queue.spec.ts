import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { WebSocketToolOptions } from '../config/websocket-tool-options.interface.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { TokenBucket } from '../rate-limit/token-bucket.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { OutboundBudget } from './outbound-budget.js';
import { OutboundFrame } from './outbound-frame.js';
import { OutboundQueue } from './outbound-queue.js';
import { OutboundSender } from './outbound-sender.js';

/** A socket that takes whatever `ws` would, with a buffer the test fills or drains by hand. */
export class FakeSocket {
  readyState = 1;
  bufferedAmount = 0;
  extensions = '';
  readonly sent: Buffer[] = [];
  closedWith: number | null = null;
  send(payload: Buffer, _options: unknown, callback: (err?: Error) => void): void {
    this.sent.push(payload);
    callback();
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  once(): void {}
}

/** The real outbound pieces around a real registry, as the module wires them. */
export function outbound(options: WebSocketToolOptions = {}) {
  const settings = resolveSettings(options, {});
  const stats = new WsStatsService();
  const registry = new ConnectionRegistry(settings, stats);
  const queue = new OutboundQueue(settings, stats, new OutboundBudget(settings), registry);
  const sender = new OutboundSender(queue);
  const slow: string[] = [];
  registry.listen({ removed: (c, reason) => reason === 'slow_consumer' && slow.push(c.clientId) });
  /** A connection on a fake socket, with its queue attached. */
  const connect = (id: string, socket = new FakeSocket()): ClientConnection & { fake: FakeSocket } => {
    // Without a raw TCP socket the queue writes through `socket.send` (the permessage-deflate path).
    socket.extensions = 'permessage-deflate';
    const c = new ClientConnection(
      socket as unknown as WebSocket,
      { clientId: id, named: true, ip: '127.0.0.1', userAgent: 'spec' },
      new TokenBucket(1, 1, 0),
      Date.now(),
      sender.attach,
    );
    return Object.assign(c, { fake: socket });
  };
  return { queue, sender, registry, stats, slow, connect };
}

let current: ReturnType<typeof outbound>;
const connection = (id: string) => current.connect(id);

const frame = (bytes: number) => new OutboundFrame(JSON.stringify({ type: 't', content: 'x'.repeat(Math.max(0, bytes - 27)) }), Date.now());

function setup(options: WebSocketToolOptions = {}) {
  current = outbound(options);
  return current;
}

describe('OutboundQueue budgets', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts a frame queued for many clients once in the shared budget, and releases it with its last entry', () => {
    const { queue } = setup();
    const clients = Array.from({ length: 50 }, (_, i) => connection(`c${i}`));
    const shared = frame(100);
    for (const c of clients) expect(queue.enqueue(c, shared)).toBe('queued');
    expect(queue.size).toBe(1);
    expect(queue.bytes).toBe(shared.bytes.length);
    expect(clients[0].queuedBytes).toBe(shared.bytes.length);
    for (const c of clients.slice(0, 49)) queue.flush(c);
    expect(queue.size).toBe(1);
    queue.flush(clients[49]);
    expect(queue.size).toBe(0);
    expect(queue.bytes).toBe(0);
    expect(clients[49].queuedBytes).toBe(0);
    queue.stop();
  });

  it('a burst of 200 broadcasts to 2,000 clients fits the default budget: 200 messages, nothing dropped', () => {
    const { queue, stats } = setup();
    const clients = Array.from({ length: 2000 }, (_, i) => connection(`c${i}`));
    let queued = 0;
    for (let i = 0; i < 200; i++) {
      const f = frame(120);
      for (const c of clients) if (queue.enqueue(c, f) === 'queued') queued++;
    }
    expect(queued).toBe(400_000);
    expect(queue.size).toBe(200);
    expect(stats.queueOverflows).toBe(0);
    expect(queue.utilization).toBeCloseTo(200 / 10_000);
    queue.stop();
  });

  it('a client over its message or byte cap whose socket still takes data is flushed, not closed', () => {
    const { queue, slow } = setup({ maxClientQueueSize: 3, maxClientQueueBytes: 4096 });
    const c = connection('reader');
    for (let i = 0; i < 10; i++) expect(queue.enqueue(c, frame(1000))).toBe('queued');
    expect(slow).toEqual([]);
    expect(c.fake.sent.length).toBeGreaterThan(0);
    queue.stop();
  });

  it('a client whose socket is above the high-water mark is closed at its message cap and at its byte cap', () => {
    const { queue, slow, stats } = setup({ maxClientQueueSize: 5, maxClientQueueBytes: 4096, sendHighWaterMarkBytes: 1024 });
    const byCount = connection('by-count');
    const byBytes = connection('by-bytes');
    byCount.fake.bufferedAmount = byBytes.fake.bufferedAmount = 10_000;
    for (let i = 0; i < 5; i++) expect(queue.enqueue(byCount, frame(50))).toBe('queued');
    expect(queue.enqueue(byCount, frame(50))).toBe('client_queue_full');
    for (let i = 0; i < 4; i++) expect(queue.enqueue(byBytes, frame(1000))).toBe('queued');
    expect(queue.enqueue(byBytes, frame(1000))).toBe('client_queue_full');
    expect(slow).toEqual(['by-count', 'by-bytes']);
    expect(stats.queueOverflows).toBe(2);
    expect(queue.size).toBe(0);
    queue.stop();
  });

  it('an empty queue takes one message larger than the byte cap', () => {
    const { queue, slow } = setup({ maxClientQueueBytes: 1024, sendHighWaterMarkBytes: 1024 });
    const c = connection('big');
    c.fake.bufferedAmount = 10_000;
    expect(queue.enqueue(c, frame(5000))).toBe('queued');
    expect(slow).toEqual([]);
    queue.stop();
  });

  it('when the shared budget is full, the parked clients holding the most are closed to make room for a reader', () => {
    const { queue, slow, stats } = setup({ maxQueueSize: 100, maxClientQueueSize: 40, sendHighWaterMarkBytes: 1024 });
    const stalled = Array.from({ length: 4 }, (_, i) => connection(`stalled${i}`));
    for (const c of stalled) c.fake.bufferedAmount = 10_000;
    // Each takes distinct frames up to just under its own cap: together they hold the whole budget.
    for (let round = 0; round < 25; round++) for (const c of stalled) queue.enqueue(c, frame(60 + (c === stalled[2] ? 40 : 0)));
    for (const c of stalled) queue.flush(c); // parks them: their sockets take no more
    expect(queue.size).toBe(100);
    const reader = connection('reader');
    expect(queue.enqueue(reader, frame(60))).toBe('queued');
    expect(slow).toEqual(['stalled2']);
    expect(queue.size).toBe(76);
    expect(stats.queueOverflows).toBe(0);
    queue.stop();
  });

  it('with no parked client to close, a full shared budget drops the new message as an overflow', () => {
    const { queue, stats } = setup({ maxQueueSize: 10 });
    const c = connection('busy');
    for (let i = 0; i < 10; i++) expect(queue.enqueue(c, frame(50))).toBe('queued');
    expect(queue.enqueue(c, frame(50))).toBe('queue_full');
    expect(stats.queueOverflows).toBe(1);
    queue.stop();
  });

  it('closes a parked client whose buffer has not gone down for slowConsumerTimeout; one that drains slowly stays', async () => {
    vi.useFakeTimers();
    const { queue, slow } = setup({ slowConsumerTimeout: 1, sendHighWaterMarkBytes: 1024 });
    const stuck = connection('stuck');
    const slowLink = connection('slow-link');
    stuck.fake.bufferedAmount = slowLink.fake.bufferedAmount = 500_000;
    queue.enqueue(stuck, frame(50));
    queue.enqueue(slowLink, frame(50));
    queue.flush(stuck);
    queue.flush(slowLink);
    for (let t = 0; t < 12; t++) {
      slowLink.fake.bufferedAmount -= 1000;
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(slow).toEqual(['stuck']);
    expect(slowLink.queued).toBe(1);
    queue.stop();
  });

  it('discarding a connection gives its frames back to the shared budget', () => {
    const { queue } = setup();
    const a = connection('a');
    const b = connection('b');
    const shared = frame(100);
    queue.enqueue(a, shared);
    queue.enqueue(b, shared);
    queue.enqueue(a, frame(100));
    expect(queue.size).toBe(2);
    queue.discard(a);
    expect(queue.size).toBe(1);
    expect(a.queuedBytes).toBe(0);
    queue.discard(b);
    expect(queue.size).toBe(0);
    expect(queue.bytes).toBe(0);
    queue.stop();
  });
});
