import { WsAdapter } from '@nestjs/platform-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NestFactory } from '@nestjs/core';
import { BroadcastService, ConnectionRegistry, WebSocketToolModule } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, handshakeStatus, sleep } from './utils/ws-test-client.js';

describe('connections: named, anonymous, invalid and duplicate ids', () => {
  let t: TestApp;
  let registry: ConnectionRegistry;

  beforeAll(async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000 });
    registry = t.app.get(ConnectionRegistry);
  });
  afterAll(() => t.close());

  it('welcomes an anonymous client with an anon-<uuid> id', async () => {
    const c = new WsTestClient(`${t.ws}/ws`, { headers: { 'user-agent': 'test-agent/1.0' } });
    await c.opened;
    const welcome = await c.next('system.client_connected');
    const id = welcome.meta.client_id as string;
    expect(id).toMatch(/^anon-[0-9a-f-]{36}$/);
    expect(welcome).toMatchObject({ content: `Welcome ${id}!`, meta: { event: 'connected', client_id: id } });
    expect(welcome.timestamp).toMatch(/Z$/);
    const info = registry.info(id);
    expect(info).toMatchObject({ clientId: id, named: false, ip: '127.0.0.1', userAgent: 'test-agent/1.0' });
    expect(registry.countAnonymous()).toBeGreaterThanOrEqual(1);
    c.close();
  });

  it('accepts named clients on /ws/<id> and /ws?clientId=<id>', async () => {
    const a = await WsTestClient.connect(`${t.ws}/ws/user-1`);
    const b = await WsTestClient.connect(`${t.ws}/ws?clientId=user.2@example.com`);
    expect(a.messages[0].meta.client_id).toBe('user-1');
    expect(b.messages[0].meta.client_id).toBe('user.2@example.com');
    expect(registry.info('user-1')?.named).toBe(true);
    expect(registry.info('user.2@example.com')?.named).toBe(true);
    a.close();
    b.close();
  });

  it('counts a named id that starts with anon- as named (explicit flag)', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws/anon-pretender`);
    expect(registry.info('anon-pretender')?.named).toBe(true);
    c.close();
  });

  it('refuses invalid client ids at the handshake with 400 and a reason', async () => {
    for (const bad of ['%3Cscript%3E', 'a'.repeat(129), 'with%20space', '%E0%A4%A']) {
      const res = await handshakeStatus(`${t.ws}/ws/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatch(/client id/);
    }
    const res = await handshakeStatus(`${t.ws}/ws?clientId=bad%20id`);
    expect(res.status).toBe(400);
  });

  it('answers 404 for an upgrade to an unknown path', async () => {
    expect((await handshakeStatus(`${t.ws}/elsewhere`)).status).toBe(404);
    expect((await handshakeStatus(`${t.ws}/wsx`)).status).toBe(404);
  });

  it('replaces a duplicate named connection: the old one is closed with duplicate_client, the new one lives on', async () => {
    const first = await WsTestClient.connect(`${t.ws}/ws/dup`);
    const second = await WsTestClient.connect(`${t.ws}/ws/dup`);
    const closed = await first.closed;
    expect(closed).toEqual({ code: 4500, reason: 'duplicate_client' });
    await sleep(50);
    // Cleanup of the old socket must not have touched the new one.
    expect(registry.has('dup')).toBe(true);
    expect((await second.request({ type: 'system.ping' })).type).toBe('system.pong');
    second.close();
    await second.closed;
    await sleep(50);
    expect(registry.has('dup')).toBe(false);
  });

  it('lists connection info with counters and topics', async () => {
    const c = await WsTestClient.connect(`${t.ws}/ws/info-client`);
    c.send({ type: 'system.subscribe', content: { topic: 'room-1' } });
    await c.next('system.subscribed');
    const info = registry.info('info-client');
    expect(info?.topics).toEqual(['room-1']);
    expect(info?.messagesReceived).toBe(1);
    expect(info?.messagesSent).toBeGreaterThanOrEqual(1);
    expect(registry.list().some((i) => i.clientId === 'info-client')).toBe(true);
    c.close();
  });
});

describe('an app with another WebSocket adapter', () => {
  it('does not start, and the error says which adapter to install', async () => {
    const booting = createTestApp({}, {}, (app) => app.useWebSocketAdapter(new WsAdapter(app)));
    await expect(booting).rejects.toThrow(
      'WebSocketTool serves "/ws" and "/ws/<clientId>" only through WebSocketToolAdapter, and the app uses another WebSocket adapter. ' +
        'Call app.useWebSocketAdapter(new WebSocketToolAdapter(app)) before app.listen().',
    );
  });

  it('a context without HTTP (a worker process) boots without any adapter', async () => {
    const context = await NestFactory.createApplicationContext(WebSocketToolModule.forRoot({ enableHeartbeat: false }), { logger: false });
    try {
      expect(context.get(BroadcastService).broadcast({ type: 'nobody.listens' })).toMatchObject({ ok: true, queued: 0 });
    } finally {
      await context.close();
    }
  });
});
