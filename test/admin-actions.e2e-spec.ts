import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

const TOKEN = 'a-long-random-admin-token-0123456789';

interface Answer {
  status: number;
  body: any;
}

async function call(t: TestApp, path: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(t.http + path, init);
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** A POST with headers fetch does not let callers set (Sec-Fetch-*). */
function rawPost(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const POST: RequestInit = { method: 'POST' };
const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const PROXIED: RequestInit = { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } };

describe('admin actions where users of the original plugin find them', () => {
  let t: TestApp | undefined;
  const clients: WsTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.close();
    t = undefined;
  });
  const connect = async (path: string) => {
    const c = await WsTestClient.connect(`${(t as TestApp).ws}${path}`);
    clients.push(c);
    return c;
  };

  it('POST /broadcast?message=&level= sends admin_message to everyone, with the original fields', async () => {
    t = await createTestApp();
    const [a, b] = [await connect('/ws/alice'), await connect('/ws')];
    const res = await call(t, '/broadcast?message=' + encodeURIComponent('Maintenance at 18:00') + '&level=warning', POST);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, message: 'Broadcast sent' });
    expect(typeof res.body.timestamp).toBe('number');
    for (const client of [a, b]) {
      const got = await client.next('admin_message');
      expect(got.content).toBe('Maintenance at 18:00');
      expect(got.meta).toMatchObject({ level: 'warning', from: 'admin' });
      expect(typeof got.meta.timestamp).toBe('number');
    }
    const plain = await call(t, '/broadcast?message=hello', POST);
    expect(plain.status).toBe(200);
    expect((await a.next((m) => m.type === 'admin_message' && m.content === 'hello')).meta.level).toBe('info');
  });

  it('POST /broadcast without a message, or with a level that is not a word, is a 400 and sends nothing', async () => {
    t = await createTestApp();
    const a = await connect('/ws/alice');
    for (const query of ['', '?message=', '?level=info', '?message=x&level=' + encodeURIComponent('<b>x</b>')]) {
      expect((await call(t, '/broadcast' + query, POST)).status, query).toBe(400);
    }
    await sleep(100);
    expect(a.ofType('admin_message')).toHaveLength(0);
  });

  it('POST /ws/clients/:id/disconnect closes the client as DELETE does; an unknown id is a 404', async () => {
    t = await createTestApp();
    const carol = await connect('/ws/carol');
    const res = await call(t, '/ws/clients/carol/disconnect?reason=maintenance', POST);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, client_id: 'carol', reason: 'maintenance', close_code: 4000 });
    expect(await carol.closed).toEqual({ code: 4000, reason: 'maintenance' });
    const gone = await call(t, '/ws/clients/carol/disconnect', POST);
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe('Client "carol" is not connected.');
  });

  it('POST /ws/send-message with no client connected is a 404 "No active WebSocket connections", whatever the target', async () => {
    t = await createTestApp();
    for (const body of [
      { type: 'note', content: 1 },
      { type: 'note', content: 1, client_id: 'bob' },
      { type: 'note', content: 1, topic: 'room' },
    ]) {
      const res = await call(t, '/ws/send-message', post(body));
      expect(res.status, JSON.stringify(body)).toBe(404);
      expect(res.body.message).toBe('No active WebSocket connections');
    }
    const bob = await connect('/ws/bob');
    const res = await call(t, '/ws/send-message', post({ type: 'note', content: 1 }));
    expect(res.status).toBe(202);
    expect((await bob.next('note')).content).toBe(1);
  });

  it('each action is refused without admin access: through a proxy, from another site, or without the token', async () => {
    t = await createTestApp();
    const dave = await connect('/ws/dave');
    const actions = ['/broadcast?message=x', '/ws/clients/dave/disconnect', '/ws/send-message'];
    for (const path of actions) {
      expect((await call(t, path, PROXIED)).status, path).toBe(403);
      expect(await rawPost(t.port, path, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }), path).toBe(403);
    }
    await sleep(100);
    expect(dave.ofType('admin_message')).toHaveLength(0);
    expect(dave.socket.readyState).toBe(dave.socket.OPEN);
    await t.close();

    t = await createTestApp({ adminToken: TOKEN, adminPrefix: '/admin' });
    const erin = await connect('/ws/erin');
    for (const path of ['/admin/broadcast?message=x', '/admin/ws/clients/erin/disconnect']) {
      expect((await call(t, path, POST)).status, path).toBe(401);
    }
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await call(t, '/admin/broadcast?message=x', { method: 'POST', headers: auth })).status).toBe(200);
    expect((await erin.next('admin_message')).content).toBe('x');
    expect((await call(t, '/admin/ws/clients/erin/disconnect', { method: 'POST', headers: auth })).status).toBe(200);
    expect((await erin.closed).code).toBe(4000);
  });
});
