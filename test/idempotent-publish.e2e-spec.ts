import { BroadcastService, type SendResult } from '@websocket-tool/nestjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { createTestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

/** Scaled from 100,000 for the regular run; the guarantee does not depend on the count. */
const PUBLISHES = 10_000;
const TRIES = 3;

const contents = (client: WsTestClient, type: string) => client.ofType(type).map((m) => m.content as number);

async function subscriber(url: string, topic: string): Promise<WsTestClient> {
  const client = await WsTestClient.connect(url);
  client.send({ type: 'system.subscribe', content: { topic }, meta: { id: 'sub' } });
  await client.next('system.subscribed');
  return client;
}

describe('idempotent publish and broadcast', () => {
  it('one node: a repeated key within the window sends nothing and says so; another key or topic sends', async () => {
    const t = await createTestApp({ enableMetrics: false });
    try {
      const broadcast = t.app.get(BroadcastService);
      const sub = await subscriber(`${t.ws}/ws/idem-one`, 'orders');
      expect(await broadcast.publish('orders', { type: 'order', content: 1 }, { idempotencyKey: 'k1' })).toEqual({
        ok: true,
        queued: 1,
        dropped: 0,
        reason: undefined,
      });
      expect(await broadcast.publish('orders', { type: 'order', content: 1 }, { idempotencyKey: 'k1' })).toEqual({
        ok: true,
        queued: 0,
        dropped: 0,
        duplicate: true,
      });
      await broadcast.publish('orders', { type: 'order', content: 2 }, { idempotencyKey: 'k2' });
      await broadcast.publish('other', { type: 'order', content: 3 }, { idempotencyKey: 'k1' });
      expect((await broadcast.broadcast({ type: 'all', content: 1 }, { idempotencyKey: 'k1' })).queued).toBe(1);
      expect((await broadcast.broadcast({ type: 'all', content: 1 }, { idempotencyKey: 'k1' })).duplicate).toBe(true);
      // A short window: the key can be used again once it ends.
      await broadcast.publish('orders', { type: 'order', content: 4 }, { idempotencyKey: 'short', idempotencyWindowMs: 50 });
      await sleep(80);
      await broadcast.publish('orders', { type: 'order', content: 4 }, { idempotencyKey: 'short', idempotencyWindowMs: 50 });
      await sub.next((m) => m.type === 'order' && m.content === 4 && sub.ofType('order').length === 4);
      expect(contents(sub, 'order')).toEqual([1, 2, 4, 4]);
      expect(contents(sub, 'all')).toEqual([1]);
      sub.close();
    } finally {
      await t.close();
    }
  });

  describe('three nodes on one Redis', () => {
    const prefix = uniquePrefix('idempotent');
    let nodes: ClusterNode[] = [];
    let subscribers: WsTestClient[] = [];

    beforeAll(async () => {
      if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the idempotent publish tests need it.');
      nodes = await startCluster(SHARED_REDIS_URL, prefix, 3);
      subscribers = await Promise.all(nodes.map((n, i) => subscriber(`${n.ws}/ws/idem-sub-${i}`, 'orders')));
      // Every node knows the others' subscribers once a message published on each reaches all three.
      for (const [i, node] of nodes.entries()) node.broadcast.publish('orders', { type: 'warm', content: i });
      await waitFor(() => subscribers.every((s) => s.ofType('warm').length === 3), 'the warm-up messages');
    });

    afterAll(async () => {
      for (const s of subscribers) s.close();
      await Promise.all(nodes.map((n) => n.close()));
      await deleteKeys(SHARED_REDIS_URL, prefix);
    });

    it(`${PUBLISHES} publishes, each tried ${TRIES} times on random nodes after random delays: every subscriber gets each once`, async () => {
      const results: SendResult[] = [];
      for (let start = 0; start < PUBLISHES; start += 1000) {
        const tries: Promise<void>[] = [];
        for (let seq = start; seq < start + 1000; seq++) {
          for (let attempt = 0; attempt < TRIES; attempt++) {
            const node = nodes[Math.floor(Math.random() * nodes.length)];
            tries.push(
              sleep(Math.random() * 20).then(async () => {
                results.push(await node.broadcast.publish('orders', { type: 'order', content: seq }, { idempotencyKey: `order-${seq}` }));
              }),
            );
          }
        }
        await Promise.all(tries);
      }
      expect(results.filter((r) => r.duplicate === true)).toHaveLength(PUBLISHES * (TRIES - 1));
      await waitFor(() => subscribers.every((s) => s.ofType('order').length >= PUBLISHES), 'every order at every subscriber', 30_000);
      await sleep(200);
      for (const s of subscribers) {
        const got = contents(s, 'order');
        expect(got).toHaveLength(PUBLISHES);
        expect(new Set(got).size).toBe(PUBLISHES);
      }
    }, 90_000);
  });
});
