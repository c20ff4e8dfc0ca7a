import { WebSocketToolClient } from '@websocket-tool/client';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

const SECRET = 'token-expiry-secret-of-32-bytes-or-more!!';
const INTERVAL_S = 0.5;

/** A token for `sub` that expires `inSeconds` from now (whole seconds, as JWTs count). */
const sign = (sub: string, inSeconds: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(Math.floor(Date.now() / 1000) + inSeconds)
    .sign(new TextEncoder().encode(SECRET));

describe('token expiry and refresh', () => {
  let t: TestApp | undefined;
  const clients: WsTestClient[] = [];
  const connect = async (sub: string, inSeconds: number): Promise<{ client: WsTestClient; exp: number }> => {
    const token = await sign(sub, inSeconds);
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    const client = await WsTestClient.connect(`${t!.ws}/ws`, { headers: { authorization: `Bearer ${token}` } });
    clients.push(client);
    return { client, exp };
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await t?.close();
    t = undefined;
  });

  const start = async () => {
    // The JWT check tolerates no skew here, so a token is refused as soon as it expires.
    t = await createTestApp({
      jwt: { secret: SECRET, clockTolerance: 0 },
      heartbeatInterval: INTERVAL_S,
      heartbeatTimeout: 30,
      tokenExpiryNotice: 2,
      enableMetrics: false,
    });
  };

  it('an expiring connection is told ahead of time; unrefreshed, it is closed with 4004 token_expired within one heartbeat interval of exp', async () => {
    await start();
    const { client, exp } = await connect('alice', 3);
    const notice = await client.next('system.token_expiring', 5000);
    expect(notice.content).toEqual({ expires_at: exp });
    expect(Date.now()).toBeLessThan(exp * 1000);
    const closed = await client.closed;
    const late = Date.now() - exp * 1000;
    expect(closed).toEqual({ code: 4004, reason: 'token_expired' });
    expect(late).toBeGreaterThanOrEqual(0);
    // One interval, plus the time a timer may fire late on a busy machine.
    expect(late).toBeLessThanOrEqual(INTERVAL_S * 1000 + 250);
    expect(client.ofType('system.token_expiring')).toHaveLength(1);
  });

  it('a refresh with a new token of the same user keeps the connection open past the old exp', async () => {
    await start();
    const { client, exp } = await connect('bob', 3);
    await client.next('system.token_expiring', 5000);
    const fresh = await sign('bob', 60);
    const answer = await client.request({ type: 'system.refresh', content: { token: fresh } });
    expect(answer.type).toBe('system.refreshed');
    expect((answer.content as { expires_at: number }).expires_at).toBeGreaterThan(exp + 50);
    // Past the old expiry and two more checks: still open and answering.
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + INTERVAL_S * 2000));
    expect((await client.request({ type: 'system.ping' })).type).toBe('system.pong');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it("a refresh with another user's token, or an invalid one, is refused; the connection still closes at its exp", async () => {
    await start();
    const { client } = await connect('carol', 3);
    const other = await client.request({ type: 'system.refresh', content: { token: await sign('mallory', 60) } });
    expect(other).toMatchObject({ type: 'system.error', meta: { code: 'refresh_refused' } });
    expect(other.content).toMatch(/another user/);
    const forged = await client.request({ type: 'system.refresh', content: { token: 'not-a-token' } });
    expect(forged).toMatchObject({ type: 'system.error', meta: { code: 'refresh_refused' } });
    expect(await client.closed).toEqual({ code: 4004, reason: 'token_expired' });
  });

  it('the client SDK with getToken refreshes by itself: one connection stays open past several expiries', async () => {
    await start();
    let issued = 0;
    const client = new WebSocketToolClient(`${t!.ws}/ws`, {
      getToken: () => {
        issued++;
        return sign('dana', 3);
      },
    });
    const expiring: number[] = [];
    client.on('system.token_expiring', () => {
      expiring.push(Date.now());
    });
    try {
      await client.whenOpen(5000);
      // Three-second tokens, told two seconds ahead: about four refreshes in eight seconds, never a close.
      await new Promise((resolve) => setTimeout(resolve, 8000));
      expect(client.state).toBe('open');
      expect(client.stats().connects).toBe(1);
      expect(expiring.length).toBeGreaterThanOrEqual(2);
      expect(issued).toBe(1 + expiring.length);
    } finally {
      await client.close();
    }
  }, 20_000);

  it('without authentication a refresh is refused; connections without exp are never closed for it', async () => {
    t = await createTestApp({ heartbeatInterval: INTERVAL_S, enableMetrics: false });
    const client = await WsTestClient.connect(`${t.ws}/ws`);
    clients.push(client);
    const answer = await client.request({ type: 'system.refresh', content: { token: 'x.y.z' } });
    expect(answer).toMatchObject({ type: 'system.error', meta: { code: 'refresh_refused' } });
  });
});
