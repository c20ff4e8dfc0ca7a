import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adminJson,
  redisServerInstalled,
  startCluster,
  TestRedisServer,
  uniquePrefix,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { WsTestClient } from './utils/ws-test-client.js';

interface TopicsBody {
  topics: Array<{ topic: string; subscribers: number; history: unknown }>;
  total: number;
  missing_nodes?: string[];
}

/** `GET /ws/topics` in cluster mode: two in-process nodes on a redis-server of this file's own. */
describe('admin API: topics over a cluster', () => {
  let redis: TestRedisServer;
  let nodes: ClusterNode[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    if (!redisServerInstalled()) throw new Error('redis-server is not installed: this test needs it on the PATH.');
    redis = await TestRedisServer.start();
  }, 30_000);
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
  });
  afterAll(async () => {
    await redis?.kill();
  });

  const subscribed = async (node: ClusterNode, id: string, ...topics: string[]) => {
    const c = await WsTestClient.connect(`${node.ws}/ws/${id}`);
    clients.push(c);
    for (const topic of topics) await c.request({ type: 'system.subscribe', content: { topic } });
  };

  it('lists the topics of every node with subscribers summed, the same from either node', async () => {
    nodes = await startCluster(redis.url, uniquePrefix('topics'), 2);
    const [n1, n2] = nodes;
    await subscribed(n1, 'tc-a1', 'room:a', 'only-1');
    await subscribed(n1, 'tc-a2', 'room:a');
    await subscribed(n2, 'tc-b1', 'room:a', 'only-2');

    const expected = [
      { topic: 'only-1', subscribers: 1, history: null },
      { topic: 'only-2', subscribers: 1, history: null },
      { topic: 'room:a', subscribers: 3, history: null },
    ];
    for (const node of [n1, n2]) {
      const { status, body } = await adminJson<TopicsBody>(node.http, '/ws/topics');
      expect(status).toBe(200);
      expect(body.topics).toEqual(expected);
      expect(body.total).toBe(3);
      expect(body.missing_nodes).toEqual([]);
    }
  });
});
