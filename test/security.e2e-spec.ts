import { SignJWT } from 'jose';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, handshakeStatus } from './utils/ws-test-client.js';
import { SecurityFixture } from './fixtures/security.fixture.js';

const SECRET = 'test-secret-of-at-least-32-bytes-length!';
const sign = (sub: string, expiresIn: string | number = '1h', secret = SECRET) =>
  new SignJWT({ roles: ['reader'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? expiresIn : expiresIn)
    .sign(new TextEncoder().encode(secret));

/** Sends raw bytes to the server and collects what comes back until it closes (or the limit). */
function rawExchange(port: number, chunks: string[], waitMs: number): Promise<{ response: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    socket.on('error', () => undefined);
    const done = () => resolve({ response, closedAfterMs: Date.now() - started });
    socket.on('close', done);
    socket.on('connect', () => chunks.forEach((c) => socket.write(c)));
    setTimeout(() => {
      socket.destroy();
    }, waitMs).unref();
  });
}

describe('security: handshake authentication', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('JWT: 401 without, with a bad and with an expired token; a valid one connects and the identity reaches handlers', async () => {
    t = await createTestApp({ jwt: { secret: SECRET } }, { providers: [SecurityFixture] });
    const missing = await handshakeStatus(`${t.ws}/ws`);
    expect(missing.status).toBe(401);
    expect(missing.body).toBe('missing token');
    const forged = await handshakeStatus(`${t.ws}/ws`, {
      headers: { authorization: `Bearer ${await sign('alice', '1h', 'another-secret-another-secret-another!')}` },
    });
    expect(forged).toMatchObject({ status: 401, body: 'invalid token' });
    const expired = await handshakeStatus(`${t.ws}/ws`, {
      headers: { authorization: `Bearer ${await sign('alice', Math.floor(Date.now() / 1000) - 60)}` },
    });
    expect(expired).toMatchObject({ status: 401, body: 'token expired' });
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { authorization: 'Bearer not.a.jwt' } })).status).toBe(401);

    const c = await WsTestClient.connect(`${t.ws}/ws/alice`, { headers: { authorization: `Bearer ${await sign('alice')}` } });
    const reply = await c.request({ type: 'whoami' });
    expect(reply.content).toMatchObject({ clientId: 'alice', identity: { userId: 'alice', sub: 'alice', roles: ['reader'] } });
    expect((reply.content as { info: { userId: string } }).info.userId).toBe('alice');
    c.close();
  });

  it('JWT from the bearer subprotocol (browsers) and from the token query parameter', async () => {
    t = await createTestApp({ jwt: { secret: SECRET } }, { providers: [SecurityFixture] });
    const token = await sign('bob');
    const browserLike = await WsTestClient.connect(`${t.ws}/ws/bob`, {}, ['bearer', token]);
    expect(browserLike.socket.protocol).toBe('bearer');
    browserLike.close();
    const viaQuery = await WsTestClient.connect(`${t.ws}/ws/bob?token=${token}`);
    expect(((await viaQuery.request({ type: 'whoami' })).content as { identity: { userId: string } }).identity.userId).toBe('bob');
    viaQuery.close();
  });

  it('client-id ownership: a named id must belong to the identity (403), or be allowed by canUseClientId', async () => {
    t = await createTestApp({ jwt: { secret: SECRET } });
    const auth = { authorization: `Bearer ${await sign('carol')}` };
    expect((await handshakeStatus(`${t.ws}/ws/dave`, { headers: auth })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws/carol`, { headers: auth })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: auth })).status).toBe(101);
    await t.close();

    t = await createTestApp({
      jwt: { secret: SECRET },
      canUseClientId: (identity: { userId?: string }, id: string) => id.startsWith(`${identity.userId}:`),
    });
    expect((await handshakeStatus(`${t.ws}/ws/carol:tab-1`, { headers: auth })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws/carol`, { headers: auth })).status).toBe(403);
  });

  it('a custom authenticate function: sync, async, null and throwing', async () => {
    const authenticate = async (request: IncomingMessage) => {
      const key = request.headers['x-api-key'];
      if (key === 'boom') throw new Error('database down');
      return key === 'good' ? { userId: 'svc', plan: 'pro' } : null;
    };
    t = await createTestApp({ authenticate }, { providers: [SecurityFixture] });
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(401);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-api-key': 'bad' } })).status).toBe(401);
    expect((await handshakeStatus(`${t.ws}/ws`, { headers: { 'x-api-key': 'boom' } })).status).toBe(401);
    const c = await WsTestClient.connect(`${t.ws}/ws/svc`, { headers: { 'x-api-key': 'good' } });
    expect(((await c.request({ type: 'whoami' })).content as { identity: unknown }).identity).toEqual({ userId: 'svc', plan: 'pro' });
    c.close();
  });

  it('without authentication, named ids work as before (trust on first use)', async () => {
    t = await createTestApp();
    expect((await handshakeStatus(`${t.ws}/ws/anyone`)).status).toBe(101);
  });
});

