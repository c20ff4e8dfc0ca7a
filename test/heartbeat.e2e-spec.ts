import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionRegistry, WsStatsService } from '@websocket-tool/nestjs';
import { SchedulerRegistry } from '@nestjs/schedule';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient, sleep } from './utils/ws-test-client.js';

describe('heartbeat', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('keeps clients that answer, closes silent ones with 4001 heartbeat_timeout within timeout + interval', async () => {
    t = await createTestApp({ heartbeatInterval: 0.5, heartbeatTimeout: 1 });
    const stats = t.app.get(WsStatsService);
    const registry = t.app.get(ConnectionRegistry);

    // Answers system.ping with system.pong (app level); its protocol pongs are off.
    const answering = await WsTestClient.connect(`${t.ws}/ws/answering`, { autoPong: false });
    answering.socket.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'system.ping') answering.send({ type: 'system.pong', content: 'pong', meta: { ping_id: m.meta.ping_id } });
    });
    // Answers only protocol pings, as browsers do.
    const browserLike = await WsTestClient.connect(`${t.ws}/ws/browser-like`);
    // Answers with the original's legacy "pong" type.
    const legacy = await WsTestClient.connect(`${t.ws}/ws/legacy`, { autoPong: false });
    legacy.socket.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'system.ping') legacy.send({ type: 'pong', content: 'pong', meta: { ping_id: m.meta.ping_id } });
    });
    // Never answers anything.
    const silentAt = Date.now();
    const silent = await WsTestClient.connect(`${t.ws}/ws/silent`, { autoPong: false });

    const ping = await answering.next('system.ping', 2000);
    expect(ping).toMatchObject({ content: 'ping', meta: { ping_id: expect.any(String), timestamp: expect.any(Number) } });

    const closed = await silent.closed;
    const elapsed = Date.now() - silentAt;
    expect(closed).toEqual({ code: 4001, reason: 'heartbeat_timeout' });
    expect(elapsed).toBeLessThan(1000 + 500 + 700);
    expect(stats.heartbeatTimeouts).toBe(1);
    expect(stats.disconnectionsByReason.heartbeat_timeout).toBe(1);

    // 5× the timeout later the answering clients are all still there.
    await sleep(5000);
    for (const id of ['answering', 'browser-like', 'legacy']) expect(registry.has(id), id).toBe(true);
    expect(registry.info('answering')?.lastPong).toBeGreaterThan(Date.now() - 1500);
    expect(registry.info('answering')?.healthScore).toBeGreaterThan(0);
    answering.close();
    browserLike.close();
    legacy.close();
  }, 20_000);

  it('answers system.ping with system.pong at once, with the ping id', async () => {
    t = await createTestApp();
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const pong = await c.request({ type: 'system.ping', meta: { ping_id: 'p-1' } }, 'rtt');
    expect(pong).toMatchObject({ type: 'system.pong', content: 'pong', meta: { ping_id: 'p-1', id: 'rtt' } });
    c.close();
  });

  it('enableHeartbeat=false sends nothing and closes nobody', async () => {
    t = await createTestApp({ enableHeartbeat: false, heartbeatInterval: 0.2, heartbeatTimeout: 0.4 });
    const c = await WsTestClient.connect(`${t.ws}/ws/quiet`, { autoPong: false });
    let protocolPings = 0;
    c.socket.on('ping', () => protocolPings++);
    await sleep(1200);
    expect(c.ofType('system.ping')).toHaveLength(0);
    expect(protocolPings).toBe(0);
    expect(t.app.get(ConnectionRegistry).has('quiet')).toBe(true);
    expect(t.app.get(SchedulerRegistry).getIntervals()).not.toContain('websocket-tool:heartbeat');
    c.close();
  });

  it('schedules at run time with the configured interval and leaves no timer after close', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    t = await createTestApp({ heartbeatInterval: 0.3, heartbeatTimeout: 10 });
    const scheduler = t.app.get(SchedulerRegistry);
    expect(scheduler.getIntervals()).toEqual(expect.arrayContaining(['websocket-tool:heartbeat', 'websocket-tool:supervisor']));
    const c = await WsTestClient.connect(`${t.ws}/ws`);
    const first = await c.next('system.ping', 2000);
    const second = await c.next('system.ping', 2000);
    const gap = Date.parse(second.timestamp) - Date.parse(first.timestamp);
    expect(gap).toBeGreaterThan(200);
    expect(gap).toBeLessThan(600);
    c.close();
    await t.close();
    t = undefined;
    await sleep(50);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
