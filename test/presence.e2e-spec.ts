import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PresenceService, type PresenceMember, type WsIdentity } from '@websocket-tool/nestjs';
import { adminJson, waitFor } from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

const authenticate = (request: IncomingMessage): WsIdentity => {
  const user = new URL(request.url ?? '/', 'http://localhost').searchParams.get('user');
  return user ? { userId: user } : {};
};

const subscribe = async (client: WsTestClient, topic: string): Promise<void> => {
  expect((await client.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
};

type PresenceEvent = { topic: string; member: PresenceMember };
const eventOf = (client: WsTestClient, type: string): PresenceEvent[] => client.ofType(type).map((m) => m.content as PresenceEvent);

describe('presence on one node', () => {
  let app: TestApp;
  let presence: PresenceService;
  const clients: WsTestClient[] = [];
  const connect = async (user?: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${app.ws}/ws${user ? `?user=${user}` : ''}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await createTestApp({
      authenticate,
      enableMetrics: false,
      topics: [
        { pattern: 'room:*', presence: { events: true } },
        { pattern: 'lobby', presence: true },
        { pattern: 'stage:*', presence: { events: 'on-request' } },
      ],
      presenceInfo: (client, topic) => ({ name: String((client.identity as WsIdentity).userId ?? 'guest').toUpperCase(), topic }),
    });
    presence = app.app.get(PresenceService);
  });

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.splice(0).map((c) => c.closed));
  });

  afterAll(async () => {
    await app.close();
  });

  it('lists and counts the members; subscribers hear who joins and leaves, not their own join', async () => {
    const bob = await connect('bob');
    await subscribe(bob, 'room:1');
    const alice1 = await connect('alice');
    const alice2 = await connect('alice');
    await subscribe(alice1, 'room:1');
    await subscribe(alice2, 'room:1');
    const guest = await connect();
    await subscribe(guest, 'room:1');

    expect(await presence.presenceStats('room:1')).toEqual({ clients: 4, users: 2 });
    const members = (await presence.presence('room:1')) ?? [];
    expect(members.map((m) => [m.clientId, m.userId, m.info, m.node])).toEqual([
      [expect.any(String), 'bob', { name: 'BOB', topic: 'room:1' }, 'local'],
      [expect.any(String), 'alice', { name: 'ALICE', topic: 'room:1' }, 'local'],
      [expect.any(String), 'alice', { name: 'ALICE', topic: 'room:1' }, 'local'],
      [expect.any(String), null, { name: 'GUEST', topic: 'room:1' }, 'local'],
    ]);

    await waitFor(() => bob.ofType('system.presence.join').length === 3, 'bob to hear three joins');
    expect(eventOf(bob, 'system.presence.join').map((e) => [e.topic, e.member.userId])).toEqual([
      ['room:1', 'alice'],
      ['room:1', 'alice'],
      ['room:1', null],
    ]);
    // A member is not told of its own join: alice1 hears alice2 and the guest only.
    await waitFor(() => alice1.ofType('system.presence.join').length === 2, 'alice1 to hear two joins');
    expect(guest.ofType('system.presence.join')).toEqual([]);

    const alice2Id = members[2].clientId;
    expect((await alice2.request({ type: 'system.unsubscribe', content: { topic: 'room:1' } })).type).toBe('system.unsubscribed');
    const left = await bob.next('system.presence.leave');
    expect(left.content).toMatchObject({ topic: 'room:1', member: { clientId: alice2Id, userId: 'alice' } });
    expect(await presence.presenceStats('room:1')).toEqual({ clients: 3, users: 2 });

    alice1.close();
    await alice1.closed;
    await waitFor(() => bob.ofType('system.presence.leave').length === 2, 'bob to hear alice1 leave');
    expect(await presence.presenceStats('room:1')).toEqual({ clients: 2, users: 1 });
  });

  it("events 'on-request': only the subscribers that asked (join_leave) hear joins and leaves; the others are still members", async () => {
    const asked = await connect('asked');
    const quiet = await connect('quiet');
    expect((await asked.request({ type: 'system.subscribe', content: { topic: 'stage:1', join_leave: true } })).type).toBe(
      'system.subscribed',
    );
    await subscribe(quiet, 'stage:1');
    // Asking on a topic whose events are off changes nothing.
    expect((await quiet.request({ type: 'system.subscribe', content: { topic: 'lobby', join_leave: true } })).type).toBe(
      'system.subscribed',
    );
    const late = await connect('late');
    await subscribe(late, 'stage:1');
    await subscribe(late, 'lobby');
    await waitFor(() => asked.ofType('system.presence.join').length === 2, 'the asking subscriber to hear two joins');
    expect(eventOf(asked, 'system.presence.join').map((e) => e.member.userId)).toEqual(['quiet', 'late']);
    expect(await presence.presenceStats('stage:1')).toEqual({ clients: 3, users: 3 });

    late.close();
    await late.closed;
    await waitFor(() => asked.ofType('system.presence.leave').length === 1, 'the asking subscriber to hear the leave');
    // Unsubscribed and subscribed again without asking: no longer told.
    expect((await asked.request({ type: 'system.unsubscribe', content: { topic: 'stage:1' } })).type).toBe('system.unsubscribed');
    await subscribe(asked, 'stage:1');
    (await connect('after')).send({ type: 'system.subscribe', content: { topic: 'stage:1' } });
    await waitFor(async () => (await presence.presenceStats('stage:1'))?.clients === 3, 'the last member to join');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked.ofType('system.presence.join')).toHaveLength(2);
    expect(quiet.ofType('system.presence.join')).toEqual([]);
    expect(quiet.ofType('system.presence.leave')).toEqual([]);
  });

  it('a topic with presence and no events tells nobody; a topic without presence answers null', async () => {
    const one = await connect('one');
    const two = await connect('two');
    await subscribe(one, 'lobby');
    await subscribe(two, 'lobby');
    await subscribe(one, 'plain');
    expect(await presence.presenceStats('lobby')).toEqual({ clients: 2, users: 2 });
    expect(await presence.presence('plain')).toBeNull();
    expect(await presence.presenceStats('plain')).toBeNull();
    // A ping round trip: anything sent before it has arrived.
    await one.request({ type: 'system.ping' });
    expect(one.messages.filter((m) => m.type.startsWith('system.presence'))).toEqual([]);
  });

  it('GET /ws/topics/:topic/presence answers members and counts; 404 without presence, 400 for a bad name', async () => {
    const carol = await connect('carol');
    await subscribe(carol, 'room:admin');
    const { status, body } = await adminJson<{ topic: string; stats: unknown; members: PresenceMember[] }>(
      app.http,
      '/ws/topics/room%3Aadmin/presence',
    );
    expect(status).toBe(200);
    expect(body.topic).toBe('room:admin');
    expect(body.stats).toEqual({ clients: 1, users: 1 });
    expect(body.members.map((m) => m.userId)).toEqual(['carol']);
    expect((await adminJson(app.http, '/ws/topics/plain/presence')).status).toBe(404);
    expect((await adminJson(app.http, '/ws/topics/bad%20name/presence')).status).toBe(400);
  });
});
