import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { WsTestClient, type Envelope } from '../utils/ws-test-client.js';
import { ReliabilityHandlers } from './fixtures/reliability.handlers.js';
import { latencyBar } from './support/latency-bar.js';
import { waitFor } from './support/wait-for.js';

const HANDLER_TIMEOUT_MS = 500;
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** Round trip of one echo, in ms. */
async function echoRtt(client: WsTestClient, id: string): Promise<number> {
  const started = performance.now();
  const reply = await client.request({ type: 'echo', content: id }, id);
  expect(reply.content).toBe(id);
  return performance.now() - started;
}

describe('handlers that throw, hang or reject late never block other handlers or clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(
      { handlerTimeout: HANDLER_TIMEOUT_MS / 1000, rateLimitMessagesPerWindow: 100_000 },
      { providers: [ReliabilityHandlers] },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a throwing handler answers handler_error at once, without internals, and the connection carries on', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws`);
    const reply = await a.request({ type: 'throws' }, 't1');
    expect(reply).toMatchObject({ type: 'system.error', meta: { code: 'handler_error', original_type: 'throws', id: 't1' } });
    expect(JSON.stringify(reply)).not.toContain('internal detail');
    expect(await echoRtt(a, 'after-throw')).toBeLessThan(latencyBar(50));
    a.close();
  });

  it('200 hanging calls get handler_timeout within 2× handlerTimeout while the same and other clients are served at once', async () => {
    const timersBefore = timeouts();
    const a = await WsTestClient.connect(`${t.ws}/ws`);
    const b = await WsTestClient.connect(`${t.ws}/ws`);
    const sentAt = Date.now();
    const hung = Array.from({ length: 200 }, (_, i) => a.request({ type: 'hangs' }, `h${i}`));
    const rtts: number[] = [];
    while (Date.now() - sentAt < HANDLER_TIMEOUT_MS - 100) {
      rtts.push(await echoRtt(b, `b${rtts.length}`), await echoRtt(a, `a${rtts.length}`));
    }
    const answers = await Promise.all(hung);
    const answeredAt = Date.now();
    expect(answers.every((m) => m.type === 'system.error' && m.meta.code === 'handler_timeout' && m.meta.original_type === 'hangs')).toBe(
      true,
    );
    expect(answeredAt - sentAt).toBeGreaterThanOrEqual(HANDLER_TIMEOUT_MS - 20);
    expect(answeredAt - sentAt).toBeLessThan(2 * HANDLER_TIMEOUT_MS);
    expect(Math.max(...rtts), `echo round trips while 200 calls hang: ${rtts.map((r) => r.toFixed(1)).join(', ')}`).toBeLessThan(
      latencyBar(50),
    );
    expect(t.app.get(ReliabilityHandlers).pendingHangs).toBeGreaterThanOrEqual(200);
    // A hung call holds no timer once it has been answered.
    expect(timeouts()).toBeLessThanOrEqual(timersBefore);
    a.close();
    b.close();
  });

  it('a late rejection is answered once: handler_error before the timeout, handler_timeout (and nothing more) after it', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws`);
    const early = await a.request({ type: 'rejects-late', content: 200 }, 'early');
    expect(early.meta).toMatchObject({ code: 'handler_error', id: 'early' });
    const late = await a.request({ type: 'rejects-late', content: HANDLER_TIMEOUT_MS + 300 }, 'late');
    expect(late.meta).toMatchObject({ code: 'handler_timeout', id: 'late' });
    // Let the late rejection happen, then check it produced no second answer.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await a.request({ type: 'echo', content: 'sync' }, 'sync');
    const forLate = a.messages.filter((m: Envelope) => m.meta.id === 'late');
    expect(forLate).toHaveLength(1);
    a.close();
  });

  it('a slow handler does not hold back the same client’s next message: replies come back as each finishes', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws`);
    const slow = a.request({ type: 'slow', content: 'slow' }, 's');
    const rtt = await echoRtt(a, 'fast');
    expect(rtt).toBeLessThan(latencyBar(50));
    expect((await slow).content).toBe('slow');
    const order = a.messages.filter((m) => m.meta.id === 's' || m.meta.id === 'fast').map((m) => m.meta.id);
    expect(order).toEqual(['fast', 's']);
    a.close();
  });

  it('a client pipelining 6,000 requests in one write does not hold up another client: its turn comes after a few dozen', async () => {
    const flooder = await WsTestClient.connect(`${t.ws}/ws`);
    const other = await WsTestClient.connect(`${t.ws}/ws`);
    let floodReplies = 0;
    flooder.socket.on('message', () => floodReplies++);
    const raw = (flooder.socket as unknown as { _socket: import('node:net').Socket })._socket;
    const frames = Array.from({ length: 6000 }, (_, i) => `{"type":"echo","content":${i}}`);
    // One TCP write: ws on the server parses every frame of a read at once.
    raw.cork();
    frames.forEach((f) => flooder.socket.send(f));
    const reply = other.request({ type: 'echo', content: 'me' }, 'me');
    raw.uncork();
    await reply;
    const before = floodReplies;
    await waitFor(() => floodReplies >= 6000, 'the flood is answered', 10_000);
    expect(before, 'flood replies that arrived before the other client’s one').toBeLessThan(500);
    flooder.close();
    other.close();
  });

  it('a burst of replies larger than maxClientQueueSize to a client that reads is written out, not treated as a slow consumer', async () => {
    const burst = await createTestApp({ maxClientQueueSize: 100 }, { providers: [ReliabilityHandlers] });
    try {
      const client = await WsTestClient.connect(`${burst.ws}/ws`);
      client.send({ type: 'burst', content: 1500 });
      const done = await client.next('burst.done');
      expect(done).toMatchObject({ type: 'burst.done', content: { queued: 1500 } });
      await waitFor(() => client.ofType('burst.item').length === 1500, 'every burst item arrived', 5000);
      expect(client.ofType('burst.item').map((m) => m.content)).toEqual([...Array(1500).keys()]);
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      client.close();
    } finally {
      await burst.close();
    }
  });
});
