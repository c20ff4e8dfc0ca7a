import type { ChildProcess } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { statusWithHost } from './utils/status-with-host.js';
import { freePort } from './utils/free-port.js';
import { WsTestClient } from './utils/ws-test-client.js';
import { startSample } from './utils/sample-process.js';

/** A subscribe that asks for the topic's joins and leaves. */
const askingForEvents = (topic: string) => ({ type: 'system.subscribe', content: { topic, join_leave: true } });

describe('the sample app (built, as its own process)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves the page, echoes, chats in rooms, and drains on SIGTERM: 1001 for everyone, exit code 0', async () => {
    const port = await freePort();
    child = await startSample(port);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('WebSocketTool sample');

    const alice = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/alice`);
    const bob = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/bob`);
    expect((await alice.request({ type: 'echo', content: 'hi' })).content).toBe('hi');
    bob.send({ type: 'system.subscribe', content: { topic: 'room-1' } });
    await bob.next('system.subscribed');
    alice.send({ type: 'chat.message', content: { text: 'hello room' }, meta: { topic: 'room-1' } });
    expect((await bob.next('chat.message')).content).toMatchObject({ text: 'hello room', name: 'alice' });
    const bad = await alice.request({ type: 'chat.message', content: { text: 42 } });
    expect(bad.meta.code).toBe('validation_failed');

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await alice.closed).toEqual({ code: 1001, reason: 'shutdown' });
    expect(await bob.closed).toEqual({ code: 1001, reason: 'shutdown' });
    expect(await exited).toBe(0);
  }, 30_000);

  it('chat rooms have presence: room.members lists who is in, and members hear joins and leaves', async () => {
    const port = await freePort();
    child = await startSample(port);
    const ann = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/ann`);
    const ben = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/ben`);
    // The rooms' events are on request: ann and ben ask for them, the bot does not.
    const bot = await WsTestClient.connect(`ws://127.0.0.1:${port}/ws/bot`);
    expect((await bot.request({ type: 'system.subscribe', content: { topic: 'room:lobby' } })).type).toBe('system.subscribed');
    expect((await ann.request(askingForEvents('room:lobby'))).type).toBe('system.subscribed');
    expect((await ben.request(askingForEvents('room:lobby'))).type).toBe('system.subscribed');
    expect((await ann.next('system.presence.join')).content).toMatchObject({ topic: 'room:lobby', member: { clientId: 'ben' } });
    expect(bot.ofType('system.presence.join')).toEqual([]);
    bot.close();
    expect((await ben.next('system.presence.leave')).content).toMatchObject({ topic: 'room:lobby', member: { clientId: 'bot' } });
    const listed = await ben.request({ type: 'room.members', content: { topic: 'room:lobby' } });
    expect(listed.content).toMatchObject({ topic: 'room:lobby', stats: { clients: 2, users: 0 } });
    expect((listed.content as { clients: string[] }).clients.toSorted()).toEqual(['ann', 'ben']);
    ann.close();
    await ann.closed;
    expect((await ben.next('system.presence.leave')).content).toMatchObject({ topic: 'room:lobby', member: { clientId: 'ann' } });
    ben.close();
    await ben.closed;
  }, 30_000);

  // The sample reads apps/sample/.env; a developer's own file is set aside meanwhile and put back.
  const sampleEnvFile = fileURLToPath(new URL('../apps/sample/.env', import.meta.url));
  it('takes FP_WST_* settings from apps/sample/.env and names the file as their source', async () => {
    const ownFile = `${sampleEnvFile}.${process.pid}.bak`;
    const hadOwn = existsSync(sampleEnvFile);
    if (hadOwn) renameSync(sampleEnvFile, ownFile);
    writeFileSync(sampleEnvFile, 'FP_WST_MAX_CLIENT_ERRORS=3\n');
    try {
      const port = await freePort();
      child = await startSample(port);
      const res = await fetch(`http://127.0.0.1:${port}/info/config`);
      const { settings } = (await res.json()) as { settings: Array<{ option: string; value: unknown; source: string }> };
      expect(settings.find((s) => s.option === 'maxClientErrors')).toMatchObject({ value: 3, source: 'env-file' });
      expect(settings.find((s) => s.option === 'maxQueueSize')).toMatchObject({ value: 10000, source: 'default' });
    } finally {
      rmSync(sampleEnvFile, { force: true });
      if (hadOwn) renameSync(ownFile, sampleEnvFile);
    }
  }, 30_000);

  it('serves /metrics only as the admin API: local requests get it, a request through a proxy or by another name gets 403', async () => {
    const port = await freePort();
    child = await startSample(port);
    const local = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('fp_websocket_tool_active_connections');
    const proxied: Array<Record<string, string>> = [
      { 'x-forwarded-for': '203.0.113.9' },
      { via: '1.1 edge-proxy' },
      { 'x-real-ip': '203.0.113.9' },
    ];
    for (const headers of proxied) {
      const refused = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(await refused.text()).not.toContain('fp_websocket_tool_');
    }
    expect(await statusWithHost(`http://127.0.0.1:${port}/metrics`, 'metrics.example.com')).toBe(403);
  }, 30_000);

  it('with FP_WST_ADMIN_TOKEN, /metrics needs the token, from anywhere', async () => {
    const port = await freePort();
    const token = 'sample-metrics-token-0123456789';
    child = await startSample(port, { FP_WST_ADMIN_TOKEN: token });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    const scraped = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('fp_websocket_tool_connections_total');
  }, 30_000);
});
