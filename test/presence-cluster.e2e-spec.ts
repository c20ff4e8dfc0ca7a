import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PresenceService, type PresenceMember, type WsIdentity } from '@websocket-tool/nestjs';
import {
  adminJson,
  deleteKeys,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { requireRedis } from './utils/cluster-seams.js';
import { WsTestClient } from './utils/ws-test-client.js';

const authenticate = (request: IncomingMessage): WsIdentity => {
  const user = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
  return user ? { userId: user } : {};
};

const presenceOf = (node: ClusterNode): PresenceService => node.app.get(PresenceService);

describe('presence in cluster mode: three nodes on one Redis', () => {
  const prefix = uniquePrefix('presence');
  let nodes: ClusterNode[] = [];
  const clients: WsTestClient[] = [];

  const join = async (node: ClusterNode, user: string, topic: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}/ws?user=${user}`);
    clients.push(client);
    expect((await client.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
    return client;
  };

  beforeAll(async () => {
    await requireRedis();
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, {
      authenticate,
      topics: [{ pattern: 'room:*', presence: { events: true } }],
      presenceInfo: (client) => ({ name: (client.identity as WsIdentity).userId }),
    });
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.splice(0).map((c) => c.closed));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('one user with a connection on each node: 1 user and 3 clients from every node; sendToUser reaches each once', async () => {
    const tabs = [];
    for (const node of nodes) tabs.push(await join(node, 'gina', 'room:users'));
    for (const node of nodes) {
      await waitFor(async () => (await presenceOf(node).presenceStats('room:users'))?.clients === 3, `${node.nodeId} to count 3`);
      expect(await presenceOf(node).presenceStats('room:users')).toEqual({ clients: 3, users: 1 });
    }
    const members = (await presenceOf(nodes[1]).presence('room:users')) ?? [];
    expect(members.map((m) => m.node).toSorted()).toEqual(nodes.map((n) => n.nodeId).toSorted());
    nodes[2].broadcast.sendToUser('gina', { type: 'dm', content: 'to every tab' });
    await Promise.all(tabs.map((t) => t.next('dm', 10_000)));
    // A presence read and a second message: the first cannot still be on its way twice.
    nodes[2].broadcast.sendToUser('gina', { type: 'dm', content: 'second' });
    await Promise.all(tabs.map((t) => t.next((m) => m.type === 'dm' && m.content === 'second', 10_000)));
    for (const tab of tabs) expect(tab.ofType('dm').map((m) => m.content)).toEqual(['to every tab', 'second']);
  });

  it('subscribers on every node hear joins and leaves made on any node, once', async () => {
    const watcher0 = await join(nodes[0], 'watch0', 'room:events');
    const watcher2 = await join(nodes[2], 'watch2', 'room:events');
    const hank = await join(nodes[1], 'hank', 'room:events');
    for (const w of [watcher0, watcher2]) {
      const joined = await w.next(
        (m) => m.type === 'system.presence.join' && (m.content as { member: PresenceMember }).member.userId === 'hank',
      );
      expect(joined.content).toMatchObject({
        topic: 'room:events',
        member: { userId: 'hank', node: nodes[1].nodeId, info: { name: 'hank' } },
      });
    }
    hank.close();
    await hank.closed;
    for (const w of [watcher0, watcher2]) await w.next('system.presence.leave', 10_000);
    const { body } = await adminJson<{ stats: unknown; members: PresenceMember[] }>(nodes[2].http, '/ws/topics/room%3Aevents/presence');
    expect(body.stats).toEqual({ clients: 2, users: 2 });
    expect(body.members.map((m) => m.userId).toSorted()).toEqual(['watch0', 'watch2']);
    expect(watcher0.ofType('system.presence.leave')).toHaveLength(1);
    expect(
      watcher2.ofType('system.presence.join').filter((m) => (m.content as { member: PresenceMember }).member.userId === 'hank'),
    ).toHaveLength(1);
  });
});
