import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BroadcastService, OnWsConnect, type WsClient } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

const SECRET = 'identity-topics-secret-of-32-bytes-or-more';
const sign = (sub: string, claims: Record<string, unknown> = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
const bearer = async (sub: string, claims: Record<string, unknown> = {}) => ({
  headers: { authorization: `Bearer ${await sign(sub, claims)}` },
});

/** Publishes to the token's topics in the connect hook: after the welcome, before the client could send anything. */
@Injectable()
class PublishOnConnect {
  constructor(private readonly broadcast: BroadcastService) {}

  @OnWsConnect()
  connected(client: WsClient): void {
    this.broadcast.publish('news', { type: 'news.flash', content: `for ${client.clientId}` });
    this.broadcast.publish('user:alice', { type: 'personal', content: 'only alice' });
  }
}

const authenticate = (request: IncomingMessage) => ({
  userId: 'carol',
  rooms: new URL(request.url ?? '/', 'http://x').searchParams.get('rooms') ?? '',
});

describe('subscriptions from the identity', () => {
  let t: TestApp | undefined;
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.close();
    t = undefined;
  });

  it("the token's topics and the personal topic are subscribed before the first message: a publish at connect arrives", async () => {
    t = await createTestApp(
      { jwt: { secret: SECRET }, personalTopicPrefix: 'user:', enableMetrics: false },
      { providers: [PublishOnConnect] },
    );
    const alice = new WsTestClient(`${t.ws}/ws`, await bearer('alice', { topics: ['news', 'bad topic!', 'user:bob', 'news'] }));
    clients.push(alice);
    const welcome = await alice.next('system.client_connected');
    expect(welcome.meta.topics).toEqual(['user:alice', 'news']);
    // Never sent anything, and yet:
    expect((await alice.next('news.flash')).content).toBe(`for ${welcome.meta.client_id as string}`);
    expect((await alice.next('personal')).content).toBe('only alice');
    expect(alice.messages.map((m) => m.type)).toEqual(['system.client_connected', 'news.flash', 'personal']);
  });

  it("a client may not subscribe to another user's personal topic; its own is fine", async () => {
    t = await createTestApp({ jwt: { secret: SECRET }, personalTopicPrefix: 'user:', enableMetrics: false });
    const bob = new WsTestClient(`${t.ws}/ws`, await bearer('bob'));
    clients.push(bob);
    expect((await bob.next('system.client_connected')).meta.topics).toEqual(['user:bob']);
    const refused = await bob.request({ type: 'system.subscribe', content: { topic: 'user:alice' } });
    expect(refused).toMatchObject({ type: 'system.error', meta: { code: 'forbidden' } });
    expect((await bob.request({ type: 'system.subscribe', content: { topic: 'user:bob' } })).type).toBe('system.subscribed');
    t.app.get(BroadcastService).publish('user:alice', { type: 'personal', content: 'not for bob' });
    await bob.request({ type: 'system.ping' });
    expect(bob.ofType('personal')).toEqual([]);
  });

  it('topics returned by authenticate (array or one string) are subscribed the same way; an empty claim name turns it off', async () => {
    t = await createTestApp({ authenticate, identityTopicsClaim: 'rooms', enableMetrics: false });
    const carol = await WsTestClient.connect(`${t.ws}/ws?rooms=room:a,room:b`);
    clients.push(carol);
    expect(carol.messages[0].meta.topics).toEqual(['room:a', 'room:b']);
    expect(t.app.get(BroadcastService).publish('room:b', { type: 'hello', content: null })).toMatchObject({ queued: 1 });
    await t.close();
    t = await createTestApp({ authenticate, identityTopicsClaim: '', enableMetrics: false });
    const off = await WsTestClient.connect(`${t.ws}/ws?rooms=room:a`);
    clients.push(off);
    expect(off.messages[0].meta.topics).toBeUndefined();
  });
});