describe('security: origin checks', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('default: no Origin allowed, same host allowed, others, null and look-alikes refused with 403', async () => {
    t = await createTestApp();
    const host = `127.0.0.1:${t.port}`;
    expect((await handshakeStatus(`${t.ws}/ws`)).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: `http://${host}` })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'https://evil.test' })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'null' })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: `http://${host}.evil.test` })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: `http://127.0.0.1:${t.port + 1}` })).status).toBe(403);
  });

  it('allowedOrigins: exact origins and regular expressions', async () => {
    t = await createTestApp({ allowedOrigins: ['https://app.example.com', /^https:\/\/[a-z]+\.example\.org$/] });
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'https://app.example.com' })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'https://shop.example.org' })).status).toBe(101);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'http://app.example.com' })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: 'https://app.example.com.evil.test' })).status).toBe(403);
    expect((await handshakeStatus(`${t.ws}/ws`, { origin: `http://127.0.0.1:${t.port}` })).status).toBe(403);
  });
});

describe('security: allowed hosts (DNS rebinding)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    delete process.env.FP_WST_ALLOWED_HOSTS;
  });

  /** A handshake from this machine with the given Host (and the same-site Origin a browser would send), plus extra headers. */
  const from = (host: string, extra: Record<string, string> = {}, origin: string | null = `http://${host}`) =>
    handshakeStatus(`${(t as TestApp).ws}/ws`, { headers: { host, ...extra }, ...(origin === null ? {} : { origin }) });
  /** WebSockets the server ever accepted. */
  const acceptedConnections = async () =>
    ((await (await fetch(`${(t as TestApp).http}/ws/stats`)).json()) as { stats: { total_connections: number } }).stats.total_connections;

  it('default: a local browser that reached the server by a non-local name (the rebinding shape) gets 403 before any WebSocket exists', async () => {
    t = await createTestApp();
    const port = t.port;
    const rebound = await from(`attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).toBe('Host not allowed: a local browser reached this server by a non-local name');
    expect(await acceptedConnections()).toBe(0);
    expect((await from(`Attacker.Example.:${port}`)).status).toBe(403);
    // Local names and IP addresses, non-browser clients and proxied requests are not that shape.
    expect((await from(`localhost:${port}`)).status).toBe(101);
    expect((await from(`127.0.0.1:${port}`)).status).toBe(101);
    expect((await from(`192.0.2.10:${port}`)).status).toBe(101);
    expect((await from(`attacker.example:${port}`, {}, null)).status).toBe(101);
    expect((await from(`app.example.com:${port}`, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(101);
  });

  it('default with trustProxy: the loopback peer is the proxy, so any Host is accepted', async () => {
    t = await createTestApp({ trustProxy: 1 });
    expect((await from(`app.example.com:${t.port}`)).status).toBe(101);
  });

  it('allowedHosts: only listed names (and *.domain for names below it) are accepted, from any peer; loopback names stay open locally', async () => {
    t = await createTestApp({ allowedHosts: 'app.example.com, *.example.org' });
    const port = t.port;
    expect((await from(`app.example.com:${port}`)).status).toBe(101);
    expect((await from(`shop.example.org:${port}`)).status).toBe(101);
    expect((await from(`a.b.example.org:${port}`)).status).toBe(101);
    expect((await from(`localhost:${port}`)).status).toBe(101);
    const accepted = await acceptedConnections();
    for (const host of ['example.org', 'evilexample.org', 'app.example.com.evil.test', 'attacker.example']) {
      const refused = await from(`${host}:${port}`);
      expect(refused.status, host).toBe(403);
      expect(refused.body).toBe('Host not allowed: not in allowedHosts');
    }
    // Behind a proxy too: the Host is what the browser asked for.
    expect((await from(`attacker.example:${port}`, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(403);
    expect(await acceptedConnections()).toBe(accepted);
  });

  it('FP_WST_ALLOWED_HOSTS sets the list; a malformed one is refused at start-up, naming the variable', async () => {
    process.env.FP_WST_ALLOWED_HOSTS = '*.example.net';
    t = await createTestApp();
    expect((await from(`ws.example.net:${t.port}`)).status).toBe(101);
    expect((await from(`example.net:${t.port}`)).status).toBe(403);
    await t.close();
    t = undefined;
    process.env.FP_WST_ALLOWED_HOSTS = 'https://app.example.com';
    await expect(createTestApp()).rejects.toThrow(/FP_WST_ALLOWED_HOSTS/);
  });
});

describe('security: limits against abuse', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('caps topics per connection and refuses deep nesting; __proto__ never pollutes', async () => {
    t = await createTestApp({ maxTopicsPerClient: 2, maxJsonDepth: 32 }, { providers: [SecurityFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    for (const topic of ['a', 'b']) {
      c.send({ type: 'system.subscribe', content: { topic } });
      await c.next('system.subscribed');
    }
    c.send({ type: 'system.subscribe', content: { topic: 'c' } });
    expect((await c.next('system.error')).meta.code).toBe('too_many_topics');

    const deep = '['.repeat(40) + ']'.repeat(40);
    c.send(`{"type":"echo","content":${deep}}`);
    expect((await c.next('system.error')).meta.code).toBe('invalid_message');
    const ok = '['.repeat(30) + ']'.repeat(30);
    c.send(`{"type":"nobody","content":${ok}}`);
    expect((await c.next('system.error')).meta.code).toBe('unknown_type');

    c.send(
      '{"type":"merge","content":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"ok":1},"meta":{"id":"p"}}',
    );
    const merged = await c.next((m) => m.meta.id === 'p');
    expect(merged.content).toEqual({ keys: ['ok'], polluted: null, protoIsObject: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    c.close();
  });

  it('JSON-escaped spellings of __proto__, constructor and prototype are stripped at any depth: a naive deep merge pollutes nothing', async () => {
    t = await createTestApp({}, { providers: [SecurityFixture] });
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const spellings = ['\\u005f_proto__', '__pr\\u006fto__', '\\u005F\\u005Fproto\\u005F\\u005F', 'constr\\u0075ctor', 'prot\\u006ftype'];
    try {
      for (const [i, key] of spellings.entries()) {
        const payload = `{"${key}":{"polluted":"yes"},"constr\\u0075ctor":{"prot\\u006ftype":{"polluted":"yes"}},"ok":1}`;
        c.send(`{"type":"deep-merge","content":{"a":{"b":${payload}},"${key}":{"polluted":"yes"}},"meta":{"id":${i},"deep":${payload}}}`);
        const reply = await c.next((m) => m.meta.id === i);
        expect(reply.content).toEqual({ merged: { a: { b: { ok: 1 } }, meta: { id: i, deep: { ok: 1 } } }, polluted: null });
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    c.close();
  });

  it('drops a slowloris upgrade after handshakeTimeout with 408', async () => {
    t = await createTestApp({ handshakeTimeout: 1 });
    const { response, closedAfterMs } = await rawExchange(t.port, ['GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'], 5000);
    expect(response).toMatch(/^HTTP\/1.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('answers a bad WebSocket version with 426, a bad key with 400 and oversized headers with 431', async () => {
    t = await createTestApp();
    const upgrade = (extra: string) => `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;
    const version = await rawExchange(
      t.port,
      [upgrade('Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n')],
      2000,
    );
    expect(version.response).toMatch(/^HTTP\/1.1 426/);
    const badKey = await rawExchange(t.port, [upgrade('Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n')], 2000);
    expect(badKey.response).toMatch(/^HTTP\/1.1 400/);
    const huge = await rawExchange(t.port, [upgrade(`X-Big: ${'a'.repeat(64 * 1024)}\r\n`)], 2000);
    expect(huge.response).toMatch(/^HTTP\/1.1 431/);
  });
});

describe('security: topic authorization', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('canSubscribe decides who may listen to a topic; refusal is a forbidden error and nothing is subscribed', async () => {
    t = await createTestApp({
      canSubscribe: async (client, topic) => !topic.startsWith('private:') || topic === `private:${client.clientId}`,
    });
    const c = await WsTestClient.connect(`${t.ws}/ws/erin`);
    c.send({ type: 'system.subscribe', content: { topic: 'private:frank' }, meta: { id: 's1' } });
    expect((await c.next('system.error')).meta).toMatchObject({ code: 'forbidden', id: 's1' });
    c.send({ type: 'system.subscribe', content: { topic: 'private:erin' }, meta: { id: 's2' } });
    expect((await c.next('system.subscribed')).meta.id).toBe('s2');
    c.send({ type: 'system.subscribe', content: { topic: 'lobby' } });
    await c.next((m) => m.type === 'system.subscribed' && (m.content as { topic: string }).topic === 'lobby');
    expect(c.socket.readyState).toBe(1);
    c.close();
  });
});
