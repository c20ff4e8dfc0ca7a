import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskMessageType, TaskMonitor } from '@websocket-tool/nestjs';
import {
  adminJson,
  CLUSTER_SKIP_NOTE,
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { handshakeStatus, WsTestClient, type Envelope } from './utils/ws-test-client.js';

const count = (client: WsTestClient, type: string): number => client.ofType(type).length;

/** Waits until `node` knows where `clientId` is connected. */
const located = (node: ClusterNode, clientId: string, holder: ClusterNode) =>
  waitFor(() => node.backplane.locate(clientId) === holder.nodeId, `${node.nodeId} to see ${clientId} on ${holder.nodeId}`);

/** Every client, on every node: one envelope of `type` each. */
async function allGot(clients: readonly WsTestClient[], type: string): Promise<void> {
  await Promise.all(clients.map((c) => c.next(type, 10_000)));
}

describe('cluster mode: three nodes on one Redis', () => {
  const prefix = uniquePrefix('cluster');
  let redisUp = false;
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];

  const connect = async (node: ClusterNode, clientId = ''): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}/ws${clientId ? '/' + clientId : ''}`);
    clients.push(client);
    return client;
  };
  /** Sends a fence broadcast from every node and waits for all three on every client: whatever was sent before is in. */
  const fence = async (all: readonly WsTestClient[]) => {
    const id = randomUUID();
    for (const node of nodes) node.broadcast.broadcast({ type: 'fence', content: id });
    await Promise.all(
      all.map((c) => waitFor(() => c.messages.filter((m) => m.type === 'fence' && m.content === id).length === 3, 'fences')),
    );
  };

  beforeAll(async () => {
    redisUp = await redisAnswers();
    if (!redisUp) {
      if (process.env.CI) throw new Error(`${CLUSTER_SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3);
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    clients = [];
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    if (redisUp) await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('broadcast from node 1 reaches every client on nodes 1–3 exactly once', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const all: WsTestClient[] = [];
    for (const node of nodes) all.push(await connect(node), await connect(node));
    const result = nodes[0].broadcast.broadcast({ type: 'news', content: 'hello cluster' });
    // The result counts this node's recipients; the others get it through Redis.
    expect(result).toEqual({ ok: true, queued: 2, dropped: 0 });
    await allGot(all, 'news');
    await fence(all);
    for (const client of all) {
      expect(count(client, 'news')).toBe(1);
      expect(client.ofType('news')[0].content).toBe('hello cluster');
    }
    // One serialization: every node sends the same bytes, timestamp included.
    expect(new Set(all.map((c) => c.ofType('news')[0].timestamp)).size).toBe(1);
  });

  it('broadcast except skips the excluded clients on every node', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const kept = [await connect(nodes[0]), await connect(nodes[1]), await connect(nodes[2])];
    const skipped = [await connect(nodes[1], 'skip-b'), await connect(nodes[2], 'skip-c')];
    nodes[0].broadcast.broadcast({ type: 'news', content: 'not for you' }, { except: ['skip-b', 'skip-c'] });
    await allGot(kept, 'news');
    await fence([...kept, ...skipped]);
    for (const client of skipped) expect(count(client, 'news')).toBe(0);
  });

  it('topic publish reaches only the subscribers, on all nodes', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const subscribers: WsTestClient[] = [];
    const others: WsTestClient[] = [];
    for (const node of nodes) {
      const subscriber = await connect(node);
      expect((await subscriber.request({ type: 'system.subscribe', content: { topic: 'room-1' } })).type).toBe('system.subscribed');
      subscribers.push(subscriber);
      others.push(await connect(node));
    }
    const result = nodes[1].broadcast.publish('room-1', { type: 'room.message', content: 'hi room' });
    expect(result).toEqual({ ok: true, queued: 1, dropped: 0 });
    await allGot(subscribers, 'room.message');
    await fence([...subscribers, ...others]);
    for (const s of subscribers) expect(count(s, 'room.message')).toBe(1);
    for (const o of others) expect(count(o, 'room.message')).toBe(0);
  });

  it('sendToClient from node 1 reaches a client on node 3; an unknown id is unknown_client', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const carol = await connect(nodes[2], 'carol');
    const bystander = await connect(nodes[1]);
    await located(nodes[0], 'carol', nodes[2]);
    expect(nodes[0].broadcast.sendToClient('carol', { type: 'dm', content: 'for carol' })).toEqual({ ok: true, queued: 1, dropped: 0 });
    expect(nodes[0].broadcast.notify({ type: 'dm', content: 'notified' }, 'carol').ok).toBe(true);
    expect((await carol.next('dm')).content).toBe('for carol');
    expect((await carol.next('dm')).content).toBe('notified');
    expect(nodes[0].broadcast.sendToClient('nobody-here', { type: 'dm' })).toEqual({
      ok: false,
      queued: 0,
      dropped: 0,
      reason: 'unknown_client',
    });
    await fence([carol, bystander]);
    expect(count(bystander, 'dm')).toBe(0);
    expect(count(carol, 'dm')).toBe(2);
  });

  it('keeps the order of 1,000 messages from one publisher, on every node, with no gap and no duplicate', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const subscribers: WsTestClient[] = [];
    for (const node of nodes) {
      const s = await connect(node);
      await s.request({ type: 'system.subscribe', content: { topic: 'seq' } });
      subscribers.push(s);
    }
    for (let i = 0; i < 1000; i++) nodes[0].broadcast.publish('seq', { type: 'seq', content: i });
    for (const s of subscribers) {
      await waitFor(() => count(s, 'seq') >= 1000, '1000 messages', 20_000);
    }
    await fence(subscribers);
    const expected = Array.from({ length: 1000 }, (_, i) => i);
    for (const s of subscribers) expect(s.ofType('seq').map((m) => m.content)).toEqual(expected);
  });

  it('a named id that connects to another node replaces the old connection cluster-wide (4500 duplicate_client)', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const first = await connect(nodes[0], 'dave');
    await located(nodes[1], 'dave', nodes[0]);
    const second = await connect(nodes[1], 'dave');
    expect(await first.closed).toEqual({ code: 4500, reason: 'duplicate_client' });
    await located(nodes[2], 'dave', nodes[1]);
    await located(nodes[0], 'dave', nodes[1]);
    // The new connection is the one the cluster routes to.
    expect(nodes[2].broadcast.sendToClient('dave', { type: 'dm', content: 'to the new one' }).ok).toBe(true);
    expect((await second.next('dm')).content).toBe('to the new one');
    expect(second.socket.readyState).toBe(second.socket.OPEN);
  });

  it('the admin API lists, reads, messages and disconnects clients of every node', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const on = [await connect(nodes[0], 'adm-a'), await connect(nodes[1], 'adm-b'), await connect(nodes[2], 'adm-c')];
    await located(nodes[0], 'adm-b', nodes[1]);
    await located(nodes[0], 'adm-c', nodes[2]);
    const base = nodes[0].http;

    const list = await adminJson<{
      total: number;
      clients: Array<{ client_id: string; node_id: string }>;
      missing_nodes: string[];
      summary: { total_clients: number };
    }>(base, '/ws/clients?q=adm-&sort=client_id');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.clients.map((c) => [c.client_id, c.node_id])).toEqual([
      ['adm-a', nodes[0].nodeId],
      ['adm-b', nodes[1].nodeId],
      ['adm-c', nodes[2].nodeId],
    ]);
    expect(list.body.missing_nodes).toEqual([]);
    expect(list.body.summary.total_clients).toBeGreaterThanOrEqual(3);
    const paged = await adminJson<{ total: number; clients: Array<{ client_id: string }> }>(
      base,
      '/ws/clients?q=adm-&sort=client_id&order=desc&limit=1&offset=1',
    );
    expect(paged.body).toMatchObject({ total: 3, clients: [{ client_id: 'adm-b' }] });

    const one = await adminJson<{ client_id: string; node_id: string }>(base, '/ws/clients/adm-c');
    expect(one).toMatchObject({ status: 200, body: { client_id: 'adm-c', node_id: nodes[2].nodeId } });

    const stats = await adminJson<{
      stats: { total_active_connections: number };
      cluster: { node_id: string; nodes: Array<{ node_id: string; stats: { total_active_connections: number } }>; missing_nodes: string[] };
    }>(base, '/ws/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.cluster.node_id).toBe(nodes[0].nodeId);
    expect(stats.body.cluster.nodes.map((n) => n.node_id).toSorted()).toEqual(nodes.map((n) => n.nodeId).toSorted());
    expect(stats.body.cluster.missing_nodes).toEqual([]);
    const perNode = stats.body.cluster.nodes.reduce((sum, n) => sum + n.stats.total_active_connections, 0);
    expect(stats.body.stats.total_active_connections).toBe(perNode);
    expect(perNode).toBeGreaterThanOrEqual(3);

    const toB = await adminJson(base, '/ws/send-message', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'admin_message', content: 'hello b', client_id: 'adm-b' }),
    });
    expect(toB.status).toBe(202);
    expect((await on[1].next('admin_message')).content).toBe('hello b');
    const toAll = await adminJson(base, '/ws/send-message', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'admin_message', content: 'hello all' }),
    });
    expect(toAll.status).toBe(202);
    await Promise.all(on.map((c) => c.next((m: Envelope) => m.type === 'admin_message' && m.content === 'hello all')));

    const removed = await adminJson<{ success: boolean; close_code: number }>(base, '/ws/clients/adm-c?reason=bye', { method: 'DELETE' });
    expect(removed).toMatchObject({ status: 200, body: { success: true, close_code: 4000 } });
    expect(await on[2].closed).toEqual({ code: 4000, reason: 'bye' });
    await waitFor(() => nodes[0].backplane.locate('adm-c') === undefined, 'adm-c to leave the presence');
    expect((await adminJson(base, '/ws/clients/adm-c', { method: 'DELETE' })).status).toBe(404);
    expect((await adminJson(base, '/ws/clients/adm-c')).status).toBe(404);
    const unknown = await adminJson(base, '/ws/send-message', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'admin_message', content: 'x', client_id: 'adm-c' }),
    });
    expect(unknown.status).toBe(404);
  });

  it('task monitor events reach subscribers on another node', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const watcher = await connect(nodes[2]);
    const taskId = randomUUID();
    await watcher.request({ type: 'system.subscribe', content: { topic: `task:${taskId}` } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const outcome = nodes[0].app.get(TaskMonitor).track(taskId, async (task) => {
      task.progress(50, 'half way');
      await gate;
      return { rows: 3 };
    });
    expect((await watcher.next(TaskMessageType.Progress)).meta).toMatchObject({ task_id: taskId, percent: 50 });
    release();
    await outcome;
    const done = await watcher.next(TaskMessageType.Success);
    expect(done.meta).toMatchObject({ task_id: taskId, result: { rows: 3 } });
    expect(watcher.ofType(TaskMessageType.Started)).toHaveLength(1);
  });

  it('reports the node and its cluster link in the health check', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    const health = await adminJson<{ status: string; cluster: { node_id: string; state: string } }>(nodes[1].http, '/ws/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('healthy');
    expect(health.body.cluster).toEqual({ node_id: nodes[1].nodeId, state: 'up' });
  });
});

