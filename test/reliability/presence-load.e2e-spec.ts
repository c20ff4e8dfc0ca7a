import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceService, type WsIdentity } from '@websocket-tool/nestjs';
import { deleteKeys, SHARED_REDIS_URL, startCluster, uniquePrefix, type ClusterNode } from '../fixtures/cluster.fixture.js';
import { requireRedis } from '../utils/cluster-seams.js';
import { WsTestClient } from '../utils/ws-test-client.js';

const CLIENTS = 3000;
/** Three connections per user, each on another instance. */
const USERS = 1000;
const ROOMS = 10;
/** 1,000 joins and leaves a minute across the instances, for this long. */
const CHANGES_PER_MINUTE = 1000;
const DURATION_MS = 24_000;
/** Every check must see the ground truth within this. */
const CONSISTENT_WITHIN_MS = 2000;

const authenticate = (request: IncomingMessage): WsIdentity => ({
  userId: new URL(request.url ?? '/', 'http://x').searchParams.get('user') ?? undefined,
});

const room = (i: number): string => `room:${i}`;

interface Member {
  client: WsTestClient;
  user: string;
  /** The room it is in now, or null. */
  room: string | null;
}

async function subscribe(member: Member, topic: string): Promise<void> {
  expect((await member.client.request({ type: 'system.subscribe', content: { topic } })).type).toBe('system.subscribed');
  member.room = topic;
}

async function unsubscribe(member: Member): Promise<void> {
  const topic = member.room as string;
  expect((await member.client.request({ type: 'system.unsubscribe', content: { topic } })).type).toBe('system.unsubscribed');
  member.room = null;
}

/** What each room should hold now: its members' client ids and distinct users. */
function truth(members: readonly Member[]): Map<string, { clients: Set<string>; users: Set<string> }> {
  const rooms = new Map<string, { clients: Set<string>; users: Set<string> }>();
  for (let i = 0; i < ROOMS; i++) rooms.set(room(i), { clients: new Set(), users: new Set() });
  for (const m of members) {
    if (m.room === null) continue;
    const entry = rooms.get(m.room)!;
    entry.clients.add(m.client.messages[0].meta.client_id as string);
    entry.users.add(m.user);
  }
  return rooms;
}

describe('presence under load: three instances, 3,000 clients, 1,000 joins and leaves a minute (real Redis)', () => {
  const prefix = uniquePrefix('presence-load');
  let nodes: ClusterNode[] = [];
  const members: Member[] = [];

  beforeAll(async () => {
    await requireRedis();
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, {
      authenticate,
      maxConnectionsPerIp: 0,
      topics: [{ pattern: 'room:*', presence: { events: false } }],
    });
    for (let batch = 0; batch < CLIENTS; batch += 200) {
      const made = await Promise.all(
        Array.from({ length: Math.min(200, CLIENTS - batch) }, async (_, k) => {
          const i = batch + k;
          const user = `u${i % USERS}`;
          const client = await WsTestClient.connect(`${nodes[i % 3].ws}/ws?user=${user}`);
          return { client, user, room: null } as Member;
        }),
      );
      members.push(...made);
    }
    for (let batch = 0; batch < CLIENTS; batch += 300) {
      await Promise.all(members.slice(batch, batch + 300).map((m, k) => subscribe(m, room((batch + k) % ROOMS))));
    }
  }, 180_000);

  afterAll(async () => {
    for (const m of members) m.client.close();
    await Promise.all(members.map((m) => m.client.closed));
    await Promise.all(nodes.map((n) => n.close()));
    await deleteKeys(SHARED_REDIS_URL, prefix);
  }, 60_000);

  it('presence and presenceStats equal the ground truth within 2 s at every check', async ({ annotate }) => {
    const presenceOf = nodes.map((n) => n.app.get(PresenceService));
    const lags: number[] = [];
    const statsTimes: number[] = [];
    let changes = 0;
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const started = Date.now();
    let check = 0;
    while (Date.now() - started < DURATION_MS) {
      // Two seconds of joins and leaves at the rate, spread over the instances (member i is on instance i % 3).
      const windowEnd = Date.now() + 2000;
      // A little above the rate while changing, so the whole run (checks included) keeps it.
      const perWindow = Math.round((CHANGES_PER_MINUTE / 60) * 2 * 1.1);
      const pending: Array<Promise<void>> = [];
      for (let n = 0; n < perWindow; n++) {
        const member = members[random(CLIENTS)];
        pending.push(member.room === null ? subscribe(member, room(random(ROOMS))) : unsubscribe(member));
        changes++;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, (windowEnd - Date.now()) / (perWindow - n))));
      }
      await Promise.all(pending);
      // The check: every room, read from a different instance each time, until it matches (at most 2 s).
      const expected = truth(members);
      const from = presenceOf[check++ % 3];
      const checkStart = Date.now();
      for (const [topic, want] of expected) {
        for (;;) {
          const t0 = performance.now();
          const stats = await from.presenceStats(topic);
          statsTimes.push(performance.now() - t0);
          const list = (await from.presence(topic)) ?? [];
          const ids = new Set(list.map((m) => m.clientId));
          const same =
            stats?.clients === want.clients.size &&
            stats.users === want.users.size &&
            ids.size === want.clients.size &&
            [...want.clients].every((id) => ids.has(id)) &&
            new Set(list.map((m) => m.userId)).size === want.users.size;
          if (same) break;
          expect(Date.now() - checkStart, `${topic} still differs from the truth`).toBeLessThan(CONSISTENT_WITHIN_MS);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      lags.push(Date.now() - checkStart);
    }
    const perMinute = (changes / (Date.now() - started)) * 60_000;
    statsTimes.sort((a, b) => a - b);
    const p99 = statsTimes[Math.floor(statsTimes.length * 0.99)];
    await annotate(
      `presence load: ${changes} joins/leaves (${Math.round(perMinute)}/min), ${lags.length} checks, ` +
        `longest check ${Math.max(...lags)} ms, presenceStats p99 ${p99.toFixed(2)} ms over ${statsTimes.length} reads`,
    );
    expect(lags.length).toBeGreaterThanOrEqual(8);
    expect(perMinute).toBeGreaterThanOrEqual(CHANGES_PER_MINUTE);
  }, 120_000);
});
