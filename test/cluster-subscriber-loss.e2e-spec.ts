import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { WebSocketToolClient, type WsMessage } from '@websocket-tool/client';
import { WsStatsService, type WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { feed, isResubscribeNotice as isNotice, positionOf, subscribeTo } from './utils/topic-pump.js';
import { sleep, WsTestClient, type Envelope } from './utils/ws-test-client.js';

const TOPICS: WebSocketToolModuleOptions['topics'] = [{ pattern: 'feed:*', history: { size: 1000, ttlSeconds: 60 } }];

/** Offsets that follow each other by one, from the first. */
const consecutive = (offsets: number[]): boolean => offsets.every((o, i) => i === 0 || o === offsets[i - 1] + 1);

/** Kills the pub/sub connection of one instance only (found by its connection name); ioredis opens it again after its backoff. */
async function killSubscriber(node: ClusterNode): Promise<void> {
  const admin = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const list = (await admin.call('CLIENT', 'LIST')) as string;
    const line = list.split('\n').find((row) => row.includes(` name=wst-sub-${node.nodeId} `));
    if (line === undefined) throw new Error(`no subscriber connection of ${node.nodeId} in CLIENT LIST`);
    const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1] as string;
    await admin.call('CLIENT', 'KILL', 'ID', id);
  } finally {
    admin.disconnect();
  }
}

/** Publishes 1, 2, … on `topic` through `node` every 10 ms until `run.on` is false; resolves with the last number. */
async function publishing(node: ClusterNode, topic: string, run: { on: boolean }): Promise<number> {
  let n = 0;
  while (run.on) {
    expect(node.broadcast.publish(topic, { type: 'feed', content: ++n }).ok).toBe(true);
    await sleep(10);
  }
  return n;
}

/**
 * Two instances on one Redis; only instance A's subscriber connection is
 * killed while instance B publishes. A's clients stay connected: the messages
 * A never received must reach them exactly once, in order, or they are told.
 */
