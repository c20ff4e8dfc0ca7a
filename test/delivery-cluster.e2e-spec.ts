import { WebSocketToolClient, type WsMessage } from '@websocket-tool/client';
import { ClientRequestError, ConnectionRegistry, type DeliveryReceipt } from '@websocket-tool/nestjs';
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
import { WsTestClient } from './utils/ws-test-client.js';

/** Timer granularity plus one Redis round trip on a shared, loaded machine. */
const TICK_MS = 40;
const CLIENTS_PER_NODE = 10;

describe('acknowledged sends and server requests across three nodes on one Redis', () => {
  const prefix = uniquePrefix('delivery');
  let nodes: ClusterNode[] = [];
  const clients: WebSocketToolClient[] = [];
  const raws: WsTestClient[] = [];
  const ids: string[] = [];

  const locatedEverywhere = (clientId: string, holder: ClusterNode) =>
    nodes.every((n) => n === holder || n.backplane.locate(clientId) === holder.nodeId);

  beforeAll(async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster delivery tests need it.');
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, { rateLimitMessagesPerWindow: 10, rateLimitMessageWindow: 1 });
    for (const [n, node] of nodes.entries()) {
      for (let i = 0; i < CLIENTS_PER_NODE; i++) {
        const clientId = `dc-${n}-${i}`;
        const client = new WebSocketToolClient(`${node.ws}/ws`, { clientId });
        client.handle('whoami', () => ({ clientId, node: node.nodeId }));
        clients.push(client);
        ids.push(clientId);
      }
    }
    await Promise.all(clients.map((c) => c.whenOpen(10_000)));
    for (const [index, clientId] of ids.entries()) {
      const holder = nodes[Math.floor(index / CLIENTS_PER_NODE)];
      await waitFor(() => locatedEverywhere(clientId, holder), `every node to locate ${clientId}`);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const r of raws) r.close();
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('10,000 acknowledged sends from every node to clients spread over the three: 10,000 delivered', async () => {
    const total = 10_000;
    const receipts: DeliveryReceipt[] = [];
    for (let start = 0; start < total; start += 1000) {
      const batch = Array.from({ length: 1000 }, (_, i) => {
        const n = start + i;
        return nodes[n % 3].broadcast.sendToClient(ids[n % ids.length], { type: 'tick', content: n }, { ack: true, timeoutMs: 10_000 });
      });
      receipts.push(...(await Promise.all(batch)));
    }
    expect(receipts.length).toBe(total);
    expect(receipts.filter((r) => r.status === 'delivered').length).toBe(total);
  }, 60_000);

  it('to a client that left: offline in under 50 ms, from every node', async () => {
    const node = nodes[1];
    const leaving = new WebSocketToolClient(`${node.ws}/ws`, { clientId: 'dc-leaving' });
    await leaving.whenOpen(5000);
    await waitFor(() => locatedEverywhere('dc-leaving', node), 'every node to locate dc-leaving');
    await leaving.close();
    await waitFor(() => node.app.get(ConnectionRegistry).get('dc-leaving') === undefined, 'node 2 to forget dc-leaving');
    for (const from of nodes) {
      const started = performance.now();
      const receipt = await from.broadcast.sendToClient('dc-leaving', { type: 'tick' }, { ack: true, timeoutMs: 5000 });
      expect(receipt).toEqual({ status: 'offline' });
      expect(performance.now() - started).toBeLessThan(50);
    }
  });

  it('to a client on another node that never acknowledges: timeout at the deadline', async () => {
    const mute = await WsTestClient.connect(`${nodes[2].ws}/ws/dc-mute`);
    raws.push(mute);
    await waitFor(() => locatedEverywhere('dc-mute', nodes[2]), 'every node to locate dc-mute');
    const started = performance.now();
    const receipt = await nodes[0].broadcast.sendToClient('dc-mute', { type: 'tick' }, { ack: true, timeoutMs: 500 });
    const elapsed = performance.now() - started;
    expect(receipt).toEqual({ status: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(499);
    expect(elapsed).toBeLessThan(500 + TICK_MS);
    expect((await mute.next('tick')).meta.ack_id).toEqual(expect.any(String));
  });

  it('a server request to a client of another node resolves with its handler result; errors stay typed', async () => {
    expect(await nodes[0].broadcast.request('dc-2-3', { type: 'whoami' }, { timeoutMs: 2000 })).toEqual({
      clientId: 'dc-2-3',
      node: nodes[2].nodeId,
    });
    const error = await nodes[2].broadcast.request('dc-0-1', { type: 'nothing' }, { timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientRequestError);
    expect(error).toMatchObject({ code: 'client_error', clientCode: 'no_handler' });
  });

  it('an acknowledged broadcast and publish count the recipients of every node', async () => {
    const all = await nodes[1].broadcast.broadcast({ type: 'all' }, { ack: true, timeoutMs: 2000, except: ['dc-mute'] });
    expect(all).toEqual({ delivered: ids.length, timeout: 0, offline: 0, dropped: 0 });
    await Promise.all([clients[0].subscribe('acked-room'), clients[15].subscribe('acked-room'), clients[29].subscribe('acked-room')]);
    const counts = await nodes[0].broadcast.publish('acked-room', { type: 'room' }, { ack: true, timeoutMs: 2000 });
    expect(counts).toEqual({ delivered: 3, timeout: 0, offline: 0, dropped: 0 });
  });
});

describe('acknowledged sends kept like any other, three nodes on one Redis', () => {
  const prefix = uniquePrefix('delivery-kept');
  let nodes: ClusterNode[] = [];
  const clients: WebSocketToolClient[] = [];

  beforeAll(async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster delivery tests need it.');
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, {
      topics: [{ pattern: 'ledger:*', history: { size: 100, ttlSeconds: 60 } }],
      mailbox: { size: 10, ttlSeconds: 60 },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('an acknowledged publish on a topic with history in Redis is kept with its offset, in the topic order, and counted on every node', async () => {
    const seen: WsMessage[][] = nodes.map(() => []);
    for (const [n, node] of nodes.entries()) {
      const client = new WebSocketToolClient(`${node.ws}/ws`, { clientId: `ledger-${n}` });
      clients.push(client);
      client.on('entry', (m) => void seen[n].push(m));
      await client.whenOpen(5000);
      await client.subscribe('ledger:1');
    }
    nodes[0].broadcast.publish('ledger:1', { type: 'entry', content: 1 });
    const counts = await nodes[1].broadcast.publish('ledger:1', { type: 'entry', content: 2 }, { ack: true, timeoutMs: 3000 });
    nodes[2].broadcast.publish('ledger:1', { type: 'entry', content: 3 });
    expect(counts).toEqual({ delivered: 3, timeout: 0, offline: 0, dropped: 0 });

    await waitFor(() => seen.every((s) => s.length === 3), 'the three entries on every node');
    const page = (await nodes[2].broadcast.history('ledger:1'))!;
    expect(page.messages.map((m) => m.content)).toEqual([1, 2, 3]);
    const offsets = page.messages.map((m) => m.meta.offset as number);
    expect(offsets).toEqual([offsets[0], offsets[0] + 1, offsets[0] + 2]);
    expect(page.messages[1].meta.ack_id).toBeUndefined();
    for (const s of seen) {
      expect(s.map((m) => [m.content, m.meta.offset])).toEqual(page.messages.map((m) => [m.content, m.meta.offset]));
      expect(s[1].meta.ack_id).toEqual(expect.any(String));
    }
  });

  it('an acknowledged publish to a topic nobody follows answers at once, with nothing counted', async () => {
    const started = performance.now();
    expect(await nodes[0].broadcast.publish('ledger:empty', { type: 'entry' }, { ack: true, timeoutMs: 5000 })).toEqual({
      delivered: 0,
      timeout: 0,
      offline: 0,
      dropped: 0,
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await nodes[1].broadcast.history('ledger:empty'))!.messages).toHaveLength(1);
  });

  it('an acknowledged send to a named client connected nowhere is kept in its mailbox; it gets it on another node', async () => {
    expect(await nodes[0].broadcast.sendToClient('kept-away', { type: 'invoice', content: 9 }, { ack: true, timeoutMs: 5000 })).toEqual({
      status: 'kept',
    });
    const back = await WsTestClient.connect(`${nodes[2].ws}/ws/kept-away`);
    expect((await back.next('invoice')).content).toBe(9);
    back.close();
  });
});
