import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Backplane, BroadcastService } from '@websocket-tool/nestjs';
import { register } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, NODE_DEFAULTS, SHARED_REDIS_URL, startNode, uniquePrefix, type ClusterNode } from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { scrape } from './utils/prometheus-text.js';
import { WsTestClient } from './utils/ws-test-client.js';

const PREFIX = 'fp_websocket_tool_';

describe('metrics of topic history and recovery', () => {
  let t: TestApp | undefined;
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.close();
    t = undefined;
    register.clear();
  });

  it('recoveries by outcome, replayed messages, and the messages kept', async () => {
    t = await createTestApp(
      {
        rateLimitConnectionsPerWindow: 1000,
        topics: [
          { pattern: 'chat:*', history: { size: 10, ttlSeconds: 60 } },
          { pattern: 'other:*', history: { size: 3, ttlSeconds: 60 } },
        ],
      },
      { imports: [PrometheusModule.register()] },
    );
    const broadcast = t.app.get(BroadcastService);
    let s = await scrape(t.http);
    expect(s.types.get(`${PREFIX}recoveries_total`)).toBe('counter');
    expect(s.value(`${PREFIX}recoveries_total`, { outcome: 'recovered' })).toBe(0);
    expect(s.value(`${PREFIX}recoveries_total`, { outcome: 'not_recovered' })).toBe(0);
    // Only a node whose Redis link was lost sends these (cluster mode); both are always exported.
    expect(s.types.get(`${PREFIX}missed_message_notices_total`)).toBe('counter');
    expect(s.value(`${PREFIX}missed_message_notices_total`, { notice: 'insufficient_state' })).toBe(0);
    expect(s.value(`${PREFIX}missed_message_notices_total`, { notice: 'topic_gap' })).toBe(0);
    expect(s.value(`${PREFIX}replayed_messages_total`)).toBe(0);
    expect(s.value(`${PREFIX}history_messages`)).toBe(0);

    const c = await WsTestClient.connect(`${t.ws}/ws/m-1`);
    clients.push(c);
    const answer = await c.request({ type: 'system.subscribe', content: { topic: 'chat:a' } });
    const epoch = (answer.content as { epoch: string }).epoch;
    for (let i = 0; i < 7; i++) broadcast.publish('chat:a', { type: 'msg', content: i });
    for (let i = 0; i < 5; i++) broadcast.publish('other:b', { type: 'msg', content: i });
    broadcast.publish('plain', { type: 'msg', content: 'not kept' });

    // Recovered twice (4 + 7 replayed), not recovered twice (wrong epoch; a topic without history); a plain subscribe counts nothing.
    const resume = (topic: string, since: unknown) => c.request({ type: 'system.subscribe', content: { topic, since } });
    await c.request({ type: 'system.unsubscribe', content: { topic: 'chat:a' } });
    expect((await resume('chat:a', { offset: 3, epoch })).content).toMatchObject({ recovered: true, replayed: 4 });
    await c.request({ type: 'system.unsubscribe', content: { topic: 'chat:a' } });
    expect((await resume('chat:a', { offset: 0, epoch })).content).toMatchObject({ recovered: true, replayed: 7 });
    expect((await resume('other:b', { offset: 0, epoch: 'zzzzzzzz' })).content).toMatchObject({ recovered: false });
    expect((await resume('plain', { offset: 0, epoch })).content).toMatchObject({ recovered: false });
    await c.request({ type: 'system.subscribe', content: { topic: 'chat:z' } });

    s = await scrape(t.http);
    expect(s.value(`${PREFIX}recoveries_total`, { outcome: 'recovered' })).toBe(2);
    expect(s.value(`${PREFIX}recoveries_total`, { outcome: 'not_recovered' })).toBe(2);
    expect(s.value(`${PREFIX}replayed_messages_total`)).toBe(11);
    expect(s.value(`${PREFIX}history_messages`)).toBe(7 + 3);
  });

  describe('in cluster mode', () => {
    const TOPICS = [
      { pattern: 'chat:*', history: { size: 10, ttlSeconds: 60 } },
      { pattern: 'other:*', history: { size: 5, ttlSeconds: 60 } },
    ];
    let nodes: ClusterNode[] = [];
    let prefix = '';
    afterEach(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      nodes = [];
      await deleteKeys(SHARED_REDIS_URL, prefix);
    });

    it('history_messages counts what the cluster keeps in Redis, published through any node', async () => {
      prefix = uniquePrefix('history-gauge');
      // Only the first node registers its metrics: prom-client's default registry is one per process.
      const cluster = (nodeId: string) => ({ redis: { url: SHARED_REDIS_URL }, nodeId, keyPrefix: prefix });
      t = await createTestApp(
        { ...NODE_DEFAULTS, enableMetrics: true, topics: TOPICS, cluster: cluster(`${prefix}-n1`) },
        { imports: [PrometheusModule.register()] },
      );
      const n1 = { http: t.http, broadcast: t.app.get(BroadcastService) };
      await expect.poll(() => t?.app.get(Backplane).connected, { timeout: 10_000 }).toBe(true);
      nodes.push(await startNode(SHARED_REDIS_URL, `${prefix}-n2`, prefix, { topics: TOPICS }));
      const [n2] = nodes;
      const gauge = async () => (await scrape(n1.http)).value(`${PREFIX}history_messages`);
      expect(await gauge()).toBe(0);
      for (let i = 0; i < 7; i++) n2.broadcast.publish('chat:a', { type: 'msg', content: i });
      for (let i = 0; i < 3; i++) n2.broadcast.publish('other:b', { type: 'msg', content: i });
      n1.broadcast.publish('chat:c', { type: 'msg', content: 'from n1' });
      n1.broadcast.publish('plain', { type: 'msg', content: 'not kept' });
      await expect.poll(gauge, { timeout: 5000 }).toBe(7 + 3 + 1);
    });
  });
});
