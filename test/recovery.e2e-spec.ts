import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastService, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep, type Envelope } from './utils/ws-test-client.js';

const TOPICS: WebSocketToolModuleOptions['topics'] = [
  { pattern: 'chat:*', history: { size: 100, ttlSeconds: 60 } },
  { pattern: 'small:*', history: { size: 10, ttlSeconds: 60 } },
  { pattern: 'short:*', history: { size: 100, ttlSeconds: 1 } },
  { pattern: 'prices', latest: true },
  { pattern: 'game:*', history: { size: 100, ttlSeconds: 60 }, latest: true },
];

const offsetOf = (m: Envelope) => m.meta.offset as number;
const msgs = (c: WsTestClient, topic: string) => c.messages.filter((m) => m.type === 'msg' && m.meta.topic === topic);

/** Subscribes and returns the answer; waits until the frames that follow it can have arrived. */
const subscribe = async (client: WsTestClient, topic: string, since?: { offset: number; epoch: string }) => {
  const answer = await client.request({ type: 'system.subscribe', content: since ? { topic, since } : { topic } });
  await client.request({ type: 'system.ping' }); // a round trip: everything queued before it has arrived
  return answer;
};
const closed = async (client: WsTestClient) => {
  client.close();
  await client.closed;
};

describe('topic history and recovery (one node)', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  let n = 0;
  const connect = () => WsTestClient.connect(`${t.ws}/ws/rc-${++n}`);
  const publish = (topic: string, count: number, from = 1) => {
    for (let i = 0; i < count; i++) expect(broadcast.publish(topic, { type: 'msg', content: from + i }).ok).toBe(true);
  };
  beforeAll(async () => {
    t = await createTestApp({
      rateLimitConnectionsPerWindow: 1000,
      topics: TOPICS,
      canSubscribe: (_client, topic) => topic !== 'chat:denied',
    });
    broadcast = t.app.get(BroadcastService);
  });
  afterAll(() => t.close());

  it('positions: each publish to a history topic carries topic, offset 1..n and the epoch; other topics carry none', async () => {
    const c = await connect();
    const answer = await subscribe(c, 'chat:pos');
    expect(answer.content).toEqual({ topic: 'chat:pos', offset: 0, epoch: expect.stringMatching(/^[0-9a-z]{8}$/) });
    const epoch = (answer.content as { epoch: string }).epoch;
    await subscribe(c, 'plain');
    broadcast.publish('chat:pos', { type: 'msg', content: 'a', meta: { trace: 'x' } });
    broadcast.publish('chat:pos', { type: 'msg', content: 'b' });
    broadcast.publish('chat:pos', { type: 'msg', content: 'c' });
    broadcast.publish('plain', { type: 'plain', content: 'p', meta: { trace: 'y' } });
    await c.next('plain');
    expect(msgs(c, 'chat:pos').map((m) => m.meta)).toEqual([
      { trace: 'x', topic: 'chat:pos', offset: 1, epoch },
      { topic: 'chat:pos', offset: 2, epoch },
      { topic: 'chat:pos', offset: 3, epoch },
    ]);
    expect(c.ofType('plain')[0].meta).toEqual({ trace: 'y' });
    // A topic without history answers as before, and a `since` on it is answered recovered: false.
    expect((await subscribe(c, 'plain2')).content).toEqual({ topic: 'plain2' });
    expect((await subscribe(c, 'plain3', { offset: 1, epoch })).content).toEqual({ topic: 'plain3', recovered: false });
    await closed(c);
  });

  it('recovery: 20 missed messages are replayed in order after the answer, then live ones, no duplicate', async () => {
    const first = await connect();
    const answer = await subscribe(first, 'chat:rec');
    const epoch = (answer.content as { epoch: string }).epoch;
    publish('chat:rec', 5);
    await first.next((m) => m.type === 'msg' && m.meta.offset === 5);
    expect(msgs(first, 'chat:rec').map(offsetOf)).toEqual([1, 2, 3, 4, 5]);
    await closed(first);

    publish('chat:rec', 20, 6);
    const second = await connect();
    const resumed = await subscribe(second, 'chat:rec', { offset: 5, epoch });
    expect(resumed.content).toEqual({ topic: 'chat:rec', offset: 25, epoch, recovered: true, replayed: 20 });
    expect(resumed.meta.id).toBeDefined();
    publish('chat:rec', 1, 26);
    await second.next((m) => m.type === 'msg' && m.meta.offset === 26);
    const got = msgs(second, 'chat:rec');
    expect(got.map(offsetOf)).toEqual(Array.from({ length: 21 }, (_, i) => 6 + i));
    expect(got.map((m) => m.content)).toEqual(Array.from({ length: 21 }, (_, i) => 6 + i));
    // The answer came first, then the replay.
    expect(second.messages.indexOf(resumed)).toBeLessThan(second.messages.indexOf(got[0]));
    await closed(second);
  });

  it('a gap larger than the history, an unknown epoch, an offset in the future: recovered false, nothing replayed', async () => {
    const first = await connect();
    const epoch = ((await subscribe(first, 'small:gap')).content as { epoch: string }).epoch;
    publish('small:gap', 1);
    await first.next('msg');
    await closed(first);
    publish('small:gap', 30, 2);

    const second = await connect();
    const refused = { topic: 'small:gap', offset: 31, epoch, recovered: false, replayed: 0 };
    expect((await subscribe(second, 'small:gap', { offset: 1, epoch })).content).toEqual(refused);
    expect((await subscribe(second, 'small:gap', { offset: 30, epoch: 'zzzzzzzz' })).content).toEqual(refused);
    expect((await subscribe(second, 'small:gap', { offset: 40, epoch })).content).toEqual(refused);
    expect(msgs(second, 'small:gap')).toHaveLength(0);
    // Still subscribed: live messages flow.
    publish('small:gap', 1, 32);
    expect(offsetOf(await second.next('msg'))).toBe(32);
    await closed(second);
  });

  it('entries past their ttl are not recovered', async () => {
    const first = await connect();
    const epoch = ((await subscribe(first, 'short:ttl')).content as { epoch: string }).epoch;
    publish('short:ttl', 1);
    await first.next('msg');
    await closed(first);
    publish('short:ttl', 3, 2);
    await sleep(1_200);
    const second = await connect();
    const answer = await subscribe(second, 'short:ttl', { offset: 1, epoch });
    expect(answer.content).toEqual({ topic: 'short:ttl', offset: 4, epoch, recovered: false, replayed: 0 });
    expect(msgs(second, 'short:ttl')).toHaveLength(0);
    await closed(second);
  });

  it('latest-value: a new subscriber gets the last message right after system.subscribed', async () => {
    broadcast.publish('prices', { type: 'price', content: 10 });
    broadcast.publish('prices', { type: 'price', content: 11 });
    const c = await connect();
    const answer = await subscribe(c, 'prices');
    expect(answer.content).toEqual({ topic: 'prices' });
    const prices = c.ofType('price');
    expect(prices.map((m) => m.content)).toEqual([11]);
    expect(c.messages.indexOf(prices[0])).toBe(c.messages.indexOf(answer) + 1);
    await closed(c);
  });

  it('latest-value with history: sent to a fresh subscriber, not sent twice after a recovery that replayed it', async () => {
    const first = await connect();
    const epoch = ((await subscribe(first, 'game:1')).content as { epoch: string }).epoch;
    expect(msgs(first, 'game:1')).toHaveLength(0); // nothing published yet
    publish('game:1', 2);
    await first.next((m) => m.type === 'msg' && m.meta.offset === 2);
    await closed(first);
    publish('game:1', 2, 3);

    const fresh = await connect();
    await subscribe(fresh, 'game:1');
    expect(msgs(fresh, 'game:1').map(offsetOf)).toEqual([4]);

    const back = await connect();
    const answer = await subscribe(back, 'game:1', { offset: 2, epoch });
    expect(answer.content).toMatchObject({ recovered: true, replayed: 2 });
    expect(msgs(back, 'game:1').map(offsetOf)).toEqual([3, 4]);
    await Promise.all([closed(fresh), closed(back)]);
  });

  it('canSubscribe refusing: forbidden, and nothing replayed', async () => {
    publish('chat:denied', 3);
    const page = await broadcast.history('chat:denied');
    expect(page?.offset).toBe(3);
    const c = await connect();
    const answer = await subscribe(c, 'chat:denied', { offset: 0, epoch: page?.epoch as string });
    expect(answer).toMatchObject({ type: 'system.error', meta: { code: 'forbidden' } });
    await sleep(100);
    expect(c.ofType('msg')).toHaveLength(0);
    await closed(c);
  });

  it('BroadcastService.history: the messages as sent, oldest first, since and limit; null without history', async () => {
    publish('chat:hist', 5);
    const page = await broadcast.history('chat:hist');
    expect(page?.offset).toBe(5);
    expect(page?.messages.map((m) => m.meta.offset)).toEqual([1, 2, 3, 4, 5]);
    expect(page?.messages[0]).toMatchObject({ type: 'msg', content: 1, meta: { topic: 'chat:hist', epoch: page?.epoch } });
    expect((await broadcast.history('chat:hist', { since: 3 }))?.messages.map((m) => m.content)).toEqual([4, 5]);
    expect((await broadcast.history('chat:hist', { limit: 2 }))?.messages.map((m) => m.content)).toEqual([4, 5]);
    expect(await broadcast.history('plain')).toBeNull();
    expect(await broadcast.history('prices')).toBeNull();
  });
});

describe('the topics option is validated at boot', () => {
  it.each([
    [[{ pattern: 42 }], /option "topics\[0\]\.pattern"=42 is invalid: it must be a topic name or a glob/],
    [
      [{ pattern: 'chat:*', history: { size: 0, ttlSeconds: 10 } }],
      /option "topics\[0\]\.history\.size"=0 is invalid: it must be an integer from 1/,
    ],
    [
      [{ pattern: 'chat:*', history: { size: 5, ttlSeconds: -1 } }],
      /option "topics\[0\]\.history\.ttlSeconds"=-1 is invalid: it must be a number of seconds more than 0/,
    ],
  ])('%j is refused with a message naming the option', async (topics, message) => {
    await expect(createTestApp({ topics: topics as WebSocketToolModuleOptions['topics'] })).rejects.toThrow(message);
  });
});
