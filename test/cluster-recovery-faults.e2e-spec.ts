import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  TestRedisServer,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { feed, isResubscribeNotice, positionOf, subscribeTo, type Position } from './utils/topic-pump.js';
import { sleep, WsTestClient, type Envelope } from './utils/ws-test-client.js';

const TOPICS: WebSocketToolModuleOptions['topics'] = [
  { pattern: 'small:*', history: { size: 10, ttlSeconds: 60 } },
  { pattern: 'feed:*', history: { size: 1000, ttlSeconds: 60 } },
  { pattern: 'prices', latest: true },
  { pattern: 'game:*', history: { size: 100, ttlSeconds: 60 }, latest: true },
];

type Subscribed = { topic: string; offset?: number; epoch?: string; recovered?: boolean; replayed?: number };
const answerOf = (m: Envelope): Subscribed => m.content as Subscribed;

async function leave(client: WsTestClient): Promise<void> {
  client.close();
  await client.closed;
}

function publish(node: ClusterNode, topic: string, from: number, to: number): void {
  for (let n = from; n <= to; n++) expect(node.broadcast.publish(topic, { type: 'feed', content: n }).ok).toBe(true);
}

describe('cluster mode: lost history and faults give recovered: false, never a silent gap', () => {
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];
  let server: TestRedisServer | null = null;
  const prefixes: string[] = [];

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    clients = [];
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    await server?.kill();
    server = null;
    if (await redisAnswers()) for (const prefix of prefixes.splice(0)) await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const connect = async (node: ClusterNode): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}/ws`);
    clients.push(client);
    return client;
  };

  it('a gap larger than the history: recovered false (same epoch, the current offset), then the live messages', async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster recovery tests need it.');
    const prefix = uniquePrefix('gap');
    prefixes.push(prefix);
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, { topics: TOPICS });
    const first = await connect(nodes[0]);
    await subscribeTo(first, 'small:1');
    publish(nodes[1], 'small:1', 1, 3);
    await waitFor(() => feed(first, 'small:1').length === 3, 'the first three');
    const since = positionOf(feed(first, 'small:1')[2]);
    await leave(first);
    publish(nodes[2], 'small:1', 4, 30);
    // A cluster publish reaches Redis one round trip later, through node 3's own connection.
    const page = await waitFor(async () => {
      const read = await nodes[0].broadcast.history('small:1');
      return read?.offset === 30 ? read : null;
    }, 'the 30 messages to be kept');
    expect(page?.messages.map((m) => m.content)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));

    const back = await connect(nodes[1]);
    const answer = answerOf(await subscribeTo(back, 'small:1', since));
    expect(answer).toEqual({ topic: 'small:1', offset: 30, epoch: since.epoch, recovered: false, replayed: 0 });
    publish(nodes[0], 'small:1', 31, 31);
    await waitFor(() => feed(back, 'small:1').length === 1, 'the live message');
    expect(feed(back, 'small:1').map(positionOf)).toEqual([{ offset: 31, epoch: since.epoch }]);
  });

  it('latest values are shared: a new subscriber on another node gets the last message right after the answer', async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster recovery tests need it.');
    const prefix = uniquePrefix('latest');
    prefixes.push(prefix);
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, { topics: TOPICS });
    // One publisher: its SETs reach Redis in order (two nodes' writes have no order between them).
    nodes[1].broadcast.publish('prices', { type: 'feed', content: 1 });
    nodes[1].broadcast.publish('prices', { type: 'feed', content: 2 });
    publish(nodes[0], 'game:1', 1, 3);
    await waitFor(async () => (await nodes[2].broadcast.history('game:1'))?.offset === 3, 'the game messages to be kept');
    await sleep(100); // node 2's SETs, sent on its own connection
    const late = await connect(nodes[2]);
    expect(answerOf(await subscribeTo(late, 'prices'))).toEqual({ topic: 'prices' });
    const game = answerOf(await subscribeTo(late, 'game:1'));
    expect(game).toMatchObject({ topic: 'game:1', offset: 3 });
    await late.request({ type: 'system.ping' });
    expect(late.ofType('feed').map((m) => m.content)).toEqual([2, 3]);
    expect(late.ofType('feed')[1].meta).toMatchObject({ topic: 'game:1', offset: 3, epoch: game.epoch });
    nodes[1].broadcast.publish('prices', { type: 'feed', content: 4 });
    await waitFor(() => late.ofType('feed').length === 3, 'the live price');
    expect(late.ofType('feed')[2].content).toBe(4);
  });

  it('FLUSHALL: recovered false with a new epoch, and the topic starts again from offset 1 in it', async () => {
    server = await TestRedisServer.start();
    nodes = await startCluster(server.url, uniquePrefix('flush'), 3, { topics: TOPICS });
    const first = await connect(nodes[0]);
    await subscribeTo(first, 'feed:1');
    publish(nodes[1], 'feed:1', 1, 5);
    await waitFor(() => feed(first, 'feed:1').length === 5, 'five messages');
    const since = positionOf(feed(first, 'feed:1')[4]);
    await leave(first);
    const admin = new Redis(server.url);
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    const back = await connect(nodes[2]);
    const answer = answerOf(await subscribeTo(back, 'feed:1', since));
    expect(answer).toMatchObject({ topic: 'feed:1', offset: 0, recovered: false, replayed: 0 });
    expect(answer.epoch).toMatch(/^[0-9a-z]{8}$/);
    expect(answer.epoch).not.toBe(since.epoch);
    publish(nodes[0], 'feed:1', 6, 6);
    await waitFor(() => feed(back, 'feed:1').length === 1, 'the next message');
    expect(positionOf(feed(back, 'feed:1')[0])).toEqual({ offset: 1, epoch: answer.epoch });
  });

  it('Redis restarted in the middle: publishing says so while it is down, and every client then recovers exactly or is told recovered false', async () => {
    server = await TestRedisServer.start();
    const redis = server;
    nodes = await startCluster(redis.url, uniquePrefix('restart'), 3, { topics: TOPICS });
    const subscribers = [await connect(nodes[0]), await connect(nodes[1]), await connect(nodes[2])];
    for (const s of subscribers) await subscribeTo(s, 'feed:1');
    publish(nodes[0], 'feed:1', 1, 20);
    await Promise.all(subscribers.map((s) => waitFor(() => feed(s, 'feed:1').length === 20, 'the first 20 on every client')));
    // One client leaves before the outage, with a position Redis will have lost.
    const early = subscribers[0];
    const earlySince = positionOf(feed(early, 'feed:1')[19]);
    await leave(early);

    await redis.kill();
    await waitFor(() => nodes.every((n) => !n.backplane.connected), 'every node to lose Redis');
    expect(nodes[1].broadcast.publish('feed:1', { type: 'feed', content: 'lost' })).toEqual({
      ok: false,
      queued: 0,
      dropped: 1,
      reason: 'history_unavailable',
    });
    // A recovery asked meanwhile is answered at once: recovered false, nothing replayed.
    const during = await connect(nodes[2]);
    const askedAt = Date.now();
    expect(answerOf(await subscribeTo(during, 'feed:1', earlySince))).toEqual({ topic: 'feed:1', recovered: false, replayed: 0 });
    expect(Date.now() - askedAt).toBeLessThan(1500);
    await leave(during);

    await redis.restart();
    await waitFor(() => nodes.every((n) => n.backplane.connected), 'every node to reconnect', 20_000);
    // The two clients that stayed connected are told their node lost track of the topic; resubscribing with their
    // last position, they learn that the history is gone (a new epoch).
    for (const s of subscribers.slice(1)) {
      await s.next(isResubscribeNotice('feed:1'), 10_000);
      const answer = answerOf(await subscribeTo(s, 'feed:1', positionOf(feed(s, 'feed:1')[19])));
      expect(answer).toMatchObject({ recovered: false, replayed: 0, offset: 0 });
      expect(answer.epoch).not.toBe(earlySince.epoch);
    }
    publish(nodes[2], 'feed:1', 21, 25);
    // They follow the new epoch; each comes back on another node with its last position.
    await Promise.all(subscribers.slice(1).map((s) => waitFor(() => feed(s, 'feed:1').length === 25, 'the five after the restart')));
    const outcomes: Array<{ since: Position; answer: Subscribed; got: Envelope[] }> = [];
    for (const [i, s] of subscribers.entries()) {
      const seen = feed(s, 'feed:1');
      const since = i === 0 ? earlySince : positionOf(seen[seen.length - 1]);
      if (i !== 0) await leave(s);
      const back = await connect(nodes[(i + 1) % 3]);
      const answer = answerOf(await subscribeTo(back, 'feed:1', since));
      await back.request({ type: 'system.ping' });
      outcomes.push({ since, answer, got: feed(back, 'feed:1') });
    }
    publish(nodes[0], 'feed:1', 26, 26);
    await sleep(200);
    for (const { since, answer, got } of outcomes) {
      if (answer.recovered) {
        // Exactly the messages after `since`, in the epoch it named.
        expect(answer.epoch).toBe(since.epoch);
        expect(got.slice(0, answer.replayed).map((m) => m.meta.offset)).toEqual(
          Array.from({ length: answer.replayed ?? 0 }, (_, k) => since.offset + k + 1),
        );
      } else {
        expect(answer.replayed).toBe(0);
        expect(got).toHaveLength(0);
      }
    }
    // The early client's position was in the epoch Redis lost: it cannot have recovered.
    expect(outcomes[0].answer).toMatchObject({ recovered: false, replayed: 0, offset: 5 });
    expect(outcomes[0].answer.epoch).not.toBe(earlySince.epoch);
    // The others were already in the new epoch: nothing missed, recovered.
    for (const o of outcomes.slice(1)) expect(o.answer).toMatchObject({ recovered: true, replayed: 0, offset: 5 });
  }, 60_000);
});
