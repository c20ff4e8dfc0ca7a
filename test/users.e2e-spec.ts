import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastService, ConnectionRegistry, type WsIdentity } from '@websocket-tool/nestjs';
import {
  adminJson,
  deleteKeys,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { requireRedis } from './utils/cluster-seams.js';
import { WsTestClient } from './utils/ws-test-client.js';

/** The user named by `?user=` (none without it): enough identity for these tests. */
const authenticate = (request: IncomingMessage): WsIdentity => {
  const user = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
  return user ? { userId: user } : {};
};

/** Sends a fence to every client and waits for it on each: whatever was sent before has arrived. */
async function fence(broadcast: BroadcastService, clients: readonly WsTestClient[]): Promise<void> {
  const id = randomUUID();
  broadcast.broadcast({ type: 'fence', content: id });
  await Promise.all(clients.map((c) => c.next((m) => m.type === 'fence' && m.content === id)));
}

describe('users: one user, several connections (one node)', () => {
  let app: TestApp;
  const clients: WsTestClient[] = [];
  const connect = async (user?: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${app.ws}/ws${user ? `?user=${user}` : ''}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await createTestApp({ authenticate, enableMetrics: false });
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.splice(0).map((c) => c.closed));
  });

  afterAll(async () => {
    await app.close();
  });

  it('sendToUser reaches each connection of the user once, and no one else', async () => {
    const alice = [await connect('alice'), await connect('alice'), await connect('alice')];
    const bob = await connect('bob');
    const nobody = await connect();
    const broadcast = app.app.get(BroadcastService);
    expect(broadcast.sendToUser('alice', { type: 'dm', content: 'for alice' })).toEqual({ ok: true, queued: 3, dropped: 0 });
    expect(broadcast.sendToUser('carol', { type: 'dm', content: 'for carol' })).toEqual({ ok: true, queued: 0, dropped: 0 });
    await fence(broadcast, [...alice, bob, nobody]);
    for (const tab of alice) expect(tab.ofType('dm').map((m) => m.content)).toEqual(['for alice']);
    expect(bob.ofType('dm')).toEqual([]);
    expect(nobody.ofType('dm')).toEqual([]);
  });

  it('the admin API shows each connection with its user, and counts the users', async () => {
    await connect('alice');
    await connect('alice');
    await connect('bob');
    await connect();
    const { body: answer } = await adminJson<{
      summary: { total_clients: number; users: number };
      clients: Array<{ user_id: string | null }>;
    }>(app.http, '/ws/clients');
    expect(answer.summary).toMatchObject({ total_clients: 4, users: 2 });
    expect(answer.clients.map((c) => c.user_id).toSorted()).toEqual(['alice', 'alice', 'bob', null]);
    const { body: search } = await adminJson<{ total: number }>(app.http, '/ws/clients?q=bob');
    expect(search.total).toBe(1);
  });

  it('a user whose connections all left is no longer counted', async () => {
    const tab = await connect('dave');
    const registry = app.app.get(ConnectionRegistry);
    expect(registry.connectionsOf('dave')?.size).toBe(1);
    tab.close();
    await tab.closed;
    await waitFor(() => registry.connectionsOf('dave') === undefined, 'dave to be forgotten');
    expect(registry.countUsers()).toBe(0);
  });
});

describe('users in cluster mode: three nodes on one Redis', () => {
  const prefix = uniquePrefix('users');
  let nodes: ClusterNode[] = [];
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    await requireRedis();
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, { authenticate });
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.splice(0).map((c) => c.closed));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('sendToUser from one node reaches the user on every node exactly once', async () => {
    const tabs: WsTestClient[] = [];
    for (const node of nodes) tabs.push(await WsTestClient.connect(`${node.ws}/ws?user=erin`));
    const other = await WsTestClient.connect(`${nodes[1].ws}/ws?user=frank`);
    clients.push(...tabs, other);
    const result = nodes[0].broadcast.sendToUser('erin', { type: 'dm', content: 'for erin' });
    // The result counts this node's connections; the others get it through Redis.
    expect(result).toEqual({ ok: true, queued: 1, dropped: 0 });
    await Promise.all(tabs.map((t) => t.next('dm', 10_000)));
    // A fence from every node: anything a node sent before it has arrived.
    const id = randomUUID();
    for (const node of nodes) node.broadcast.broadcast({ type: 'fence', content: id });
    await Promise.all(
      [...tabs, other].map((c) => waitFor(() => c.messages.filter((m) => m.type === 'fence' && m.content === id).length === 3, 'fences')),
    );
    for (const tab of tabs) expect(tab.ofType('dm').map((m) => m.content)).toEqual(['for erin']);
    expect(other.ofType('dm')).toEqual([]);
  });

  it('the admin API of any node counts a user connected to several nodes once', async () => {
    for (const node of nodes) clients.push(await WsTestClient.connect(`${node.ws}/ws?user=gina`));
    clients.push(await WsTestClient.connect(`${nodes[2].ws}/ws?user=hugo`), await WsTestClient.connect(`${nodes[0].ws}/ws`));
    for (const node of nodes) {
      const { status, body } = await adminJson<{ summary: { total_clients: number; users: number } }>(node.http, '/ws/clients');
      expect(status).toBe(200);
      expect(body.summary).toMatchObject({ total_clients: 5, users: 2 });
    }
  });
});
