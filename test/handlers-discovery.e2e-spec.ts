import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';
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
    compressed.close();
  });
});
