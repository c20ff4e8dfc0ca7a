import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../utils/create-test-app.js';
import { waitFor } from './support/wait-for.js';

/** Default `handshakeTimeout` (10 s), the bound every request's headers must meet; plus the 2 s the guard may take to notice. */
const BOUND_MS = 12_000;
/** One header line every 3 s: far below Node's per-request header timeout, and enough to keep its keep-alive timer from firing. */
const TRICKLE_GAP_MS = 3000;
/** How long a client waits at most; past this the server held it (the test fails instead of hanging). */
const LIMIT_MS = 20_000;

interface KeepAliveTrickle {
  /** Status of the first, quick request; 0 if the server answered nothing (refused at connect). */
  firstStatus: number;
  /** Status the server sent after the first response (408 expected), 0 if none. */
  secondStatus: number;
  /** Milliseconds from the second request's first byte to the socket closing (or the limit). */
  heldMs: number;
  closedByServer: boolean;
}

const statusOf = (text: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);

/**
 * One quick request on a kept-alive connection, then a second request whose
 * header lines trickle in every 3 s and never end (or, without
 * `trickleAfter`, only the quick request).
 */
function keepAliveTrickle(port: number, trickleAfter = true): Promise<KeepAliveTrickle> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    let first = '';
    let secondStartedAt = 0;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const done = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      socket.destroy();
      resolve({
        firstStatus: statusOf(first || buffer),
        secondStatus: first ? statusOf(buffer) : 0,
        heldMs: secondStartedAt ? Date.now() - secondStartedAt : 0,
        closedByServer,
      });
    };
    const trickle = (line: number) => {
      if (socket.destroyed) return;
      socket.write(line === 0 ? 'GET /info/health HTTP/1.1\r\nHost: 127.0.0.1\r\n' : `X-Slow-${line}: 1\r\n`);
      timers.push(setTimeout(() => trickle(line + 1), TRICKLE_GAP_MS));
    };
    socket.on('data', (d) => {
      buffer += d.toString('latin1');
      if (first) return;
      const end = buffer.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(buffer);
      if (end < 0 || !length || buffer.length < end + 4 + Number(length[1])) return;
      first = buffer.slice(0, end + 4 + Number(length[1]));
      buffer = buffer.slice(first.length);
      secondStartedAt = Date.now();
      if (trickleAfter) trickle(0);
      else done(false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => done(true));
    socket.on('connect', () => socket.write('GET /info/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n'));
    timers.push(setTimeout(() => done(false), LIMIT_MS));
  });
}

describe('slowloris through keep-alive (default settings)', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a second request trickled on a kept-alive connection gets 408 and is closed within handshakeTimeout', async () => {
    t = await createTestApp();
    const result = await keepAliveTrickle(t.port);
    expect(result.firstStatus).toBe(200);
    expect(result.closedByServer, `held ${result.heldMs} ms`).toBe(true);
    expect(result.secondStatus).toBe(408);
    expect(result.heldMs).toBeGreaterThanOrEqual(9_000);
    expect(result.heldMs).toBeLessThan(BOUND_MS);
  });

  it('1,000 of them from one address: the ones over the per-address cap are refused at once, the rest closed within the same bound', async () => {
    t = await createTestApp();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 1000 }, () => keepAliveTrickle((t as TestApp).port)));
    const refused = results.filter((r) => r.firstStatus !== 200);
    const served = results.filter((r) => r.firstStatus === 200);
    expect(results.every((r) => r.closedByServer)).toBe(true);
    expect(served.length).toBeLessThanOrEqual(256);
    expect(refused.length).toBeGreaterThanOrEqual(744);
    for (const r of refused) expect([0, 503]).toContain(r.firstStatus);
    for (const r of served) {
      expect(r.secondStatus).toBe(408);
      expect(r.heldMs).toBeLessThan(BOUND_MS);
    }
    expect(Date.now() - started).toBeLessThan(BOUND_MS + 3000);
    // Once the server has seen them close, the address is served again.
    const port = t.port;
    await waitFor(
      async () => (await keepAliveTrickle(port, false)).firstStatus === 200,
      'a new connection from the address is served',
      2000,
      50,
    );
  });
});
