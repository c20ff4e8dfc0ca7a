import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketToolClient, type WsMessage } from '@websocket-tool/client';
import { BroadcastService, ConnectionRegistry } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep, type Envelope } from './utils/ws-test-client.js';

/** Closes the client and waits until the server no longer holds it. */
const away = async (t: TestApp, client: WsTestClient, clientId: string) => {
  client.close();
  await client.closed;
  const registry = t.app.get(ConnectionRegistry);
  for (let i = 0; i < 100 && registry.get(clientId); i++) await sleep(10);
  expect(registry.get(clientId)).toBeUndefined();
};
/** A round trip: everything queued for the client before it has arrived. */
const settle = (client: WsTestClient) => client.request({ type: 'system.ping' });
const after = (client: WsTestClient) => client.messages.slice(1).map((m: Envelope) => ({ type: m.type, content: m.content }));

describe('offline mailbox (one node)', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  beforeAll(async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000, mailbox: { size: 5, ttlSeconds: 60 } });
    broadcast = t.app.get(BroadcastService);
  });
  afterAll(() => t.close());

  it('a named client away 2 s gets the 5 messages sent meanwhile, in order, right after the welcome', async () => {
    const first = await WsTestClient.connect(`${t.ws}/ws/mb-alice`);
    expect(broadcast.sendToClient('mb-alice', { type: 'direct', content: 0 })).toEqual({ ok: true, queued: 1, dropped: 0 });
    await first.next('direct');
    await away(t, first, 'mb-alice');

    for (let i = 1; i <= 5; i++) {
      expect(broadcast.sendToClient('mb-alice', { type: 'direct', content: i })).toEqual({ ok: true, queued: 0, dropped: 0, kept: 1 });
      await sleep(400);
    }
    const back = await WsTestClient.connect(`${t.ws}/ws/mb-alice`);
    // Sent as soon as it is back: after the kept ones.
    expect(broadcast.sendToClient('mb-alice', { type: 'direct', content: 6 }).ok).toBe(true);
    await back.next((m) => m.type === 'direct' && m.content === 6);
    await settle(back);
    expect(back.messages[0].type).toBe('system.client_connected');
    expect(after(back).slice(0, 7)).toEqual([
      { type: 'system.mailbox', content: { delivered: 5, dropped: 0 } },
      ...[1, 2, 3, 4, 5, 6].map((i) => ({ type: 'direct', content: i })),
    ]);
    // Delivered once: the next connection gets no mailbox.
    await away(t, back, 'mb-alice');
    const again = await WsTestClient.connect(`${t.ws}/ws/mb-alice`);
    await settle(again);
    expect(again.ofType('system.mailbox')).toEqual([]);
    again.close();
  });

  it('past the limit, the client is told how many were dropped and gets the last ones', async () => {
    for (let i = 1; i <= 8; i++) expect(broadcast.sendToClient('mb-bob', { type: 'direct', content: i }).kept).toBe(1);
    const back = await WsTestClient.connect(`${t.ws}/ws/mb-bob`);
    await back.next((m) => m.type === 'direct' && m.content === 8);
    expect(after(back)).toEqual([
      { type: 'system.mailbox', content: { delivered: 5, dropped: 3 } },
      ...[4, 5, 6, 7, 8].map((i) => ({ type: 'direct', content: i })),
    ]);
    back.close();
  });

  it('the client SDK hands system.mailbox and the kept messages to its handlers, in order', async () => {
    for (let i = 1; i <= 3; i++) expect(broadcast.sendToClient('mb-sdk', { type: 'direct', content: i }).kept).toBe(1);
    const client = new WebSocketToolClient(`${t.ws}/ws`, { clientId: 'mb-sdk' });
    const seen: WsMessage[] = [];
    client.on('system.mailbox', (m) => {
      seen.push(m);
    });
    const all = new Promise<void>((resolve) => {
      client.on('direct', (m) => {
        seen.push(m);
        if (m.content === 3) resolve();
      });
    });
    await all;
    expect(seen.map((m) => [m.type, m.content])).toEqual([
      ['system.mailbox', { delivered: 3, dropped: 0 }],
      ['direct', 1],
      ['direct', 2],
      ['direct', 3],
    ]);
    await client.close();
  });

  it('anonymous clients and unserializable messages are not kept', async () => {
    expect(broadcast.sendToClient('anon-00000000-0000-0000-0000-000000000000', { type: 'x' })).toEqual({
      ok: false,
      queued: 0,
      dropped: 0,
      reason: 'unknown_client',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(broadcast.sendToClient('mb-carol', { type: 'x', content: cyclic }).reason).toBe('not_serializable');
    const carol = await WsTestClient.connect(`${t.ws}/ws/mb-carol`);
    await settle(carol);
    expect(carol.ofType('system.mailbox')).toEqual([]);
    carol.close();
  });
});

describe('without the mailbox option', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({});
  });
  afterAll(() => t.close());

  it('a client connected nowhere is unknown, as before, and nothing is kept', async () => {
    const broadcast = t.app.get(BroadcastService);
    expect(broadcast.sendToClient('nobody', { type: 'x' })).toEqual({ ok: false, queued: 0, dropped: 0, reason: 'unknown_client' });
    const nobody = await WsTestClient.connect(`${t.ws}/ws/nobody`);
    await settle(nobody);
    expect(nobody.ofType('system.mailbox')).toEqual([]);
    nobody.close();
  });
});
