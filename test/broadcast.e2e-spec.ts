import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastService, ConnectionRegistry } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';
import { MessagingFixture } from './fixtures/messaging.fixture.js';

describe('sending: broadcast, one client, topics', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  let registry: ConnectionRegistry;

  beforeAll(async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000 }, { providers: [MessagingFixture] });
    broadcast = t.app.get(BroadcastService);
    registry = t.app.get(ConnectionRegistry);
  });
  afterAll(() => t.close());

  it('a broadcast reaches each of 50 clients exactly once', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => WsTestClient.connect(`${t.ws}/ws/fan-${i}`)));
    const result = broadcast.broadcast({ type: 'news', content: 'hello all' });
    expect(result).toEqual({ ok: true, queued: 50, dropped: 0 });
    await Promise.all(clients.map((c) => c.next('news')));
    await sleep(100);
    for (const c of clients) expect(c.ofType('news')).toHaveLength(1);
    clients.forEach((c) => c.close());
  });

  it('broadcast with except skips the named clients', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws/ex-a`);
    const b = await WsTestClient.connect(`${t.ws}/ws/ex-b`);
    const result = broadcast.broadcast({ type: 'partial' }, { except: ['ex-a'] });
    expect(result.ok).toBe(true);
    await b.next('partial');
    await sleep(100);
    expect(a.ofType('partial')).toHaveLength(0);
    a.close();
    b.close();
  });

  it('sendToClient reaches only that client and reports unknown ids', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws/target`);
    const b = await WsTestClient.connect(`${t.ws}/ws/bystander`);
    expect(broadcast.sendToClient('target', { type: 'private', content: 'for you' })).toEqual({ ok: true, queued: 1, dropped: 0 });
    expect((await a.next('private')).content).toBe('for you');
    expect(broadcast.sendToClient('nobody', { type: 'private' })).toEqual({ ok: false, queued: 0, dropped: 0, reason: 'unknown_client' });
    expect(broadcast.notify({ type: 'notified' }, 'target').queued).toBe(1);
    await a.next('notified');
    await sleep(100);
    expect(b.ofType('private')).toHaveLength(0);
    expect(b.ofType('notified')).toHaveLength(0);
    a.close();
    b.close();
  });

  it('publish reaches only subscribers; subscribe/unsubscribe are acknowledged', async () => {
    const sub = await WsTestClient.connect(`${t.ws}/ws/sub`);
    const other = await WsTestClient.connect(`${t.ws}/ws/other`);
    sub.send({ type: 'system.subscribe', content: { topic: 'room-1' }, meta: { id: 's1' } });
    expect(await sub.next('system.subscribed')).toMatchObject({ content: { topic: 'room-1' }, meta: { id: 's1' } });
    expect(registry.subscribe('other', 'room-2')).toBe('subscribed');

    expect(broadcast.publish('room-1', { type: 'room.msg', content: 1 }).queued).toBe(1);
    expect((await sub.next('room.msg')).content).toBe(1);
    // Chat through the sample-style handler with meta.topic.
    other.send({ type: 'chat.message', content: 'to room 1', meta: { topic: 'room-1' } });
    expect((await sub.next('chat.message')).content).toBe('to room 1');
    await sleep(100);
    expect(other.ofType('room.msg')).toHaveLength(0);
    expect(other.ofType('chat.message')).toHaveLength(0);

    sub.send({ type: 'system.unsubscribe', content: { topic: 'room-1' } });
    expect((await sub.next('system.unsubscribed')).content).toEqual({ topic: 'room-1', was_subscribed: true });
    expect(broadcast.publish('room-1', { type: 'room.msg', content: 2 })).toEqual({ ok: true, queued: 0, dropped: 0 });
    sub.close();
    other.close();
  });

  it('refuses invalid topic names', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    c.send({ type: 'system.subscribe', content: { topic: '<bad topic>' } });
    expect((await c.next('system.error')).meta.code).toBe('invalid_topic');
    c.close();
  });

  it('never reports success for a message that cannot be serialized', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(broadcast.broadcast({ type: 'x', content: cyclic })).toMatchObject({ ok: false, reason: 'not_serializable' });
  });
});