describe('cluster mode: an instance that lost its subscriber connection while its clients stayed', () => {
  let nodes: ClusterNode[] = [];
  let raw: WsTestClient[] = [];
  let sdk: WebSocketToolClient[] = [];
  const prefixes: string[] = [];

  afterEach(async () => {
    for (const c of raw) c.close();
    await Promise.all(raw.splice(0).map((c) => c.closed));
    await Promise.all(sdk.splice(0).map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    for (const prefix of prefixes.splice(0)) await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const start = async (name: string): Promise<[ClusterNode, ClusterNode]> => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster tests need it.');
    const prefix = uniquePrefix(name);
    prefixes.push(prefix);
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 2, { topics: TOPICS });
    return [nodes[0], nodes[1]];
  };
  const connect = async (node: ClusterNode): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${node.ws}/ws`);
    raw.push(client);
    return client;
  };
  it('a raw client is told with system.unsubscribed (insufficient_state) before any later message, and its resubscribe with since fills the gap exactly', async () => {
    const [a, b] = await start('subloss-raw');
    const reader = await connect(a);
    const onB = await connect(b);
    for (const topic of ['feed:live', 'feed:burst', 'feed:quiet', 'plain:chat']) await subscribeTo(reader, topic);
    await subscribeTo(onB, 'feed:live');
    await subscribeTo(onB, 'plain:chat');
    b.broadcast.publish('feed:quiet', { type: 'feed', content: 1 });
    b.broadcast.publish('feed:burst', { type: 'feed', content: 1 });
    await waitFor(() => feed(reader, 'feed:quiet').length === 1 && feed(reader, 'feed:burst').length === 1, 'the first messages');

    const run = { on: true };
    const publisher = publishing(b, 'feed:live', run);
    let last = 0;
    try {
      await waitFor(() => feed(reader, 'feed:live').length >= 10, 'live messages before the loss');
      await killSubscriber(a);
      // Published while A cannot hear: a topic that gets nothing afterwards is found by reading its history.
      for (let n = 2; n <= 6; n++) b.broadcast.publish('feed:burst', { type: 'feed', content: n });
      const notice = await reader.next(isNotice('feed:live'), 10_000);
      expect(notice.content).toEqual({ topic: 'feed:live', was_subscribed: true, reason: 'insufficient_state' });
      // Nothing after the gap reached the reader before the notice: its last position is where the gap starts.
      const before = feed(reader, 'feed:live').filter((m) => reader.messages.indexOf(m) < reader.messages.indexOf(notice));
      expect(consecutive(before.map((m) => positionOf(m).offset))).toBe(true);
      expect(feed(reader, 'feed:live')).toHaveLength(before.length);
      const answer = await subscribeTo(reader, 'feed:live', positionOf(before.at(-1) as Envelope));
      expect(answer.content).toMatchObject({ recovered: true });
      await sleep(200);
    } finally {
      run.on = false;
      last = await publisher;
    }
    await waitFor(() => feed(reader, 'feed:live').length >= last, 'every live message', 10_000);
    await sleep(200);
    expect(feed(reader, 'feed:live').map((m) => m.content)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(consecutive(feed(reader, 'feed:live').map((m) => positionOf(m).offset))).toBe(true);

    const burst = await reader.next(isNotice('feed:burst'), 10_000);
    expect(burst.content).toMatchObject({ reason: 'insufficient_state' });
    const replay = await subscribeTo(reader, 'feed:burst', positionOf(feed(reader, 'feed:burst')[0]));
    expect(replay.content).toMatchObject({ recovered: true, replayed: 5 });
    await waitFor(() => feed(reader, 'feed:burst').length === 6, 'the five missed');
    expect(feed(reader, 'feed:burst').map((m) => m.content)).toEqual([1, 2, 3, 4, 5, 6]);

    // A topic without history cannot be recovered: its subscribers on A are told it may have lost messages.
    expect((await reader.next('system.topic_gap', 10_000)).content).toEqual({ topic: 'plain:chat', reason: 'link_lost' });
    // Nothing was missed of the quiet topic, and B's link never went down.
    await sleep(300);
    expect(reader.messages.filter(isNotice('feed:quiet'))).toEqual([]);
    expect(onB.messages.filter((m) => m.type === 'system.unsubscribed' || m.type === 'system.topic_gap')).toEqual([]);
    expect(onB.ofType('feed').map((m) => m.content)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    // Counted per subscriber told, for the metrics.
    expect(a.app.get(WsStatsService).missedMessageNotices).toEqual({ insufficient_state: 2, topic_gap: 1 });
    expect(b.app.get(WsStatsService).missedMessageNotices).toEqual({ insufficient_state: 0, topic_gap: 0 });
  }, 30_000);

  it('the client SDK resubscribes by itself and its application sees every message exactly once, in order', async () => {
    const [a, b] = await start('subloss-sdk');
    const client = new WebSocketToolClient(`${a.ws}/ws/sdk-reader`, { backoff: { initialDelayMs: 50, maxDelayMs: 400 } });
    sdk.push(client);
    const numbers: number[] = [];
    const events: string[] = [];
    client.on('feed', (m: WsMessage) => void numbers.push(m.content as number));
    client.on('topic.recovered', (m) => void events.push(`recovered ${m.content.replayed}`));
    client.on('topic.gap', (m) => void events.push(`gap ${m.content.reason}`));
    await client.subscribe('feed:sdk');
    await client.subscribe('plain:sdk');

    const run = { on: true };
    const publisher = publishing(b, 'feed:sdk', run);
    let last = 0;
    try {
      await waitFor(() => numbers.length >= 10, 'messages before the loss');
      await killSubscriber(a);
      await waitFor(() => events.some((e) => e.startsWith('recovered')), 'the automatic recovery', 10_000);
      await sleep(200);
    } finally {
      run.on = false;
      last = await publisher;
    }
    await waitFor(() => numbers.length >= last, 'every message', 10_000);
    await waitFor(() => events.includes('gap link_lost'), 'the gap of the topic without history');
    await sleep(200);
    expect(numbers).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    const recovered = events.find((e) => e.startsWith('recovered')) as string;
    expect(Number(recovered.split(' ')[1])).toBeGreaterThan(0);
    // The topic without history is reported as a gap of unknown size; the one with history is whole.
    expect(events.filter((e) => e.startsWith('gap'))).toEqual(['gap link_lost']);
    expect(client.topicPosition('feed:sdk')).toMatchObject({ offset: last });
  }, 30_000);
});