describe('cluster mode: the per-IP connection limit is shared by the nodes', () => {
  const prefix = uniquePrefix('cluster-ip');
  let redisUp = false;
  let nodes: ClusterNode[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    redisUp = await redisAnswers();
    if (!redisUp) {
      if (process.env.CI) throw new Error(`${CLUSTER_SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    // 2 handshakes per minute and IP, no burst: two in all, whatever the node.
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, {
      rateLimitConnectionsPerWindow: 2,
      rateLimitConnectionWindow: 60,
      rateLimitBurstMultiplier: 1,
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    await Promise.all(nodes.map((n) => n.close()));
    if (redisUp) await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('refuses the third handshake from one IP with 429, on a node that has seen none', async (ctx) => {
    ctx.skip(!redisUp, CLUSTER_SKIP_NOTE);
    clients.push(await WsTestClient.connect(`${nodes[0].ws}/ws`));
    clients.push(await WsTestClient.connect(`${nodes[1].ws}/ws`));
    const third = await handshakeStatus(`${nodes[2].ws}/ws`);
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await handshakeStatus(`${nodes[0].ws}/ws`)).status).toBe(429);
    const stats = await adminJson<{ stats: { rate_limited_connections: number } }>(nodes[2].http, '/ws/stats');
    expect(stats.body.stats.rate_limited_connections).toBe(2);
  });
});
