import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeConnection, outbound } from '../../../../test/utils/outbound-fakes.js';
import type { WebSocketToolConfigOptions } from '../config/websocket-tool-module-options.interface.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { queueOf } from './client-queue.js';
import { OutboundFrame } from './outbound-frame.js';
import { OutboundQueue } from './outbound-queue.js';
import { OutboundSender } from './outbound-sender.js';

let current: ReturnType<typeof outbound>;
const connection = (id: string) => current.connect(id);

const frame = (bytes: number) => new OutboundFrame(JSON.stringify({ type: 't', content: 'x'.repeat(Math.max(0, bytes - 27)) }), Date.now());

function setup(options: WebSocketToolConfigOptions = {}) {
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

  it('consumers write what was queued in the same tick once the running code finishes, in one batch per client', async () => {
    const { queue } = setup();
    queue.startConsumers();
    const c = connection('batched');
    for (let i = 0; i < 3; i++) queue.enqueue(c, frame(50));
    expect(c.fake.sent).toHaveLength(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(c.fake.sent).toHaveLength(3);
    expect(queue.size).toBe(0);
    queue.stop();
  });

  it('parks a client above the high-water mark and serves it again once its socket drains', async () => {
    vi.useFakeTimers();
    const { queue } = setup({ sendHighWaterMarkBytes: 1024 });
    queue.startConsumers();
    const c = connection('parked');
    c.fake.bufferedAmount = 10_000;
    queue.enqueue(c, frame(50));
    await vi.advanceTimersByTimeAsync(20);
    expect(c.fake.sent).toHaveLength(0);
    c.fake.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(20);
    expect(c.fake.sent).toHaveLength(1);
    expect(c.queued).toBe(0);
    queue.stop();
  });
});

describe('OutboundQueue sends', () => {
  it('sendNow writes at once when nothing is queued ahead, else queues behind what is', () => {
    const { queue } = setup();
    const c = connection('now');
    expect(queue.sendNow(c, frame(50))).toBe('queued');
    expect(c.fake.sent).toHaveLength(1);
    expect(queue.size).toBe(0);
    c.fake.bufferedAmount = 1_000_000;
    queue.enqueue(c, frame(50));
    expect(queue.sendNow(c, frame(50))).toBe('queued');
    expect(c.fake.sent).toHaveLength(1);
    expect(c.queued).toBe(2);
    queue.stop();
  });

  it('nothing is queued for a connection that is closing', () => {
    const { queue, registry } = setup();
    const c = connection('leaving');
    registry.add(c);
    registry.remove(c, 'client');
    expect(queue.enqueue(c, frame(50))).toBe('closed');
    expect(queue.sendNow(c, frame(50))).toBe('closed');
    expect(queue.size).toBe(0);
    queue.stop();
  });

  it('counts sent and failed writes; maxClientErrors failures in a row close the client with send_error', () => {
    const base = setup({ maxClientErrors: 3 });
    const failures: string[] = [];
    const listener = { sendFailed: (conn: { clientId: string }, err: Error) => failures.push(`${conn.clientId}: ${err.message}`) };
    const queue = new OutboundQueue(base.settings, base.stats, base.queue.budget, base.registry, undefined, listener);
    const c = fakeConnection('flaky', new OutboundSender(queue).attach);
    base.registry.add(c);
    queue.sendNow(c, frame(50));
    expect(c.messagesSent).toBe(1);
    c.fake.send = (_payload: Buffer, _options: unknown, callback: (err?: Error) => void) => callback(new Error('broken pipe'));
    for (let i = 0; i < 2; i++) queue.sendNow(c, frame(50));
    expect(c.messagesFailed).toBe(2);
    expect(base.stats.messagesFailed).toBe(2);
    expect(c.fake.closedWith).toBeNull();
    queue.sendNow(c, frame(50));
    expect(failures).toEqual(['flaky: broken pipe', 'flaky: broken pipe', 'flaky: broken pipe']);
    expect(c.fake.closedWith?.code).toBe(4002);
    expect(c.disconnectReason).toBe('send_error');
    expect(base.registry.has('flaky')).toBe(false);
    queue.stop();
  });

  it('reports the queue wait of each frame written while its listener listens, and reads no clock otherwise', () => {
    const waits: number[] = [];
    const listener = { listening: false, frameWritten: (ms: number) => waits.push(ms) };
    const base = setup();
    const queue = new OutboundQueue(base.settings, base.stats, base.queue.budget, base.registry, listener);
    const c = fakeConnection('timed', new OutboundSender(queue).attach);
    queue.enqueue(c, frame(50));
    queue.flush(c);
    expect(waits).toEqual([]);
    listener.listening = true;
    queue.enqueue(c, new OutboundFrame('{"type":"t"}', Date.now() - 40));
    queue.flush(c);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(40);
    queue.stop();
  });
});

