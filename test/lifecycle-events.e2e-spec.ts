import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WsLifecycleEvent, type WsIdentity } from '@websocket-tool/nestjs';
import { deleteKeys, NODE_DEFAULTS, SHARED_REDIS_URL, uniquePrefix, waitFor } from './fixtures/cluster.fixture.js';
import { requireRedis } from './utils/cluster-seams.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { WsTestClient } from './utils/ws-test-client.js';

/** Every lifecycle event any app of this file emitted, as `<event> <topic or client>`. */
const seen: string[] = [];

@Injectable()
class Recorder {
  @OnEvent(WsLifecycleEvent.Connected)
  connected(p: { clientId: string; userId: string | null }): void {
    seen.push(`connected ${p.userId}`);
  }

  @OnEvent(WsLifecycleEvent.Disconnected)
  disconnected(p: { userId: string | null; reason: string }): void {
    seen.push(`disconnected ${p.userId} ${p.reason}`);
  }

  @OnEvent(WsLifecycleEvent.Subscribed)
  subscribed(p: { userId: string | null; topic: string }): void {
    seen.push(`subscribed ${p.userId} ${p.topic}`);
  }

  @OnEvent(WsLifecycleEvent.Unsubscribed)
  unsubscribed(p: { userId: string | null; topic: string }): void {
    seen.push(`unsubscribed ${p.userId} ${p.topic}`);
  }

  @OnEvent(WsLifecycleEvent.PresenceJoin)
  join(p: { topic: string; member: { userId: string | null } }): void {
    seen.push(`join ${p.member.userId} ${p.topic}`);
  }

  @OnEvent(WsLifecycleEvent.PresenceLeave)
  leave(p: { topic: string; member: { userId: string | null } }): void {
    seen.push(`leave ${p.member.userId} ${p.topic}`);
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

const authenticate = (request: IncomingMessage): WsIdentity => ({
  userId: new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? undefined,
});
const OPTIONS = { authenticate, topics: [{ pattern: 'room:*', presence: { events: true } }] };
const METADATA = { imports: [EventEmitterModule.forRoot()], providers: [Recorder] };

const join = async (ws: string, user: string, topic: string): Promise<WsTestClient> => {
  const client = await WsTestClient.connect(`${ws}/ws?user=${user}`);
  expect((await client.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
  return client;
};
const count = (line: string): number => seen.filter((s) => s === line).length;

describe('lifecycle events through @nestjs/event-emitter (one node)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...OPTIONS, enableMetrics: false }, METADATA);
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(async () => {
    await t.close();
  });

  it('connected, subscribed, presence join, occupied once; then unsubscribed, leave, vacated once, disconnected', async () => {
    const ann = await join(t.ws, 'ann', 'room:1');
    const ben = await join(t.ws, 'ben', 'room:1');
    expect(seen).toEqual([
      'connected ann',
      'subscribed ann room:1',
      'occupied room:1',
      'join ann room:1',
      'connected ben',
      'subscribed ben room:1',
      'join ben room:1',
    ]);
    seen.length = 0;
    ann.close();
    await ann.closed;
    await waitFor(() => seen.includes('disconnected ann client'), 'ann to be gone');
    ben.close();
    await ben.closed;
    await waitFor(() => seen.includes('disconnected ben client'), 'ben to be gone');
    expect(seen).toEqual([
      'unsubscribed ann room:1',
      'leave ann room:1',
      'disconnected ann client',
      'unsubscribed ben room:1',
      'vacated room:1',
      'leave ben room:1',
      'disconnected ben client',
    ]);
  });
});

describe('lifecycle events in cluster mode: each once per cluster', () => {
  const prefix = uniquePrefix('lifecycle');
  const nodes: TestApp[] = [];
  beforeAll(async () => {
    await requireRedis();
    for (let i = 1; i <= 3; i++) {
      nodes.push(
        await createTestApp(
          { ...NODE_DEFAULTS, ...OPTIONS, cluster: { redis: { url: SHARED_REDIS_URL }, nodeId: `${prefix}-n${i}`, keyPrefix: prefix } },
          METADATA,
        ),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('occupied once when the first subscriber anywhere arrives, vacated once when the last one anywhere leaves', async () => {
    seen.length = 0;
    const clients = [
      await join(nodes[0].ws, 'u1', 'room:c'),
      await join(nodes[1].ws, 'u2', 'room:c'),
      await join(nodes[2].ws, 'u3', 'room:c'),
    ];
    await waitFor(() => count('join u3 room:c') === 1, 'the third join');
    clients[0].close();
    clients[1].close();
    await Promise.all([clients[0].closed, clients[1].closed]);
    await waitFor(() => count('leave u2 room:c') === 1 && count('leave u1 room:c') === 1, 'two leaves');
    expect(count('vacated room:c')).toBe(0);
    clients[2].close();
    await clients[2].closed;
    await waitFor(() => count('vacated room:c') === 1, 'the topic to be vacated');
    // A little longer: nothing fires twice.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(count('occupied room:c')).toBe(1);
    expect(count('vacated room:c')).toBe(1);
    for (const user of ['u1', 'u2', 'u3']) {
      expect(count(`join ${user} room:c`)).toBe(1);
      expect(count(`leave ${user} room:c`)).toBe(1);
      expect(count(`connected ${user}`)).toBe(1);
    }
  });
});
