import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Backplane, PresenceService, WsLifecycleEvent, type PresenceMember } from '@websocket-tool/nestjs';
import { NODE_DEFAULTS, startSampleApp, TestRedisServer, waitFor } from './fixtures/cluster.fixture.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

/** The lifecycle events the surviving nodes emitted, as `<event> <topic> [<client>]`. */
const seen: string[] = [];

@Injectable()
class Recorder {
  @OnEvent(WsLifecycleEvent.PresenceLeave)
  leave(p: { topic: string; member: PresenceMember }): void {
    seen.push(`leave ${p.topic} ${p.member.clientId}`);
  }

  @OnEvent(WsLifecycleEvent.PresenceJoin)
  join(p: { topic: string; member: PresenceMember }): void {
    seen.push(`join ${p.topic} ${p.member.clientId}`);
  }

  @OnEvent(WsLifecycleEvent.TopicOccupied)
  occupied(p: { topic: string }): void {
    seen.push(`occupied ${p.topic}`);
  }

  @OnEvent(WsLifecycleEvent.TopicVacated)
  vacated(p: { topic: string }): void {
    seen.push(`vacated ${p.topic}`);
  }
}

const count = (line: string): number => seen.filter((s) => s === line).length;

/** A survivor: the sample's room settings, cluster mode on the default prefix `wst` (as the sample app uses), lifecycle events on. */
async function survivor(url: string, nodeId: string): Promise<TestApp> {
  const app = await createTestApp(
    { ...NODE_DEFAULTS, topics: [{ pattern: 'room:*', presence: { events: true } }], cluster: { redis: { url }, nodeId } },
    { imports: [EventEmitterModule.forRoot()], providers: [Recorder] },
  );
  await waitFor(() => app.app.get(Backplane).connected, `${nodeId} to connect to Redis`);
  return app;
}

const join = async (base: string, id: string, topic: string): Promise<WsTestClient> => {
  const client = await WsTestClient.connect(`${base}/ws/${id}`);
  expect((await client.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
  return client;
};

describe('presence when an instance is killed (SIGKILL, a process of its own; real Redis)', () => {
  let child: ChildProcess | null = null;
  let server: TestRedisServer | null = null;
  const apps: TestApp[] = [];
  const clients: WsTestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(apps.splice(0).map((a) => a.close()));
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
    await server?.kill();
    server = null;
  });

  it('its members leave within 30 s (leave events delivered, once each) and never come back; its room is vacated once', async ({
    annotate,
  }) => {
    server = await TestRedisServer.start();
    // The sample app (rooms with presence and events): FP_WST_REDIS_URL alone, so the default prefix and 10 s TTL.
    const started = await startSampleApp({ FP_WST_REDIS_URL: server.url, FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW: '100000' });
    child = started.child;
    const killedBase = `ws://127.0.0.1:${started.port}`;
    const s1 = await survivor(server.url, 'survivor-1');
    const s2 = await survivor(server.url, 'survivor-2');
    apps.push(s1, s2);

    const watcher = await join(s1.ws, 'watcher', 'room:shared');
    clients.push(watcher);
    const doomed: string[] = [];
    for (let i = 0; i < 20; i++) {
      doomed.push(`k${i}`);
      clients.push(await join(killedBase, `k${i}`, 'room:shared'));
    }
    for (let i = 0; i < 5; i++) clients.push(await join(killedBase, `only${i}`, 'room:only-killed'));
    const presence = s2.app.get(PresenceService);
    await waitFor(async () => (await presence.presenceStats('room:shared'))?.clients === 21, 'the 21 members');
    await waitFor(() => watcher.ofType('system.presence.join').length === 20, 'the watcher to hear 20 joins');
    const inspector = new Redis(server.url);
    try {
      // The killed node holds the only subscribers of room:only-killed (it fired occupied there).
      expect(await inspector.scard('wst:occ:room:only-killed')).toBe(1);
    } finally {
      inspector.disconnect();
    }

    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;

    await waitFor(() => watcher.ofType('system.presence.leave').length === 20, 'the watcher to hear the 20 leaves', 30_000, 100);
    const gone = Date.now() - killedAt;
    expect(gone).toBeLessThan(30_000);
    await annotate(`the 20 leaves arrived ${gone} ms after the SIGKILL (presence TTL 10 s)`);
    const left = watcher.ofType('system.presence.leave').map((m) => (m.content as { member: PresenceMember }).member.clientId);
    expect(left.toSorted()).toEqual(doomed.toSorted());
    await waitFor(() => count('vacated room:only-killed') === 1, 'room:only-killed to be vacated', 30_000, 100);
    for (const id of doomed) expect(count(`leave room:shared ${id}`)).toBe(1);
    expect(await presence.presenceStats('room:shared')).toEqual({ clients: 1, users: 0 });
    expect(await presence.presenceStats('room:only-killed')).toEqual({ clients: 0, users: 0 });

    // Several more refreshes and sweeps of both survivors: nothing reappears, nothing fires twice.
    const until = Date.now() + 4000;
    while (Date.now() < until) {
      const members = (await s1.app.get(PresenceService).presence('room:shared')) ?? [];
      expect(members.map((m) => m.clientId)).toEqual(['watcher']);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(watcher.ofType('system.presence.leave')).toHaveLength(20);
    expect(watcher.ofType('system.presence.join')).toHaveLength(20);
    expect(count('vacated room:only-killed')).toBe(1);
    expect(count('vacated room:shared')).toBe(0);
    expect(seen.filter((s) => s.startsWith('leave room:shared ')).length).toBe(20);
    expect(seen.filter((s) => s.startsWith('leave room:only-killed ')).length).toBe(5);

    // The last member anywhere leaves: vacated once more, for room:shared, on one survivor.
    watcher.close();
    await watcher.closed;
    await waitFor(() => count('vacated room:shared') === 1, 'room:shared to be vacated');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count('vacated room:shared')).toBe(1);
    expect(count('occupied room:shared')).toBe(1);
  }, 90_000);
});
