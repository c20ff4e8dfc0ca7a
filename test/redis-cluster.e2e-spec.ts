import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { PresenceService, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { adminJson, redisServerInstalled, startNode, uniquePrefix, waitFor, type ClusterNode } from './fixtures/cluster.fixture.js';
import { TestRedisCluster } from './utils/redis-cluster-server.js';
import { WebSocketToolClient, type WsMessage } from '@websocket-tool/client';
import { feed, isResubscribeNotice, positionOf, resubscribeOnNotice, subscribeTo, type Position } from './utils/topic-pump.js';
import { sleep, WsTestClient, type Envelope } from './utils/ws-test-client.js';
import { RedisKeys } from '../libs/websocket-tool/src/cluster/redis/redis-keys.js';
import { keySlot } from '../libs/websocket-tool/src/cluster/redis/key-slot.js';

const OPTIONS: WebSocketToolModuleOptions = {
  topics: [
    { pattern: 'feed:*', history: { size: 1000, ttlSeconds: 300 } },
    { pattern: 'room:*', presence: { events: true } },
  ],
};

type ShardRow = {
  master: string;
  slots: Array<[number, number]>;
  reachable: boolean;
  role: string;
  replicas: Array<{ address: string; reachable: boolean }>;
};
type Stats = {
  cluster: { nodes: Array<{ node_id: string; backplane: { state: string; redis_cluster?: { shards: ShardRow[] } } }> };
};

/** Topics that fall in different buckets, so the messages cross several shards. */
const spread = (keys: RedisKeys, base: string, count: number): string[] => {
  const seen = new Map<number, string>();
  for (let i = 0; seen.size < count; i++) {
    const topic = `${base}${i}`;
    if (!seen.has(keys.bucketOf(topic))) seen.set(keys.bucketOf(topic), topic);
  }
  return [...seen.values()];
};

/**
 * Three instances on a Redis Cluster of three masters and three replicas
 * that the test starts itself on spare ports: sharded pub/sub, hash-tagged
 * keys, and a master killed while a topic with history is being published.
 */
describe('cluster mode on a Redis Cluster (3 masters, 3 replicas)', () => {
  const prefix = uniquePrefix('rcluster');
  const keys = new RedisKeys(prefix, true);
  let redis: TestRedisCluster | null = null;
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];

  const connect = async (node: ClusterNode, path = '/ws'): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}${path}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    if (!redisServerInstalled()) throw new Error('redis-server is not installed: the Redis Cluster tests need it (and redis-cli).');
    redis = await TestRedisCluster.start(3, 1);
    for (let i = 1; i <= 3; i++) nodes.push(await startNode(redis.url, `${prefix}-n${i}`, prefix, OPTIONS));
  }, 60_000);

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.splice(0).map((c) => c.closed));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    await redis?.stop();
  });

  it('broadcast, a message to one client, topics over several shards and presence: each delivered exactly once', async () => {
    const [c1, c2] = [await connect(nodes[0]), await connect(nodes[1])];
    const target = await connect(nodes[2], '/ws/target-1');
    const all = [c1, c2, target];
    const topics = spread(keys, 'feed:spread-', 6);
    for (const client of all) for (const topic of topics) await subscribeTo(client, topic);

    nodes[0].broadcast.broadcast({ type: 'hello', content: 1 });
    await waitFor(() => nodes[1].backplane.locate('target-1') === `${prefix}-n3`, 'node 2 to locate the named client');
    expect(nodes[1].broadcast.sendToClient('target-1', { type: 'dm', content: 'just you' }).ok).toBe(true);
    topics.forEach((topic, i) => expect(nodes[i % 3].broadcast.publish(topic, { type: 'feed', content: i }).ok).toBe(true));

    for (const client of all) {
      await client.next('hello', 10_000);
      await waitFor(() => topics.every((topic) => feed(client, topic).length === 1), 'every topic message', 10_000);
    }
    await target.next('dm', 10_000);
    await sleep(300); // a duplicate would have arrived by now
    for (const client of all) {
      expect(client.ofType('hello')).toHaveLength(1);
      expect(topics.map((topic) => feed(client, topic).length)).toEqual(topics.map(() => 1));
    }
    expect(target.ofType('dm')).toHaveLength(1);
    expect(c1.ofType('dm')).toHaveLength(0);

    // Presence: one member per node, counted alike everywhere, one join heard per watcher.
    const watcher = await connect(nodes[0]);
    await subscribeTo(watcher, 'room:shards');
    for (const node of nodes) await subscribeTo(await connect(node), 'room:shards');
    for (const node of nodes) {
      await waitFor(async () => (await node.app.get(PresenceService).presenceStats('room:shards'))?.clients === 4, 'presence of 4');
    }
    await waitFor(() => watcher.ofType('system.presence.join').length >= 3, 'the three joins');
    await sleep(300);
    expect(watcher.ofType('system.presence.join')).toHaveLength(3);
  }, 30_000);

  it('keeps every key under a hash tag, and spreads the topics over the three shards', async () => {
    const seeds = (redis as TestRedisCluster).ports.map((port) => ({ host: '127.0.0.1', port }));
    const inspector = new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 1 } });
    try {
      await waitFor(() => inspector.status === 'ready', 'the inspector to connect');
      const found: string[] = [];
      for (const master of inspector.nodes('master')) {
        let cursor = '0';
        do {
          const [next, batch] = await master.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
          found.push(...batch);
          cursor = next;
        } while (cursor !== '0');
      }
      expect(found.length).toBeGreaterThan(0);
      for (const key of found) expect(key).toMatch(new RegExp(`^\\{${prefix}(:b\\d+|:node:[^}]+)?\\}:`));
      const masters = new Set(
        await Promise.all(spread(keys, 'feed:spread-', 6).map((t) => (redis as TestRedisCluster).masterOf(keySlot(keys.topicChannel(t))))),
      );
      expect(masters.size).toBe(3);
    } finally {
      inspector.disconnect();
    }
    // Every master and replica reachable, as the probe every 2 s found them.
    const shardRows = async (): Promise<ShardRow[]> =>
      (await adminJson<Stats>(nodes[0].http, '/ws/stats')).body.cluster.nodes[0].backplane.redis_cluster?.shards ?? [];
    await waitFor(async () => {
      const shards = await shardRows();
      return shards.length === 3 && shards.every((s) => s.reachable && s.replicas.length === 1 && s.replicas[0].reachable);
    }, 'every shard to show a reachable master and replica');
    expect((await shardRows()).map((s) => s.role)).toEqual(['master', 'master', 'master']);

    // The topic list names the shard of each topic.
    const topic = 'feed:spread-0';
    await subscribeTo(await connect(nodes[1]), topic);
    const slot = keySlot(keys.topicChannel(topic));
    const master = await (redis as TestRedisCluster).masterOf(slot);
    const listed = await adminJson<{ topics: Array<{ topic: string; shard?: { bucket: number; slot: number; master: string } }> }>(
      nodes[2].http,
      '/ws/topics',
    );
    expect(listed.body.topics.find((row) => row.topic === topic)?.shard).toEqual({
      bucket: keys.bucketOf(topic),
      slot,
      master: `127.0.0.1:${master}`,
    });
  });

  it('recovers across a reconnect to another instance: exactly what was missed', async () => {
    const topic = 'feed:reconnect';
    const first = await connect(nodes[0]);
    await subscribeTo(first, topic);
    for (let i = 1; i <= 20; i++) nodes[i % 3].broadcast.publish(topic, { type: 'feed', content: i });
    await waitFor(() => feed(first, topic).length === 20, 'the first 20');
    const since = positionOf(feed(first, topic)[19]);
    first.close();
    await first.closed;
    for (let i = 21; i <= 40; i++) nodes[i % 3].broadcast.publish(topic, { type: 'feed', content: i });
    const back = await connect(nodes[2]);
    await sleep(200);
    const answer = await subscribeTo(back, topic, since);
    expect(answer.content).toMatchObject({ recovered: true });
    await waitFor(() => feed(back, topic).length >= 20, 'the 20 missed');
    await sleep(200);
    // Redis gave the offsets in the order the three instances' publishes reached it: exactly the 20 missed, once each.
    const missed = feed(back, topic);
    expect(missed.map((m) => m.meta.offset)).toEqual(Array.from({ length: 20 }, (_, i) => since.offset + 1 + i));
    expect(missed.map((m) => m.content as number).toSorted((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 21 + i));
  });

  it('a master killed: its replica takes over, the instances follow by themselves, and a resubscriber recovers exactly or is told recovered: false', async () => {
    const server = redis as TestRedisCluster;
    const topic = 'feed:failover';
    const victim = await server.masterOf(keySlot(keys.topicChannel(topic)));
    const live = await connect(nodes[1]);
    await subscribeTo(live, topic);
    // A topic of the same shard that gets nothing during the failover: the instance reads its position when its link
    // is back, finds it unchanged and tells nobody.
    let suffix = 0;
    while (keys.bucketOf(`feed:quiet-${suffix}`) !== keys.bucketOf(topic)) suffix++;
    const quiet = `feed:quiet-${suffix}`;
    await subscribeTo(live, quiet);
    nodes[0].broadcast.publish(quiet, { type: 'feed', content: 0 });
    await waitFor(() => feed(live, quiet).length === 1, 'the quiet topic message');
    // A client of the SDK that stays connected to the same instance throughout.
    const sdk = new WebSocketToolClient(`${nodes[1].ws}/ws/failover-sdk`, { backoff: { initialDelayMs: 50, maxDelayMs: 400 } });
    const sdkOffsets: number[] = [];
    const sdkEvents: string[] = [];
    sdk.on('feed', (m: WsMessage) => void sdkOffsets.push(m.meta.offset as number));
    sdk.on('topic.recovered', (m) => void sdkEvents.push(`recovered ${m.content.replayed}`));
    sdk.on('topic.gap', (m) => void sdkEvents.push(`gap ${m.content.reason} ${String(m.content.missed)}`));
    let sent = 0;
    let refused = 0;
    const run = { publishing: true, on: true };
    const publishingNode = nodes[0].broadcast;
    const publisher = (async () => {
      while (run.publishing) {
        const result = publishingNode.publish(topic, { type: 'feed', content: ++sent });
        if (!result.ok) refused++;
        await sleep(10);
      }
    })();
    // The raw client does what the SDK does when the server says it missed messages: subscribe again with `since`.
    const resubscribes = resubscribeOnNotice(live, topic, run);
    let before: Position;
    let answers: Envelope[] = [];
    try {
      await sdk.subscribe(topic);
      await waitFor(() => feed(live, topic).length >= 20 && sdkOffsets.length >= 20, 'messages before the kill');
      before = positionOf(feed(live, topic).at(-1) as Envelope);
      await server.kill(victim);
      await server.waitFailover(victim);
      await waitFor(() => nodes.every((n) => n.backplane.state === 'up'), 'every instance to be up on the new topology', 20_000);
      const count = feed(live, topic).length;
      await waitFor(() => feed(live, topic).length > count + 20, 'messages after the failover', 20_000);
    } finally {
      run.publishing = false;
      await publisher;
      // Everything published is delivered, or the clients were told.
      const top = (await nodes[2].broadcast.history(topic, { limit: 0 }))?.offset;
      await waitFor(
        () => feed(live, topic).at(-1)?.meta.offset === top && sdkOffsets.at(-1) === top,
        'the last message everywhere',
        10_000,
      );
      run.on = false;
      answers = await resubscribes;
    }

    expect(live.messages.filter(isResubscribeNotice(quiet))).toEqual([]);
    // The subscriber that stayed connected: every offset once and in order; a gap only where it was told recovered: false.
    const told = answers.some((a) => (a.content as { recovered?: boolean }).recovered === false);
    const liveOffsets = feed(live, topic).map((m) => m.meta.offset as number);
    expect(liveOffsets.every((o, i) => i === 0 || o > liveOffsets[i - 1])).toBe(true);
    if (!told) expect(liveOffsets.every((o, i) => i === 0 || o === liveOffsets[i - 1] + 1)).toBe(true);
    // The SDK client ends whole through its own resubscribe, or with a gap event it can act on.
    expect(
      sdkOffsets.every((o, i) => i === 0 || o > sdkOffsets[i - 1]),
      sdkEvents.join('\n'),
    ).toBe(true);
    if (!sdkEvents.some((e) => e.startsWith('gap'))) {
      expect(
        sdkOffsets.every((o, i) => i === 0 || o === sdkOffsets[i - 1] + 1),
        sdkEvents.join('\n'),
      ).toBe(true);
    }
    await sdk.close();

    // The subscriber that saw the kill resumes from its last position before it.
    const back = await connect(nodes[2]);
    const answer = await subscribeTo(back, topic, before);
    const content = answer.content as { recovered: boolean; offset: number };
    await sleep(500);
    const replay = feed(back, topic);
    if (content.recovered) {
      // Exactly the messages after `before`, in order, without a gap or a duplicate.
      const offsets = replay.map((m) => m.meta.offset as number);
      expect(offsets).toEqual(Array.from({ length: content.offset - before.offset }, (_, i) => before.offset + 1 + i));
    } else {
      expect(content.recovered).toBe(false);
    }
    expect(sent - refused).toBeGreaterThan(0);
    const { body } = await adminJson<Stats>(nodes[0].http, '/ws/stats');
    const shards = body.cluster.nodes[0].backplane.redis_cluster?.shards ?? [];
    expect(shards.filter((s) => s.role === 'master' && s.reachable)).toHaveLength(3);
    expect(shards.some((s) => s.master.endsWith(`:${victim}`))).toBe(false);
  }, 60_000);
});
