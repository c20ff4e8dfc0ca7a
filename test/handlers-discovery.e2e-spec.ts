import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { BroadcastService } from '@websocket-tool/nestjs';
import { WsTestClient } from './utils/ws-test-client.js';
import { waitFor } from './reliability/support/wait-for.js';
import {
  DuplicateHandlerA,
  DuplicateHandlerB,
  EnhancersFixture,
  ReservedTypeHandler,
  WrapInterceptor,
} from './fixtures/enhancers.fixture.js';

describe('handler discovery and Nest enhancers', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('two handlers for one type fail the boot naming both', async () => {
    await expect(createTestApp({}, { providers: [DuplicateHandlerA, DuplicateHandlerB] })).rejects.toThrow(
      /"same.type" has two handlers: DuplicateHandlerA.a and DuplicateHandlerB.b/,
    );
  });

  it('claiming a reserved system. type fails the boot', async () => {
    await expect(createTestApp({}, { providers: [ReservedTypeHandler] })).rejects.toThrow(
      /ReservedTypeHandler.mine claims the reserved message type "system.ping"/,
    );
  });

  it('runs interceptors, exception filters and pipes with @MessageBody/@ConnectedSocket', async () => {
    t = await createTestApp({}, { providers: [EnhancersFixture, WrapInterceptor] });
    const c = await WsTestClient.connect(`${t.ws}/ws/enh`);
    expect((await c.request({ type: 'intercepted' })).content).toEqual({ wrapped: 42 });
    c.send({ type: 'filtered' });
    expect((await c.next('teapot')).content).toBe('filtered');
    expect((await c.request({ type: 'piped', content: { name: 'Ada' } })).content).toBe('hello Ada from enh');
    const invalid = await c.request({ type: 'piped', content: { name: 7 } });
    expect(invalid.meta).toMatchObject({ code: 'validation_failed' });
    expect(invalid.meta.errors).toEqual(['name must be a string']);
    c.close();
  });

  it('permessage-deflate is off by default and can be turned on', async () => {
    t = await createTestApp();
    const plain = await WsTestClient.connect(`${t.ws}/ws`, { perMessageDeflate: true });
    expect(plain.socket.extensions).toBe('');
    plain.close();
    await t.close();
    t = await createTestApp({ perMessageDeflate: true });
    const compressed = await WsTestClient.connect(`${t.ws}/ws`, { perMessageDeflate: true });
    expect(compressed.socket.extensions).toMatch(/permessage-deflate/);
    // Compressed connections are framed by ws itself: messages queued in one
    // tick, small and large, still arrive whole and in order.
    const broadcast = t.app.get(BroadcastService);
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 5; i++) broadcast.broadcast({ type: 'deflated', content: { i, big: i === 2 ? big : '' } });
    await waitFor(() => compressed.ofType('deflated').length === 5, 'five compressed messages');
    expect(compressed.ofType('deflated').map((m) => (m.content as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    expect((compressed.ofType('deflated')[2].content as { big: string }).big).toBe(big);
    compressed.close();
  });
});
