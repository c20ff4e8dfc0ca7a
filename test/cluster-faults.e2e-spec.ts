import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  adminJson,
  CLUSTER_SKIP_NOTE,
  redisServerInstalled,
  startNode,
  startSampleApp,
  TestRedisServer,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { sleep, WsTestClient, type Envelope } from './utils/ws-test-client.js';

type Health = { status: string; issues: string[]; cluster?: { node_id: string; state: string } };
type Stats = {
  cluster: {
    nodes: Array<{ node_id: string; backplane: { state: string; outbox_size: number; outbox_dropped: number; disconnects: number } }>;
    missing_nodes: string[];
  };
};

const health = async (node: ClusterNode): Promise<Health> => (await adminJson<Health>(node.http, '/ws/health')).body;

/**
 * Faults, against a Redis server each test run starts itself on a spare port,
 * so the machine's shared Redis is never stopped.
 */
describe('cluster mode: faults', () => {
  let installed = false;
  let redis: TestRedisServer | null = null;
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];
  let child: ChildProcess | null = null;
  let inspector: Redis | null = null;

  const connect = async (node: ClusterNode | string, clientId = ''): Promise<WsTestClient> => {
    const base = typeof node === 'string' ? node : node.ws;
    const client = await WsTestClient.connect(`${base}/ws${clientId ? '/' + clientId : ''}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    installed = redisServerInstalled();
    if (!installed) {
      if (process.env.CI) throw new Error(`${CLUSTER_SKIP_NOTE} In CI these tests must run.`);
      return;
    }
    redis = await TestRedisServer.start();
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    clients = [];
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
    inspector?.disconnect();
    inspector = null;
    // A test that stopped Redis leaves it running again for the next one.
    await redis?.restart();
  });

  afterAll(async () => {
    await redis?.kill();
  });

  it('Redis down: local delivery goes on, health warns, the outbox is bounded; Redis back: cluster delivery resumes by itself', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    const prefix = uniquePrefix('faults');
    const n1 = await startNode(server.url, 'fault-1', prefix, {}, { outboxSize: 3, presenceTtlSeconds: 2 });
    const n2 = await startNode(server.url, 'fault-2', prefix, {}, { outboxSize: 3, presenceTtlSeconds: 2 });
    nodes.push(n1, n2);
    const c1 = await connect(n1);
    const c2 = await connect(n2);
    n1.broadcast.broadcast({ type: 'before', content: 1 });
    await c2.next('before');

    await server.kill();
    await waitFor(async () => (await health(n1)).status === 'warning', 'node 1 health to turn warning');
    const warning = await health(n1);
    expect(warning.issues).toContain("Cluster backplane (Redis) unreachable: messages reach this node's clients only");
    expect(warning.cluster).toEqual({ node_id: 'fault-1', state: 'down' });

    // Local clients are still served, new ones can connect (the local per-IP limit stands in).
    for (let i = 0; i < 5; i++) expect(n1.broadcast.broadcast({ type: 'during', content: i }).ok).toBe(true);
    await waitFor(() => c1.ofType('during').length === 5, 'local delivery during the outage');
    expect(c1.ofType('during').map((m) => m.content)).toEqual([0, 1, 2, 3, 4]);
    const late = await connect(n1);
    n1.broadcast.broadcast({ type: 'local-only', content: 'still here' });
    expect((await late.next('local-only')).content).toBe('still here');

    // Three kept for the other nodes, the rest dropped and counted.
    const during = (await adminJson<Stats>(n1.http, '/ws/stats')).body.cluster;
    expect(during.nodes).toHaveLength(1);
    expect(during.nodes[0].backplane).toMatchObject({ state: 'down', outbox_size: 3, outbox_dropped: 3, disconnects: 1 });

    await server.restart();
    await waitFor(
      async () => (await health(n1)).status === 'healthy' && (await health(n2)).status === 'healthy',
      'both nodes healthy',
      20_000,
    );
    // The outbox goes out once node 2 listens again, a moment after both links are up.
    await waitFor(() => n1.backplane.status().outbox_size === 0, 'node 1 to send its outbox');
    const after = (await adminJson<Stats>(n1.http, '/ws/stats')).body.cluster;
    expect(after.nodes).toHaveLength(2);
    expect(after.missing_nodes).toEqual([]);
    expect(after.nodes.find((n) => n.node_id === 'fault-1')?.backplane).toMatchObject({ state: 'up', outbox_size: 0, outbox_dropped: 3 });

    n1.broadcast.broadcast({ type: 'after', content: 'from 1' });
    n2.broadcast.broadcast({ type: 'after', content: 'from 2' });
    expect((await c2.next((m: Envelope) => m.type === 'after' && m.content === 'from 1', 10_000)).type).toBe('after');
    expect((await c1.next((m: Envelope) => m.type === 'after' && m.content === 'from 2', 10_000)).type).toBe('after');
    // Presence was written again: node 2 routes to a client of node 1 that connected during the outage.
    const lateId = late.ofType('system.client_connected')[0].meta.client_id as string;
    await waitFor(() => n2.backplane.locate(lateId) === 'fault-1', 'node 2 to learn the client that connected during the outage');
    expect(n2.broadcast.sendToClient(lateId, { type: 'dm', content: 'found you' }).ok).toBe(true);
    expect((await late.next('dm')).content).toBe('found you');
  }, 60_000);

  it('after an outage the outbox waits until the other nodes subscribe again: a node that reconnects late still gets it', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    // The late node is a process of its own, so it can be frozen (SIGSTOP) while the other one reconnects.
    const started = await startSampleApp({ FP_WST_REDIS_URL: server.url });
    child = started.child;
    const early = await startNode(server.url, 'early', 'wst');
    nodes.push(early);
    const reader = await connect(`ws://127.0.0.1:${started.port}`, 'late-reader');
    await waitFor(
      async () => (await adminJson<Stats>(early.http, '/ws/stats')).body.cluster.nodes.length === 2,
      'the early node to know the late one',
    );
    early.broadcast.broadcast({ type: 'before', content: 0 });
    await reader.next('before');

    child.kill('SIGSTOP');
    try {
      await server.kill();
      await waitFor(() => early.backplane.state === 'down', 'the early node to lose Redis');
      // Both of its connections have seen the close (the subscriber's can come first).
      await sleep(200);
      for (let i = 0; i < 5; i++) early.broadcast.broadcast({ type: 'kept', content: i });
      expect(early.backplane.status().outbox_size).toBe(5);
      await server.restart();
      await waitFor(() => early.backplane.connected, 'the early node to reconnect', 20_000);
      // Sent now, the outbox would be lost on the frozen node: it is kept until that node listens again.
      await sleep(1000);
      expect(early.backplane.status().outbox_size).toBe(5);
    } finally {
      child.kill('SIGCONT');
    }
    for (let i = 0; i < 5; i++) expect((await reader.next('kept', 15_000)).content).toBe(i);
    expect(early.backplane.status()).toMatchObject({ outbox_size: 0, outbox_dropped: 0 });
  }, 60_000);

  it('a long outbox goes out in batches behind which later messages wait: every node gets everything, in order', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    const prefix = uniquePrefix('batches');
    const n1 = await startNode(server.url, 'batch-1', prefix, {}, { outboxSize: 4000 });
    const n2 = await startNode(server.url, 'batch-2', prefix);
    nodes.push(n1, n2);
    const c2 = await connect(n2);
    await server.kill();
    await waitFor(() => n1.backplane.state === 'down', 'node 1 to lose Redis');
    await sleep(200);
    for (let i = 0; i < 3000; i++) n1.broadcast.broadcast({ type: 'seq', content: i });
    expect(n1.backplane.status().outbox_size).toBe(3000);
    await server.restart();
    await waitFor(() => n1.backplane.connected, 'node 1 to reconnect', 20_000);
    // Sent while the outbox is still going out (or waiting for node 2): queued behind it.
    for (let i = 3000; i < 3200; i++) n1.broadcast.broadcast({ type: 'seq', content: i });
    await waitFor(() => c2.ofType('seq').length >= 3200, 'node 2 to deliver all 3,200', 20_000, 50);
    expect(c2.ofType('seq').map((m) => m.content)).toEqual(Array.from({ length: 3200 }, (_, i) => i));
    expect(n1.backplane.status()).toMatchObject({ outbox_size: 0, outbox_dropped: 0 });
  }, 60_000);

  it('a node killed with SIGKILL: its presence expires and the other nodes keep working (FP_WST_REDIS_URL alone turns cluster mode on)', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    // The sample app knows nothing of clustering: the env var is all it gets, so it uses the default prefix and TTL (10 s).
    const survivor = await startNode(server.url, 'survivor', 'wst');
    nodes.push(survivor);
    const started = await startSampleApp({ FP_WST_REDIS_URL: server.url });
    child = started.child;
    const erin = await connect(`ws://127.0.0.1:${started.port}`, 'erin');
    const remoteId = (await waitFor(() => survivor.backplane.locate('erin'), 'the survivor to see erin on the sample app')) as string;
    expect(remoteId).not.toBe('survivor');
    const listed = await adminJson<{ clients: Array<{ client_id: string; node_id: string }> }>(survivor.http, '/ws/clients?q=erin');
    expect(listed.body.clients).toEqual([expect.objectContaining({ client_id: 'erin', node_id: remoteId })]);

    inspector = new Redis(server.url);
    expect(await inspector.exists(`wst:clients:${remoteId}`)).toBe(1);
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect((await erin.closed).code).toBe(1006);

    // Gone within the documented time: presenceTtlSeconds (10 s) plus one refresh of the survivor.
    await waitFor(() => survivor.backplane.locate('erin') === undefined, "erin's presence to expire", 25_000, 200);
    expect(await inspector.exists(`wst:clients:${remoteId}`)).toBe(0);
    expect(await inspector.zscore('wst:nodes', remoteId)).toBeNull();
    const stats = await adminJson<Stats>(survivor.http, '/ws/stats');
    expect(stats.body.cluster.missing_nodes).toEqual([]);
    expect(stats.body.cluster.nodes.map((n) => n.node_id)).toEqual(['survivor']);

    // The client reconnects to the survivor and is reachable there.
    const back = await connect(survivor, 'erin');
    const sent = await adminJson(survivor.http, '/ws/send-message', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'welcome_back', content: 'hi erin', client_id: 'erin' }),
    });
    expect(sent.status).toBe(202);
    expect((await back.next('welcome_back')).content).toBe('hi erin');
  }, 60_000);

  it('graceful shutdown removes the node and its clients from the cluster at once', async (ctx) => {
    ctx.skip(!installed, CLUSTER_SKIP_NOTE);
    const server = redis as TestRedisServer;
    const prefix = uniquePrefix('leave');
    // A long TTL: only the shutdown itself can explain the removal.
    const stays = await startNode(server.url, 'stays', prefix, {}, { presenceTtlSeconds: 600 });
    const leaves = await startNode(server.url, 'leaves', prefix, {}, { presenceTtlSeconds: 600 });
    nodes.push(stays, leaves);
    const gus = await connect(leaves, 'gus');
    await waitFor(() => stays.backplane.locate('gus') === 'leaves', 'the staying node to see gus');
    inspector = new Redis(server.url);
    expect(await inspector.exists(`${prefix}:clients:leaves`)).toBe(1);

    await leaves.close();
    expect((await gus.closed).code).toBe(1001);
    expect(await inspector.exists(`${prefix}:clients:leaves`)).toBe(0);
    expect(await inspector.zscore(`${prefix}:nodes`, 'leaves')).toBeNull();
    await waitFor(() => stays.backplane.locate('gus') === undefined, 'gus to be forgotten', 2000);
    const stats = await adminJson<Stats>(stays.http, '/ws/stats');
    expect(stats.body.cluster.nodes.map((n) => n.node_id)).toEqual(['stays']);
    expect(stats.body.cluster.missing_nodes).toEqual([]);
  }, 30_000);
});