const price = (symbol: string, seq: number) => serializeEnvelope({ type: 'price', content: { symbol, seq, pad: 'x'.repeat(1000) } });

describe('OutboundQueue overflow policies', () => {
  it('a socket above the mark with the queue under its cap: coalesce keeps one value per key, then writes them all in one batch', () => {
    const { queue, sender, stats } = setup({
      sendHighWaterMarkBytes: 4096,
      maxClientQueueSize: 1000,
      overflow: [{ type: 'price', policy: 'coalesce', key: 'symbol' }],
    });
    const c = connection('reader');
    c.fake.bufferedAmount = 10_000;
    for (let seq = 0; seq < 100; seq++) expect(queue.enqueue(c, sender.frame(price(`s${seq % 10}`, seq)))).toBe('queued');
    const q = queueOf(c);
    expect(q.queued).toBe(10);
    expect(stats.overflowByPolicy.get('coalesce')?.get('price')).toBe(90);
    // The reader resumes: ten values of 1 KB, more than twice the mark, leave in one batch.
    c.fake.bufferedAmount = 0;
    const before = q.batches;
    queue.flush(c);
    expect(q.batches - before).toBe(1);
    expect(c.fake.texts().map((t) => (JSON.parse(t) as { content: { seq: number } }).content.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => 90 + i),
    );
    queue.stop();
  });

  it('the shared budget trims a stalled client holding only messages with a policy; one holding others is closed', () => {
    const { queue, sender, slow, stats } = setup({
      sendHighWaterMarkBytes: 1024,
      maxQueueSize: 20,
      overflow: [{ type: 'price', policy: 'drop-newest' }],
    });
    const lenient = connection('lenient');
    const strict = connection('strict');
    for (const c of [lenient, strict]) {
      // Over the mark after the first write: parked, the others queued behind it.
      c.fake.bufferedAmount = 0;
      queue.enqueue(c, sender.frame(c === lenient ? price('a', 0) : serializeEnvelope({ type: 'plain', content: 0 })));
      queue.flush(c);
      c.fake.bufferedAmount = 10_000;
    }
    // drop-newest queues nothing new while the socket is above the mark: fill the budget through the cap path instead.
    const qLenient = queueOf(lenient);
    for (let i = 1; i <= 15; i++) {
      const f = sender.frame(price('a', i));
      qLenient.frames.push(f);
      qLenient.queuedBytes += f.bytes.length;
      queue.budget.hold(f);
    }
    queue.flush(lenient);
    for (let i = 1; i <= 5; i++) queue.enqueue(strict, sender.frame(serializeEnvelope({ type: 'plain', content: i })));
    queue.flush(strict);
    expect(queue.size).toBe(20);
    // A new message needs room: the heaviest stalled client (lenient, 15 queued) is trimmed, not closed.
    expect(queue.enqueue(connection('other'), frame(10))).toBe('queued');
    expect(slow).toEqual([]);
    expect(qLenient.queued).toBe(14);
    expect(stats.overflowByPolicy.get('drop-newest')?.get('price')).toBe(1);
    // Newest first, until it holds nothing; then the stalled client without a policy makes room by closing.
    for (let i = 0; i < 15; i++) expect(queue.enqueue(connection(`more-${i}`), frame(10))).toBe('queued');
    expect(qLenient.queued).toBe(0);
    expect(stats.overflowByPolicy.get('drop-newest')?.get('price')).toBe(15);
    expect(slow).toEqual(['strict']);
    expect(lenient.closing).toBe(false);
    expect(stats.queueOverflows).toBe(0);
    queue.stop();
  });
});
