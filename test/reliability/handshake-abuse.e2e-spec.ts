import { describe, expect, it } from 'vitest';
import { ABUSE_SERVER_ENV, expectProbeServed, useAbuseTarget, type AbuseTarget } from './support/abuse-server.js';
import { forwardedFor } from './support/forwarded-for.js';
import { rawHttp } from './support/raw-websocket.js';
import { mib, retainedBytes } from './support/server-process.js';

const MiB = 1024 * 1024;
const HANDSHAKE_TIMEOUT_MS = Number(ABUSE_SERVER_ENV.FP_WST_HANDSHAKE_TIMEOUT) * 1000;
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** An upgrade request with the given path and extra header lines. */
function upgrade(path: string, extra: Record<string, string> = {}, method = 'GET'): string {
  const headers: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...forwardedFor(),
    ...extra,
  };
  const lines = Object.entries(headers)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

describe('handshake abuse (the server in its own process)', { retry: 2 }, () => {
  let target: AbuseTarget;
  const sample = () => target.probe.excluding(() => target.server.sample());

  useAbuseTarget((started) => (target = started));

  it('slowloris: 60 upgrades and plain requests trickling their headers each get 408 and are closed within 2× handshakeTimeout', async () => {
    const { server, probe } = target;
    const before = await sample();
    const mark = probe.mark();
    const request = upgrade('/ws').split('\r\n');
    const trickled = Array.from({ length: 40 }, () =>
      // One header line every 300 ms: the request never completes within the timeout.
      rawHttp(
        server.port,
        request.map((line) => line + '\r\n'),
        4 * HANDSHAKE_TIMEOUT_MS,
        300,
      ),
    );
    const plain = Array.from({ length: 10 }, () =>
      rawHttp(server.port, ['GET /ws/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n'], 4 * HANDSHAKE_TIMEOUT_MS),
    );
    const silent = Array.from({ length: 10 }, () => rawHttp(server.port, [], 4 * HANDSHAKE_TIMEOUT_MS));
    const midway = await sample();
    const results = await Promise.all([...trickled, ...plain, ...silent]);
    for (const r of results) {
      expect(r.closedByServer).toBe(true);
      expect(r.status).toBe(408);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS - 50);
      expect(r.elapsedMs).toBeLessThan(2 * HANDSHAKE_TIMEOUT_MS);
    }
    const growth = retainedBytes(midway) - retainedBytes(before);
    expect(growth, `memory for 60 slow handshakes: ${mib(growth)} MiB`).toBeLessThan(5 * MiB);
    await expectProbeServed(probe, mark);
  });

  it('a handshake flood from one address: the burst (10/min × 2) passes, every other upgrade gets 429 with Retry-After', async () => {
    const { server, probe } = target;
    const mark = probe.mark();
    const before = (await server.stats()) as Record<string, number>;
    const sameAddress = forwardedFor();
    const results = [];
    for (let wave = 0; wave < 5; wave++) {
      const requests = Array.from({ length: 40 }, () => rawHttp(server.port, [upgrade('/ws', sameAddress)], 1000));
      results.push(...(await Promise.all(requests)));
    }
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 101)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(180);
    for (const r of results.filter((x) => x.status === 429)) {
      expect(r.response).toMatch(/\r\nRetry-After: \d+\r\n/i);
      expect(r.closedByServer).toBe(true);
      expect(r.elapsedMs).toBeLessThan(1000);
    }
    const after = (await server.stats()) as Record<string, number>;
    expect(after.rate_limited_connections - before.rate_limited_connections).toBe(180);
    // Another address is not affected.
    expect((await rawHttp(server.port, [upgrade('/ws')], 1000)).status).toBe(101);
    await expectProbeServed(probe, mark);
  });

  it.each([
    { name: 'a 64 KiB header', request: () => upgrade('/ws', { 'X-Big': 'a'.repeat(64 * 1024) }), status: 431 },
    {
      name: '300 headers of 100 bytes',
      request: () => upgrade('/ws', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`X-H${i}`, 'b'.repeat(100)]))),
      status: 431,
    },
    { name: 'a Sec-WebSocket-Key that is too short', request: () => upgrade('/ws', { 'Sec-WebSocket-Key': 'short' }), status: 400 },
    { name: 'a Sec-WebSocket-Key that is not base64', request: () => upgrade('/ws', { 'Sec-WebSocket-Key': '!'.repeat(24) }), status: 400 },
    { name: 'no Sec-WebSocket-Key', request: () => upgrade('/ws', { 'Sec-WebSocket-Key': '' }), status: 400 },
    { name: 'WebSocket version 7', request: () => upgrade('/ws', { 'Sec-WebSocket-Version': '7' }), status: 426 },
    { name: 'an Upgrade that is not websocket', request: () => upgrade('/ws', { Upgrade: 'h2c' }), status: 400 },
    { name: 'a POST upgrade', request: () => upgrade('/ws', {}, 'POST'), status: 405 },
    { name: 'an unknown path', request: () => upgrade('/nope'), status: 404 },
    { name: 'a path below another one', request: () => upgrade('/wsx'), status: 404 },
    { name: 'a client id with a slash', request: () => upgrade('/ws/a/b'), status: 400 },
    { name: 'a client id that is bad percent-encoding', request: () => upgrade('/ws/%E0%A4%A'), status: 400 },
    { name: 'a client id of 129 characters', request: () => upgrade('/ws/' + 'c'.repeat(129)), status: 400 },
  ])('answers $name with $status at once and closes the socket', async ({ request, status }) => {
    const result = await rawHttp(target.server.port, [request()], 2000);
    expect(result.status).toBe(status);
    expect(result.closedByServer).toBe(true);
    expect(result.elapsedMs).toBeLessThan(1000);
  });
});
