import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionRegistry } from '@websocket-tool/nestjs';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { WsTestClient, sleep, type Envelope } from './utils/ws-test-client.js';

const AWAY_MS = 30_000;
const direct = (c: WsTestClient) => c.messages.filter((m: Envelope) => m.type === 'direct').map((m) => m.content as number);

describe('offline mailbox in cluster mode: three nodes on one Redis', () => {
  const prefix = uniquePrefix('mailbox');
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];

  const connect = async (node: ClusterNode, clientId: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}/ws/${clientId}`);
    clients.push(client);
    return client;
  };
  /** Closes the client and waits until no node holds or locates it any more. */
  const away = async (client: WsTestClient, clientId: string) => {
    client.close();
    await client.closed;
    await waitFor(
      () => nodes.every((n) => n.app.get(ConnectionRegistry).get(clientId) === undefined && n.backplane.locate(clientId) === undefined),
      `every node to forget ${clientId}`,
    );
  };

  beforeAll(async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster mailbox tests need it.');
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, { mailbox: { size: 100, ttlSeconds: 120 } });
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    clients = [];
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it(
    'a named client away 30 s gets every message sent to it through node 1 meanwhile, in order, back on node 2',
    async () => {
      const first = await connect(nodes[0], 'mbc-alice');
      await waitFor(() => nodes[2].backplane.locate('mbc-alice') === nodes[0].nodeId, 'node 3 to locate mbc-alice');
      expect(nodes[2].broadcast.sendToClient('mbc-alice', { type: 'direct', content: 0 })).toEqual({ ok: true, queued: 1, dropped: 0 });
      await first.next('direct');
      await away(first, 'mbc-alice');

      const count = 60;
      for (let i = 1; i <= count; i++) {
        expect(nodes[0].broadcast.sendToClient('mbc-alice', { type: 'direct', content: i })).toEqual({
          ok: true,
          queued: 0,
          dropped: 0,
          kept: 1,
        });
        await sleep(AWAY_MS / count);
      }
      const back = await connect(nodes[1], 'mbc-alice');
      await waitFor(() => nodes[0].backplane.locate('mbc-alice') === nodes[1].nodeId, 'node 1 to locate mbc-alice on node 2');
      nodes[0].broadcast.sendToClient('mbc-alice', { type: 'direct', content: count + 1 });
      await back.next((m) => m.type === 'direct' && m.content === count + 1, 10_000);
      expect(back.messages[0].type).toBe('system.client_connected');
      expect(back.messages[1]).toMatchObject({ type: 'system.mailbox', content: { delivered: count, dropped: 0 } });
      expect(direct(back)).toEqual(Array.from({ length: count + 1 }, (_, i) => i + 1));
    },
    AWAY_MS + 15_000,
  );

  it('past the limit, the client back on another node is told how many were dropped', async () => {
    for (let i = 1; i <= 130; i++) expect(nodes[2].broadcast.sendToClient('mbc-bob', { type: 'direct', content: i }).kept).toBe(1);
    const back = await connect(nodes[0], 'mbc-bob');
    await back.next((m) => m.type === 'direct' && m.content === 130);
    expect(back.messages[1]).toMatchObject({ type: 'system.mailbox', content: { delivered: 100, dropped: 30 } });
    expect(direct(back)).toEqual(Array.from({ length: 100 }, (_, i) => i + 31));
  });

  it('connecting while node 1 sends a stream: every message once, in order, across the switch from mailbox to live', async () => {
    const total = 3000;
    let sent = 0;
    const sending = (async () => {
      while (sent < total) {
        for (let i = 0; i < 20 && sent < total; i++) {
          sent++;
          const result = nodes[0].broadcast.sendToClient('mbc-carol', { type: 'direct', content: sent });
          expect(result.ok).toBe(true);
        }
        await sleep(1);
      }
    })();
    // Connects once some are kept (fewer than the mailbox's size: none is dropped).
    await waitFor(() => sent >= 40, 'the stream to start', 10_000, 1);
    const carol = await connect(nodes[1], 'mbc-carol');
    await sending;
    await carol.next((m) => m.type === 'direct' && m.content === total, 15_000);
    expect(direct(carol)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const notices = carol.ofType('system.mailbox').map((m) => m.content as { delivered: number; dropped: number });
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices.reduce((sum, n) => sum + n.dropped, 0)).toBe(0);
  });
});
