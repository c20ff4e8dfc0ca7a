import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';
import { AllowFlagGuard, MessagingFixture } from './fixtures/messaging.fixture.js';

describe('messages: handlers, replies and errors', () => {
  let t: TestApp;
  let fixture: MessagingFixture;

  beforeAll(async () => {
    t = await createTestApp({ handlerTimeout: 1 }, { providers: [MessagingFixture, AllowFlagGuard] });
    fixture = t.app.get(MessagingFixture);
  });
  afterAll(() => t.close());

  it('echo replies to the sender with the same type and correlation id', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws/echoer`);
    const reply = await c.request({ type: 'echo', content: { hello: 'world' } }, 'req-1');
    expect(reply).toMatchObject({ type: 'echo', content: { hello: 'world' }, meta: { id: 'req-1' } });
    expect(reply.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    c.close();
  });

  it('sends back client-chosen strings only up to 128 characters: longer ids, ping ids and topics are refused, not echoed', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws/reflector`);
    const long = 'x'.repeat(60_000);
    c.send({ type: 'system.ping', meta: { ping_id: long } });
    const ping = await c.next('system.error');
    expect(ping.meta).toMatchObject({ code: 'invalid_message', original_type: 'system.ping' });
    c.send({ type: 'echo', content: 1, meta: { id: long } });
    const id = await c.next('system.error');
    expect(id.meta.code).toBe('invalid_message');
    expect(id.meta.id).toBeUndefined();
    c.send({ type: 'system.unsubscribe', content: { topic: long } });
    const topic = await c.next('system.error');
    expect(topic.meta).toMatchObject({ code: 'invalid_topic', original_type: 'system.unsubscribe' });
    for (const m of [ping, id, topic]) expect(JSON.stringify(m).length).toBeLessThan(400);
    const ok = 'p'.repeat(128);
    c.send({ type: 'system.ping', meta: { ping_id: ok, id: ok } });
    expect((await c.next('system.pong')).meta).toMatchObject({ ping_id: ok, id: ok });
    c.close();
  });

  it('answers invalid JSON, bad envelopes, unknown types and binary frames, and stays open', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    c.send('{not json');
    expect((await c.next('system.error')).meta.code).toBe('invalid_json');
    c.send('[1,2]');
    expect((await c.next('system.error')).meta.code).toBe('invalid_message');
    c.send({ type: 42 });
    expect((await c.next('system.error')).meta.code).toBe('invalid_message');
    c.send({ content: 'no type' });
    expect((await c.next('system.error')).meta.code).toBe('invalid_message');
    c.send({ type: 'nobody.handles', meta: { id: 7 } });
    const unknown = await c.next('system.error');
    expect(unknown.meta).toMatchObject({ code: 'unknown_type', original_type: 'nobody.handles', id: 7 });
    c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next('system.error')).meta.code).toBe('unsupported_binary');
    // Still open and served.
    const reply = await c.request({ type: 'echo', content: 'alive' });
    expect(reply.content).toBe('alive');
    c.close();
  });

  it('validates DTOs with class-validator and passes the instance to the handler', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const bad = await c.request({ type: 'dto.chat', content: { text: 5, priority: 9 } }, 'bad');
    expect(bad.type).toBe('system.error');
    expect(bad.meta.code).toBe('validation_failed');
    expect((bad.meta.errors as string[]).join(' ')).toMatch(/text must be a string/);
    expect((bad.meta.errors as string[]).join(' ')).toMatch(/priority must not be greater than 5/);
    const good = await c.request({ type: 'dto.chat', content: { text: 'hi', priority: 2 } }, 'good');
    expect(good).toMatchObject({ type: 'dto.accepted', content: { text: 'hi', isDto: true }, meta: { id: 'good' } });
    c.close();
  });

  it('turns a throwing handler into handler_error without leaking internals', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    for (const type of ['boom', 'boom.async']) {
      const error = await c.request({ type }, type);
      expect(error.type).toBe('system.error');
      expect(error.meta.code).toBe('handler_error');
      expect(JSON.stringify(error)).not.toMatch(/secret|stack|at /);
    }
    expect((await c.request({ type: 'echo', content: 1 })).content).toBe(1);
    c.close();
  });

  it('survives replies that cannot be serialized (20,000-deep array, cycle)', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    expect((await c.request({ type: 'deep.result' }, 'deep')).meta.code).toBe('handler_error');
    expect((await c.request({ type: 'circular.result' }, 'circ')).meta.code).toBe('handler_error');
    expect((await c.request({ type: 'echo', content: 'still here' })).content).toBe('still here');
    c.close();
  });

  it('runs Nest guards on handlers: denial is a correlated forbidden error', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const denied = await c.request({ type: 'guarded' }, 'g1');
    expect(denied.meta).toMatchObject({ code: 'forbidden', id: 'g1' });
    const allowed = await c.request({ type: 'guarded', meta: { allow: true } }, 'g2');
    expect(allowed).toMatchObject({ type: 'guarded', content: 'let in' });
    c.close();
  });

  it('context.reply sends correlated messages', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    c.send({ type: 'ctx.reply', meta: { id: 'r' } });
    expect(await c.next('ctx.reply')).toMatchObject({ content: 'first', meta: { id: 'r' } });
    expect(await c.next('ctx.second')).toMatchObject({ content: 2, meta: { id: 'r' } });
    c.close();
  });

  it('answers handler_timeout when a handler runs past handlerTimeout', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const error = await c.request({ type: 'slow' }, 'slow-1');
    expect(error.meta).toMatchObject({ code: 'handler_timeout', id: 'slow-1' });
    c.close();
  });

  it('runs hooks; a throwing hook is logged and never breaks the connection', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws/hook-bomb`);
    expect((await c.request({ type: 'echo', content: 'ok' })).content).toBe('ok');
    await c.request({ type: 'boom' });
    c.close();
    await c.closed;
    await sleep(50);
    expect(fixture.events).toContain('connect:hook-bomb');
    expect(fixture.events).toContain('received:hook-bomb:echo');
    expect(fixture.events).toContain('failed:hook-bomb:inbound:boom');
    expect(fixture.events).toContain('disconnect:hook-bomb:client');
  });

  it('rejects frames over maxPayloadBytes with 1009', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    c.send({ type: 'echo', content: 'x'.repeat(70_000) });
    expect((await c.closed).code).toBe(1009);
  });
});
