import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastService, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

const TOPICS: WebSocketToolModuleOptions['topics'] = [
  { pattern: 'chat:*', history: { size: 5, ttlSeconds: 60 } },
  { pattern: 'room/*', history: { size: 100, ttlSeconds: 60 } },
  { pattern: 'prices', latest: true },
  { pattern: 'short:*', history: { size: 10, ttlSeconds: 1 } },
];
const TOKEN = 'a-long-random-admin-token-0123456789';

const get = async (t: TestApp, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(t.http + path, { headers });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
};

const topicRow = async (t: TestApp, topic: string) =>
  ((await get(t, '/ws/topics')).body.topics as Array<{ topic: string }>).find((r) => r.topic === topic);

describe('admin API: topics and their history', () => {
  let t: TestApp;
  let broadcast: BroadcastService;
  const clients: WsTestClient[] = [];
  const connect = async (id: string, ...topics: string[]) => {
    const c = await WsTestClient.connect(`${t.ws}/ws/${id}`);
    clients.push(c);
    for (const topic of topics) await c.request({ type: 'system.subscribe', content: { topic } });
    return c;
  };
  beforeAll(async () => {
    t = await createTestApp({ rateLimitConnectionsPerWindow: 1000, topics: TOPICS });
    broadcast = t.app.get(BroadcastService);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('GET /ws/topics lists topics with subscribers, counts, and offset/epoch/size for history topics', async () => {
    expect((await get(t, '/ws/topics')).body).toMatchObject({ topics: [], total: 0 });
    await connect('a', 'chat:one', 'plain', 'prices');
    await connect('b', 'chat:one', 'room/7');
    for (let i = 1; i <= 8; i++) broadcast.publish('chat:one', { type: 'msg', content: i });
    broadcast.publish('chat:nobody', { type: 'msg', content: 'kept, but nobody listens' });
    broadcast.publish('room/7', { type: 'msg', content: 'x' });

    const { status, body, headers } = await get(t, '/ws/topics');
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toContain('no-store');
    expect(body.missing_nodes).toBeUndefined();
    expect(body.total).toBe(4);
    const epoch = expect.stringMatching(/^[0-9a-z]{8}$/);
    expect(body.topics).toEqual([
      { topic: 'chat:one', subscribers: 2, history: { epoch, offset: 8, size: 5 } },
      { topic: 'plain', subscribers: 1, history: null },
      { topic: 'prices', subscribers: 1, history: null },
      { topic: 'room/7', subscribers: 1, history: { epoch, offset: 1, size: 1 } },
    ]);
  });

  it('messages kept count only unexpired ones (0 once all expired; offset and epoch stay)', async () => {
    await connect('s', 'short:x');
    for (let i = 0; i < 3; i++) broadcast.publish('short:x', { type: 'msg', content: i });
    expect(await topicRow(t, 'short:x')).toMatchObject({ subscribers: 1, history: { offset: 3, size: 3 } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await topicRow(t, 'short:x')).toMatchObject({ subscribers: 1, history: { offset: 3, size: 0 } });
  });

  it('GET /ws/topics/:topic/history: the last limit, or after since; slash topics as %2F', async () => {
    await connect('c', 'chat:h');
    for (let i = 1; i <= 7; i++) broadcast.publish('chat:h', { type: 'msg', content: i, meta: { n: i } });

    const all = await get(t, '/ws/topics/chat:h/history');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ topic: 'chat:h', offset: 7, epoch: expect.any(String) });
    expect(all.body.messages.map((m: { content: number }) => m.content)).toEqual([3, 4, 5, 6, 7]);
    expect(all.body.messages[0]).toMatchObject({ type: 'msg', meta: { n: 3, topic: 'chat:h', offset: 3, epoch: all.body.epoch } });

    const last2 = await get(t, '/ws/topics/chat:h/history?limit=2');
    expect(last2.body.messages.map((m: { meta: { offset: number } }) => m.meta.offset)).toEqual([6, 7]);
    const after4 = await get(t, '/ws/topics/chat:h/history?since=4&limit=2');
    expect(after4.body.messages.map((m: { meta: { offset: number } }) => m.meta.offset)).toEqual([5, 6]);
    const upToDate = await get(t, '/ws/topics/chat:h/history?since=7');
    expect(upToDate.body.messages).toEqual([]);

    // Read without subscribers too; a topic name with "/" comes URL-encoded.
    broadcast.publish('room/empty', { type: 'msg', content: 'r' });
    const slash = await get(t, '/ws/topics/room%2Fempty/history');
    expect(slash.status).toBe(200);
    expect(slash.body).toMatchObject({ topic: 'room/empty', offset: 1, messages: [{ content: 'r' }] });
  });

  it('history: 404 for a topic without history, 400 for bad names and parameters', async () => {
    for (const topic of ['plain', 'prices']) {
      const res = await get(t, `/ws/topics/${topic}/history`);
      expect(res.status, topic).toBe(404);
      expect(res.body.message).toContain('keeps no history');
    }
    for (const path of [
      '/ws/topics/chat:h/history?since=-1',
      '/ws/topics/chat:h/history?since=abc',
      '/ws/topics/chat:h/history?since=1.5',
      '/ws/topics/chat:h/history?limit=0',
      '/ws/topics/chat:h/history?limit=1001',
      `/ws/topics/${encodeURIComponent('chat:<script>')}/history`,
      `/ws/topics/${'x'.repeat(300)}/history`,
    ]) {
      expect((await get(t, path)).status, path).toBe(400);
    }
    // Unknown parameters (cache busters) are ignored.
    expect((await get(t, '/ws/topics/chat:h/history?_=123')).status).toBe(200);
  });

  it('without a token, both routes refuse a request that came through a proxy', async () => {
    for (const path of ['/ws/topics', '/ws/topics/chat:h/history']) {
      expect((await get(t, path, { 'x-forwarded-for': '198.51.100.7' })).status, path).toBe(403);
      expect((await get(t, path, { forwarded: 'for=198.51.100.7' })).status, path).toBe(403);
    }
  });
});

describe('admin API: topics with an admin token', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('needs the token (remote with it is allowed, without or wrong is refused, the body tells nothing)', async () => {
    t = await createTestApp({ adminToken: TOKEN, topics: TOPICS });
    t.app.get(BroadcastService).publish('chat:secret', { type: 'msg', content: 'secret content' });
    const remote = { 'x-forwarded-for': '198.51.100.7' };
    for (const path of ['/ws/topics', '/ws/topics/chat:secret/history']) {
      const refused = await fetch(t.http + path, { headers: remote });
      expect(refused.status, path).toBe(401);
      expect(await refused.text()).not.toContain('secret content');
      expect((await fetch(t.http + path, { headers: { ...remote, authorization: 'Bearer wrong-token-wrong-token-wrong' } })).status).toBe(
        401,
      );
      expect((await fetch(t.http + path, { headers: { ...remote, authorization: `Bearer ${TOKEN}` } })).status, path).toBe(200);
    }
    const page = await get(t, '/ws/topics/chat:secret/history', { ...remote, authorization: `Bearer ${TOKEN}` });
    expect(page.body.messages[0].content).toBe('secret content');
  });
});
