import { BroadcastService } from '@websocket-tool/nestjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetriedPublishCluster } from './fixtures/idempotent-publish.fixture.js';
import { createTestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

/** Scaled from 100,000 for the regular run (the full figure runs in the load project: `reliability/idempotent-publish-load`). */
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
    let cluster: RetriedPublishCluster;
    beforeAll(async () => {
      cluster = await RetriedPublishCluster.start('idempotent');
    });
    afterAll(() => cluster.close());

    it(`${PUBLISHES} publishes, each tried ${TRIES} times on random nodes after random delays: every subscriber gets each once`, async () => {
      await cluster.publishWithRetries(PUBLISHES, TRIES);
    }, 90_000);
  });
});
