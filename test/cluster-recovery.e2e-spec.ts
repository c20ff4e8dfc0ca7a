import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import {
  deleteKeys,
  redisAnswers,
  SHARED_REDIS_URL,
  startCluster,
  startSampleApp,
  TestRedisServer,
  uniquePrefix,
  waitFor,
  type ClusterNode,
} from './fixtures/cluster.fixture.js';
import { feed, positionOf, pump, subscribeTo, type Position } from './utils/topic-pump.js';
import { sleep, WsTestClient, type Envelope } from './utils/ws-test-client.js';

/** 10,000 messages at about 1,000/s through three nodes; the subscriber is away 30 s in the middle. */
const TOTAL = 10_000;
const AWAY_MS = 30_000;
/** Published before the cut, while away, and from just before the subscriber comes back. */
const BEFORE_CUT = 3000;
const WHILE_AWAY = 4000;

const TOPICS: WebSocketToolModuleOptions['topics'] = [
  { pattern: 'feed:*', history: { size: TOTAL, ttlSeconds: 300 } },
  { pattern: 'room:*', history: { size: TOTAL, ttlSeconds: 300 } },
];

/** Room for a replay of up to 10,000 messages in one client's queue. */
const OPTIONS: WebSocketToolModuleOptions = { topics: TOPICS, maxClientQueueSize: 20_000, maxClientQueueBytes: 16 * 1024 * 1024 };

const contents = (messages: readonly Envelope[]): number[] => messages.map((m) => m.content as number);

/**
 * What the recovered subscriber got over its two connections must be exactly
 * what a subscriber that never left got: every message once, in the one
 * order Redis gave them (offsets 1..TOTAL in one epoch).
 */
function expectSameStream(recovered: readonly Envelope[], reference: readonly Envelope[]): void {
  expect(reference).toHaveLength(TOTAL);
  expect(reference.map((m) => m.meta.offset)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
  expect(new Set(contents(reference)).size).toBe(TOTAL);
  expect(recovered.length).toBe(TOTAL);
  expect(contents(recovered)).toEqual(contents(reference));
  expect(recovered.map((m) => m.meta.offset)).toEqual(reference.map((m) => m.meta.offset));
  expect(new Set(recovered.map((m) => m.meta.epoch))).toEqual(new Set([reference[0].meta.epoch]));
}

/**
 * The away-and-back scenario: `first` (on the node that goes away) and
 * `reference` (never leaves) subscribe; BEFORE_CUT messages; `cut` ends the
 * first connection; WHILE_AWAY messages; the rest is published from a moment
 * before the subscriber comes back on `backOn` with `since` = its last
 * position, so the recovery runs while live messages arrive.
 */
async function awayAndBack(
  publishers: ClusterNode[],
  topic: string,
  first: WsTestClient,
  reference: WsTestClient,
  cut: () => Promise<void>,
  backOn: ClusterNode,
): Promise<{ recovered: Envelope[]; answer: Envelope }> {
  await subscribeTo(first, topic);
  await subscribeTo(reference, topic);
  const broadcasts = publishers.map((n) => n.broadcast);
  await pump(broadcasts, topic, 1, BEFORE_CUT);
  await cut();
  const cutAt = Date.now();
  const beforeCut = feed(first, topic);
  expect(beforeCut.length).toBeGreaterThan(0);
  const since: Position = positionOf(beforeCut[beforeCut.length - 1]);
  await pump(broadcasts, topic, BEFORE_CUT + 1, BEFORE_CUT + WHILE_AWAY);
  await sleep(Math.max(0, cutAt + AWAY_MS - 500 - Date.now()));
  const rest = pump(broadcasts, topic, BEFORE_CUT + WHILE_AWAY + 1, TOTAL);
  await sleep(500);
  const back = await WsTestClient.connect(`${backOn.ws}/ws`);
  try {
    const answer = await subscribeTo(back, topic, since);
    await rest;
    await waitFor(() => feed(reference, topic).length >= TOTAL, 'the reference subscriber to get everything', 20_000, 50);
    await waitFor(() => feed(back, topic).length >= TOTAL - since.offset, 'the recovered subscriber to catch up', 20_000, 50);
    await sleep(200); // a duplicate would have arrived by now
    return { recovered: [...beforeCut, ...feed(back, topic)], answer };
  } finally {
    back.close();
  }
}

describe('cluster mode: recovery across nodes (real Redis, three instances)', () => {
  let nodes: ClusterNode[] = [];
  let clients: WsTestClient[] = [];
  let child: ChildProcess | null = null;
  let server: TestRedisServer | null = null;
  const prefixes: string[] = [];

  afterEach(async () => {
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closed));
    clients = [];
    await Promise.all(nodes.map((n) => n.close()));
    nodes = [];
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = null;
    await server?.kill();
    server = null;
    if (await redisAnswers()) for (const prefix of prefixes.splice(0)) await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  const connect = async (base: string): Promise<WsTestClient> => {
    const client = await WsTestClient.connect(`${base}/ws`);
    clients.push(client);
    return client;
  };

  it('cut off 30 s on instance 1, back on instance 2: all 10,000 in the one order, no duplicate, no gap', async () => {
    if (!(await redisAnswers())) throw new Error('Redis is not reachable at 127.0.0.1:6379: the cluster recovery tests need it.');
    const prefix = uniquePrefix('recovery');
    prefixes.push(prefix);
    nodes = await startCluster(SHARED_REDIS_URL, prefix, 3, OPTIONS);
    const first = await connect(nodes[0].ws);
    const reference = await connect(nodes[2].ws);
    const { recovered, answer } = await awayAndBack(
      nodes,
      'feed:1',
      first,
      reference,
      async () => {
        first.close();
        await first.closed;
      },
      nodes[1],
    );
    expect(answer.content).toMatchObject({ topic: 'feed:1', recovered: true, epoch: recovered[0].meta.epoch });
    expect((answer.content as { replayed: number }).replayed).toBeGreaterThanOrEqual(WHILE_AWAY);
    expectSameStream(recovered, feed(reference, 'feed:1'));
  }, 60_000);

  it('the same with instance 1 killed (SIGKILL, a process of its own): all 10,000 in order, no duplicate', async () => {
    server = await TestRedisServer.start();
    // Instance 1 is the sample app (FP_WST_REDIS_URL alone: default key prefix "wst"); 2 and 3 share its prefix.
    const started = await startSampleApp({ FP_WST_REDIS_URL: server.url });
    child = started.child;
    nodes = await startCluster(server.url, 'wst', 2, OPTIONS);
    const first = await connect(`ws://127.0.0.1:${started.port}`);
    const reference = await connect(nodes[1].ws);
    const killed = child;
    const { recovered, answer } = await awayAndBack(
      nodes,
      'room:1',
      first,
      reference,
      async () => {
        const exited = new Promise<void>((resolve) => killed.once('exit', () => resolve()));
        killed.kill('SIGKILL');
        await exited;
        await first.closed;
      },
      nodes[0],
    );
    expect(answer.content).toMatchObject({ topic: 'room:1', recovered: true });
    expectSameStream(recovered, feed(reference, 'room:1'));
  }, 60_000);
});
