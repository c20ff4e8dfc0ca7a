import { Controller, Get, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import {
  BroadcastService,
  ConnectionRegistry,
  OnWsMessage,
  WebSocketToolAdapter,
  WebSocketToolHealthIndicator,
  WebSocketToolModule,
  type WsInboundMessage,
} from '@websocket-tool/nestjs';
import { IsString } from 'class-validator';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionLifecycle } from '../libs/websocket-tool/src/transport/connection-lifecycle.service.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

class ShoutDto {
  @IsString()
  text!: string;
}

@Injectable()
class EchoHandlers {
  @OnWsMessage('echo')
  echo(message: WsInboundMessage) {
    return message.content;
  }

  @OnWsMessage('shout', { dto: ShoutDto })
  shout(message: WsInboundMessage<ShoutDto>) {
    return message.content.text.toUpperCase();
  }
}

interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = any>(t: TestApp, path: string, init: RequestInit = {}): Promise<Answer<T>> {
  const res = await fetch(t.http + path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (the page); keep the text.
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** A request with headers fetch does not let callers set (Host, Sec-Fetch-*). */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ids = (a: Answer) => a.body.clients.map((c: { client_id: string }) => c.client_id);

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}

const STATS_FIELDS = [
  'total_connections',
  'total_disconnections',
  'messages_received',
  'messages_sent',
  'messages_failed',
  'queue_overflows',
  'heartbeat_timeouts',
  'total_active_connections',
  'active_named_connections',
  'active_anonymous_connections',
  'queue_size',
  'max_queue_size',
  'queue_utilization',
  'received_per_sec',
  'sent_per_sec',
  'failed_per_sec',
  'registered_handlers',
  'registered_hooks',
  'supervisor_restarts',
  'rate_limited_messages',
  'rate_limited_connections',
  'rate_limit_disconnects',
  'top_rate_limited_clients',
  'top_rate_limited_ips',
];

const CLIENT_FIELDS = [
  'client_id',
  'type',
  'ip',
  'user_agent',
  'connected_at',
  'duration',
  'last_ping',
  'last_pong',
  'time_since_pong',
  'messages_received',
  'messages_sent',
  'messages_failed',
  'health_score',
  'rate_limit_remaining',
  'rate_limit_violations',
  'topics',
];

describe('admin API on a running app with real clients', () => {
  let t: TestApp;
  const opened: WsTestClient[] = [];
  const connect = async (path: string, headers?: Record<string, string>) => {
    const client = await WsTestClient.connect(`${t.ws}${path}`, headers ? { headers } : {});
    opened.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000 }, { providers: [EchoHandlers] });
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) c.close();
    const registry = t.app.get(ConnectionRegistry);
    await waitFor(() => registry.count() === 0, 5000, 'all test clients gone');
  });
  afterAll(() => t.close());

  it('stats count what the clients did: after 7 echoes messages_received is 7', async () => {
    const before = (await call(t, '/ws/stats')).body.stats;
    const alice = await connect('/ws/alice');
    for (let i = 0; i < 7; i++) expect((await alice.request({ type: 'echo', content: i })).content).toBe(i);

    const stats = await call(t, '/ws/stats');
    expect(stats.status).toBe(200);
    for (const field of STATS_FIELDS) expect(stats.body.stats).toHaveProperty(field);
    const s = stats.body.stats;
    expect(s.messages_received - before.messages_received).toBe(7);
    expect(s.total_connections - before.total_connections).toBe(1);
    expect(s.total_active_connections).toBe(1);
    expect(s.active_named_connections).toBe(1);
    expect(s.active_anonymous_connections).toBe(0);
    expect(s.registered_handlers).toBe(2);
    expect(s.registered_hooks).toEqual({ client_connected: 0, client_disconnected: 0, message_received: 0, message_failed: 0 });
    expect(s.max_queue_size).toBe(10000);
    expect(s.received_per_sec).toBeGreaterThanOrEqual(Math.round(((s.messages_received - before.messages_received) / 60) * 1000) / 1000);
    expect(stats.body.health).toEqual({ status: 'healthy', issues: [], message_success_rate: 1 });
    expect(Math.abs(stats.body.timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(stats.headers.get('cache-control')).toBe('no-store');

    // The client's own row: 7 received; welcome + 7 replies sent.
    await waitFor(async () => (await call(t, '/ws/clients/alice')).body.messages_sent === 8, 5000, 'sent count');
    const row = (await call(t, '/ws/clients/alice')).body;
    for (const field of CLIENT_FIELDS) expect(row).toHaveProperty(field);
    expect(row).toMatchObject({ client_id: 'alice', type: 'named', ip: '127.0.0.1', messages_received: 7, messages_failed: 0, topics: [] });
    expect(row.rate_limit_remaining).toBe(120 - 7);

    const info = await call(t, '/info/stats');
    expect(info.status).toBe(200);
    expect(info.body.stats.messages_received).toBe(s.messages_received);
  });

  it('lists clients with a summary, paging, search and sort', async () => {
    const names = ['p-3', 'p-1', 'p-4', 'p-0', 'p-2'];
    for (const name of names) await connect(`/ws/${name}`);
    await connect('/ws', { 'user-agent': 'SpecialBrowser/1.0' });

    const all = await call(t, '/ws/clients');
    expect(all.status).toBe(200);
    expect(all.body.summary).toEqual({ total_clients: 6, named_clients: 5, anonymous_clients: 1, healthy_clients: 6, users: 0 });
    expect(all.body).toMatchObject({ total: 6, limit: 100, offset: 0 });
    expect(all.body.clients.map((c: { client_id: string }) => c.client_id).slice(0, 5)).toEqual(names);
    expect(all.body.clients[5]).toMatchObject({ type: 'anonymous', user_agent: 'SpecialBrowser/1.0' });
    expect(all.body.clients[5].client_id).toMatch(/^anon-/);

    const page1 = await call(t, '/ws/clients?q=p-&sort=client_id&limit=2&offset=0');
    const page2 = await call(t, '/ws/clients?q=p-&sort=client_id&limit=2&offset=2');
    const page3 = await call(t, '/ws/clients?q=p-&sort=client_id&limit=2&offset=4');
    expect([ids(page1), ids(page2), ids(page3)]).toEqual([['p-0', 'p-1'], ['p-2', 'p-3'], ['p-4']]);
    expect(page1.body.total).toBe(5);
    expect(page1.body.summary.total_clients).toBe(6);
    expect(ids(await call(t, '/ws/clients?q=P-&sort=client_id&order=desc&limit=1'))).toEqual(['p-4']);
    expect(ids(await call(t, '/ws/clients?q=specialbrowser'))).toHaveLength(1);
    expect((await call(t, '/ws/clients?q=nothing-like-this')).body).toMatchObject({ total: 0, clients: [] });
    expect((await call(t, '/info/clients?limit=1')).body.clients).toHaveLength(1);

    for (const bad of ['limit=0', 'limit=1001', 'limit=abc', 'offset=-1', 'sort=password', 'order=up']) {
      const res = await call(t, `/ws/clients?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(Array.isArray(res.body.message)).toBe(true);
    }
  });

  it('one client by id, and 404 for an unknown one', async () => {
    await connect('/ws/bob');
    expect((await call(t, '/ws/clients/bob')).body.client_id).toBe('bob');
    const missing = await call(t, '/ws/clients/nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Client "nobody" is not connected.');
  });

  it('DELETE closes the client with 4000 and the reason; unknown ids get 404', async () => {
    const carol = await connect('/ws/carol');
    const res = await call(t, '/ws/clients/carol?reason=' + encodeURIComponent('maintenance\u0007 window'), { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, client_id: 'carol', reason: 'maintenance window', close_code: 4000 });
    expect(await carol.closed).toEqual({ code: 4000, reason: 'maintenance window' });
    expect((await call(t, '/ws/clients/carol')).status).toBe(404);

    const dave = await connect('/ws/dave');
    const long = 'é'.repeat(200);
    const cut = await call(t, '/ws/clients/dave?reason=' + encodeURIComponent(long), { method: 'DELETE' });
    expect(Buffer.byteLength(cut.body.reason)).toBeLessThanOrEqual(123);
    expect((await dave.closed).reason).toBe(cut.body.reason);

    const erin = await connect('/ws/erin');
    await call(t, '/ws/clients/erin', { method: 'DELETE' });
    expect(await erin.closed).toEqual({ code: 4000, reason: 'server_disconnect' });

    const gone = await call(t, '/ws/clients/carol', { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('Client "carol" is not connected.');
  });

  it('send-message reaches one client, a topic, or everyone, and says what was queued', async () => {
    const a = await connect('/ws/send-a');
    const b = await connect('/ws/send-b');
    b.send({ type: 'system.subscribe', content: { topic: 'room-9' } });
    await b.next('system.subscribed');

    const one = await call(t, '/ws/send-message?client_id=send-a', post({ type: 'note', content: { n: 1 }, meta: { level: 'info' } }));
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({ success: true, target_type: 'client', target: 'send-a', queued: 1, dropped: 0 });
    expect(one.body.message).toBe('Message queued for client send-a');
    expect(await a.next('note')).toMatchObject({ content: { n: 1 }, meta: { level: 'info' } });

    const viaBody = await call(t, '/ws/send-message', post({ type: 'note', content: 2, client_id: 'send-b' }));
    expect(viaBody.body).toMatchObject({ target_type: 'client', target: 'send-b', queued: 1 });
    expect((await b.next('note')).content).toBe(2);

    const topic = await call(t, '/ws/send-message', post({ type: 'room', content: 'hi room', topic: 'room-9' }));
    expect(topic.body).toMatchObject({ target_type: 'topic', target: 'room-9', queued: 1 });
    expect((await b.next('room')).content).toBe('hi room');

    const all = await call(t, '/ws/send-message', post({ type: 'all', content: null }));
    expect(all.body).toMatchObject({ target_type: 'all', target: null, queued: 2, stats: { active_connections: 2 } });
    await Promise.all([a.next('all'), b.next('all')]);
    await sleep(100);
    expect(a.ofType('room')).toHaveLength(0);
    expect(a.ofType('note')).toHaveLength(1);

    const unknown = await call(t, '/ws/send-message?client_id=ghost', post({ type: 'note', content: 1 }));
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('Client "ghost" is not connected.');
  });

  it('send-message refuses bad bodies with 400 and the validation messages', async () => {
    const cases: Array<[unknown, string | RegExp]> = [
      [{ content: 'no type' }, 'type must be a string'],
      [{ type: '', content: 1 }, 'type must be longer than or equal to 1 characters'],
      [{ type: 'system.ping', content: 1 }, 'type must not start with "system." (reserved for WebSocketTool)'],
      [{ type: 'x' }, 'content is required (it may be null)'],
      [{ type: 'x', content: 1, meta: 'nope' }, 'meta must be an object'],
      [{ type: 'x', content: 1, extra: true }, 'property extra should not exist'],
      [{ type: 'x', content: 1, client_id: 'bad id!' }, 'client_id must be 1 to 128 characters of letters, digits and ._:@-'],
      [{ type: 'x', content: 1, client_id: 'a', topic: 'b' }, /one target/],
      [{ type: 'x', content: 1, topic: 'bad topic!' }, /A topic is 1 to 200 characters/],
    ];
    for (const [body, message] of cases) {
      const res = await call(t, '/ws/send-message', post(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const text = [res.body.message].flat().join('\n');
      if (typeof message === 'string') expect(text).toContain(message);
      else expect(text).toMatch(message);
    }
    const conflict = await call(t, '/ws/send-message?client_id=a', post({ type: 'x', content: 1, client_id: 'b' }));
    expect(conflict.status).toBe(400);
    const notJson = await call(t, '/ws/send-message', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('config lists every setting with option, env var, value, default and source', async () => {
    const res = await call(t, '/info/config');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.settings.map((s: { option: string }) => [s.option, s]));
    expect(byName.rateLimitConnectionsPerWindow).toEqual({
      option: 'rateLimitConnectionsPerWindow',
      env: 'FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW',
      value: 1000,
      default: 10,
      source: 'options',
      rule: 'an integer from 1 to 100000000',
    });
    expect(byName.maxQueueSize).toMatchObject({ value: 10000, source: 'default' });
    expect(byName.adminToken).toMatchObject({ value: '', source: 'default' });
    expect(res.body.rate_limits).toMatchObject({ rateLimitMessagesPerWindow: 60, rateLimitConnectionsPerWindow: 1000 });
  });

  it('handlers lists the registered message types with provider, method and DTO', async () => {
    const res = await call(t, '/ws/handlers');
    expect(res.status).toBe(200);
    expect(res.body.handlers).toEqual([
      { type: 'echo', provider: 'EchoHandlers', method: 'echo', dto: null, rate_limit: null },
      { type: 'shout', provider: 'EchoHandlers', method: 'shout', dto: 'ShoutDto', rate_limit: null },
    ]);
    expect(res.body.hooks).toEqual({ client_connected: [], client_disconnected: [], message_received: [], message_failed: [] });
  });

  it('refuses requests that are not local, or made by another site', async () => {
    expect((await call(t, '/ws/stats', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    const rebinding = await rawRequest(t.port, 'GET', '/ws/stats', { host: 'evil.example' });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body).message).toMatch(/only local requests.*FP_WST_ADMIN_TOKEN/);
    expect((await rawRequest(t.port, 'GET', '/ws/stats', { host: `localhost:${t.port}` })).status).toBe(200);
    const crossSite = await rawRequest(t.port, 'POST', '/ws/send-message', {
      'content-type': 'application/json',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'cors',
    });
    expect(crossSite.status).toBe(403);
    expect((await rawRequest(t.port, 'GET', '/ws/stats', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors' })).status).toBe(403);
    expect((await rawRequest(t.port, 'GET', '/ws/stats', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' })).status).toBe(200);
    const foreignOrigin = await call(t, '/ws/clients/x', { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    expect(foreignOrigin.status).toBe(403);
    const followedLink = await rawRequest(t.port, 'GET', '/ws-admin', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' });
    expect(followedLink.status).toBe(200);
  });

  it('publishes an OpenAPI description of every admin route', async () => {
    const document = SwaggerModule.createDocument(t.app, new DocumentBuilder().build());
    expect(Object.keys(document.paths).toSorted()).toEqual(
      [
        '/broadcast',
        '/info/clients',
        '/info/clients/{clientId}',
        '/info/config',
        '/info/handlers',
        '/info/health',
        '/info/stats',
        '/ws/asyncapi.json',
        '/ws/asyncapi.yaml',
        '/ws/clients',
        '/ws/clients/{clientId}',
        '/ws/clients/{clientId}/disconnect',
        '/ws/config',
        '/ws/handlers',
        '/ws/health',
        '/ws/send-message',
        '/ws/stats',
        '/ws/topics',
        '/ws/topics/{topic}/history',
        '/ws/topics/{topic}/presence',
      ].toSorted(),
    );
    const send = document.paths['/ws/send-message'].post!;
    expect(Object.keys(send.responses).toSorted()).toEqual(['202', '400', '401', '403', '404', '503']);
    expect(JSON.stringify(document.components?.schemas?.SendMessageDto)).toContain('"required":["type","content"]');
    const history = document.paths['/ws/topics/{topic}/history'].get!;
    expect(Object.keys(history.responses).toSorted()).toEqual(['200', '400', '401', '403', '404', '503']);
    expect(history.parameters?.map((p) => ('name' in p ? p.name : '')).toSorted()).toEqual(['limit', 'since', 'topic']);
  });
});

describe('admin health over a short window', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('moves from healthy to warning to critical and back as the window passes', async () => {
    t = await createTestApp(
      {
        rateLimitMessagesPerWindow: 2,
        rateLimitMessageWindow: 600,
        rateLimitBurstMultiplier: 1,
        rateLimitDisconnectAfter: 2,
        healthWindow: 3,
      },
      { providers: [EchoHandlers] },
    );
    const app = t;
    const health = () => call(app, '/ws/health');
    expect((await health()).body).toMatchObject({ status: 'healthy', issues: [] });

    const client = await WsTestClient.connect(`${t.ws}/ws/noisy`);
    await client.request({ type: 'echo', content: 1 });
    await client.request({ type: 'echo', content: 2 });
    client.send({ type: 'echo', content: 3 });
    await client.next('system.rate_limited');
    const warning = await health();
    expect(warning.status).toBe(200);
    expect(warning.body.status).toBe('warning');
    expect(warning.body.issues).toEqual(['Messages are being rate-limited: 1 in the last 3 s']);
    expect(warning.body.stats).toMatchObject({ active_connections: 1, window_seconds: 3, window: { rate_limited_messages: 1 } });

    client.send({ type: 'echo', content: 4 });
    expect((await client.closed).code).toBe(1008);
    const critical = await health();
    expect(critical.status).toBe(503);
    expect(critical.body.status).toBe('critical');
    expect(critical.body.issues).toContain('Clients disconnected for rate limiting: 1 in the last 3 s');
    expect((await call(app, '/info/health')).status).toBe(503);

    const stats = (await call(app, '/ws/stats')).body;
    expect(stats.health.status).toBe('critical');
    expect(stats.stats).toMatchObject({
      rate_limited_messages: 2,
      rate_limit_disconnects: 1,
      top_rate_limited_clients: [{ client_id: 'noisy', count: 2 }],
      top_rate_limited_ips: [{ ip: '127.0.0.1', count: 2 }],
    });

    await waitFor(async () => (await health()).body.status === 'healthy', 15_000, 'health back to healthy');
    const recovered = await health();
    expect(recovered.status).toBe(200);
    expect(recovered.body.issues).toEqual([]);
    // Totals stay; only the window moved on.
    expect((await call(app, '/ws/stats')).body.stats.rate_limit_disconnects).toBe(1);
  });

  it('a message dropped for a client that stopped reading is critical, and send-message answers 503 with what was dropped', async () => {
    t = await createTestApp({ maxClientQueueSize: 1, sendHighWaterMarkBytes: 1024, healthWindow: 60 });
    const clients = await Promise.all(['q1', 'q2', 'q3'].map((id) => WsTestClient.connect(`${t!.ws}/ws/${id}`)));
    // q1 stops reading; large messages fill its kernel buffers and then its socket's, until one waits in its queue.
    clients[0].socket.pause();
    const broadcast = t.app.get(BroadcastService);
    const q1 = t.app.get(ConnectionRegistry).get('q1')!;
    for (let i = 0; i < 200 && q1.queued === 0; i++) {
      broadcast.sendToClient('q1', { type: 'fill', content: 'x'.repeat(512 * 1024) });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(q1.queued).toBe(1);
    const res = await call(t, '/ws/send-message', post({ type: 'burst', content: 'x' }));
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, reason: 'queue_full', queued: 2, dropped: 1 });
    expect(res.body.message).toMatch(/outbound queue is full/);
    const health = await call(t, '/ws/health');
    expect(health.status).toBe(503);
    expect(health.body.issues).toContain('Queue overflows detected: 1 messages dropped in the last 1 min');
    clients.forEach((c) => c.close());
  });

  it('is critical with 503 while the server shuts down', async () => {
    t = await createTestApp();
    const lifecycle = t.app.get(ConnectionLifecycle);
    lifecycle.shuttingDown = true;
    const res = await call(t, '/ws/health');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'critical', issues: ['Server is shutting down'], stats: { is_shutdown: true } });
    expect((await call(t, '/ws/stats')).body.stats.is_shutdown).toBe(true);
    lifecycle.shuttingDown = false;
    expect((await call(t, '/ws/health')).status).toBe(200);
  });
});

describe('admin settings from the environment, token access and custom guards', () => {
  let t: TestApp | undefined;
  const TOKEN = 'test-admin-token-0123456789';
  afterEach(async () => {
    delete process.env.FP_WST_ADMIN_TOKEN;
    delete process.env.FP_WST_HEALTH_WINDOW;
    delete process.env.FP_WST_ADMIN_PREFIX;
    delete process.env.FP_WST_ENABLE_ADMIN;
    vi.restoreAllMocks();
    await t?.close();
    t = undefined;
  });

  it('config shows env-sourced values with source "env" and redacts the token, which then guards every route', async () => {
    process.env.FP_WST_ADMIN_TOKEN = TOKEN;
    process.env.FP_WST_HEALTH_WINDOW = '42';
    process.env.FP_WST_ADMIN_PREFIX = '/ops';
    t = await createTestApp({ maxTopicsPerClient: 7 });
    const auth = { authorization: `Bearer ${TOKEN}` };

    const config = await call(t, '/ops/info/config', { headers: auth });
    expect(config.status).toBe(200);
    const byName = Object.fromEntries(config.body.settings.map((s: { option: string }) => [s.option, s]));
    expect(byName.healthWindow).toMatchObject({ env: 'FP_WST_HEALTH_WINDOW', value: 42, default: 300, source: 'env' });
    expect(byName.adminPrefix).toMatchObject({ value: '/ops', default: '', source: 'env' });
    expect(byName.adminToken).toMatchObject({ value: '[redacted]', source: 'env' });
    expect(byName.maxTopicsPerClient).toMatchObject({ value: 7, source: 'options' });
    expect(JSON.stringify(config.body)).not.toContain(TOKEN);

    const none = await call(t, '/ops/ws/stats');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="WebSocketTool admin", charset="UTF-8"');
    expect((await call(t, '/ops/ws/stats', { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await call(t, '/ops/ws-admin')).status).toBe(401);
    expect((await call(t, '/ops/ws/stats', { headers: auth })).status).toBe(200);
    const basic = { authorization: 'Basic ' + Buffer.from(`admin:${TOKEN}`).toString('base64') };
    expect((await call(t, '/ops/ws-admin', { headers: basic })).status).toBe(200);
    // The token opens remote-looking requests too.
    expect((await call(t, '/ops/ws/stats', { headers: { ...auth, 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    expect((await call(t, '/ws/stats', { headers: auth })).status).toBe(404);
  });

  it('warns once at start-up when admin is local-only, and says how to open it', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    t = await createTestApp();
    const messages = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('admin API'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/answer only local requests.*FP_WST_ADMIN_TOKEN/);
  });

  it('an app-provided adminGuard decides instead of the built-in rule', async () => {
    @Injectable()
    class HeaderGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        return context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers['x-admin'] === 'yes';
      }
    }
    t = await createTestApp({ adminGuard: HeaderGuard });
    expect((await call(t, '/ws/stats')).status).toBe(403);
    expect((await call(t, '/ws/stats', { headers: { 'x-admin': 'yes', 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    expect((await call(t, '/ws-admin', { headers: { 'x-admin': 'yes' } })).status).toBe(200);
  });

  it('FP_WST_ENABLE_ADMIN=false turns every admin route into a 404', async () => {
    process.env.FP_WST_ENABLE_ADMIN = 'false';
    t = await createTestApp();
    for (const path of ['/ws/stats', '/ws/health', '/info/config', '/ws-admin']) {
      const res = await call(t, path);
      expect(res.status, path).toBe(404);
      expect(res.body.message).toBe(`Cannot GET ${path}`);
    }
  });

  it('prefix and page path are per app: two apps with different paths run side by side', async () => {
    t = await createTestApp({ adminPrefix: '/one', adminPagePath: '/dash' });
    const other = await createTestApp({ adminPrefix: '/two' });
    try {
      expect((await call(t, '/one/ws/stats')).status).toBe(200);
      expect((await call(t, '/one/dash')).status).toBe(200);
      expect((await call(t, '/two/ws/stats')).status).toBe(404);
      expect((await call(other, '/two/ws/stats')).status).toBe(200);
      expect((await call(other, '/two/ws-admin')).status).toBe(200);
      expect((await call(other, '/one/ws/stats')).status).toBe(404);
      const page = await call(t, '/one/dash');
      expect(page.body).toContain('<meta name="wst-api-base" content="/one">');
    } finally {
      await other.close();
    }
  });

  it('rejects invalid admin paths at start-up, naming the variable', async () => {
    process.env.FP_WST_ADMIN_PREFIX = 'no-slash/';
    await expect(createTestApp()).rejects.toThrow(/FP_WST_ADMIN_PREFIX="no-slash\/" is invalid/);
  });
});

describe('Terminus health indicator and forRootAsync', () => {
  it('adds WebSocketTool to an app health check in one line, and follows the admin settings of forRootAsync', async () => {
    @Controller('health')
    class HealthController {
      constructor(
        private readonly health: HealthCheckService,
        private readonly websocket: WebSocketToolHealthIndicator,
      ) {}

      @Get()
      @HealthCheck()
      check() {
        return this.health.check([() => this.websocket.isHealthy('websocket')]);
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [WebSocketToolModule.forRootAsync({ useFactory: () => ({ adminPrefix: '/async' }) }), TerminusModule],
      controllers: [HealthController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new WebSocketToolAdapter(app));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/health`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        status: 'ok',
        details: { websocket: { status: 'up', health: 'healthy', issues: [], active_connections: 0 } },
      });
      expect((await fetch(`${base}/async/ws/stats`)).status).toBe(200);

      app.get(ConnectionLifecycle).shuttingDown = true;
      const down = await fetch(`${base}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        status: 'error',
        error: { websocket: { status: 'down', issues: ['Server is shutting down'] } },
      });
      app.get(ConnectionLifecycle).shuttingDown = false;
    } finally {
      await app.close();
    }
  });
});

describe('the sample app', () => {
  it('serves /health with the WebSocketTool indicator, the dashboard, and documents the admin API', async () => {
    const { AppModule } = await import('../apps/sample/src/app.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useWebSocketAdapter(new WebSocketToolAdapter(app));
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    try {
      const health = await fetch(`${base}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { details: Record<string, unknown> }).details.websocket).toMatchObject({
        status: 'up',
        health: 'healthy',
      });
      expect((await fetch(`${base}/ws-admin`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
      const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/ws/stats', '/ws/send-message', '/info/config']));
    } finally {
      await app.close();
    }
  });
});
