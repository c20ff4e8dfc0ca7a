import { afterAll, describe, expect, it } from 'vitest';
import { TestRedisServer } from '../../../../../test/fixtures/cluster.fixture.js';
import { deleteSeamKeys, eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { TopicOccupancyListener } from './cluster-topic-occupancy.js';
import { InMemoryClusterTopicOccupancy } from './in-memory-cluster-topic-occupancy.js';
import type { RedisClusterTopicOccupancy } from './redis-cluster-topic-occupancy.js';

const TTL_MS = 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(): TopicOccupancyListener & { heard: string[] } {
  const heard: string[] = [];
  return { heard, occupied: (topic) => heard.push(`+${topic}`), vacated: (topic) => heard.push(`-${topic}`) };
}

describe('InMemoryClusterTopicOccupancy', () => {
  it("tells this node's first and last subscriber as the cluster's", () => {
    const occupancy = new InMemoryClusterTopicOccupancy();
    const got = recorder();
    occupancy.subscribe(got);
    occupancy.nodeOccupied('room');
    occupancy.nodeVacated('room');
    expect(got.heard).toEqual(['+room', '-room']);
  });
});

describe('RedisClusterTopicOccupancy (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('occupancy');

  let ownRedis: TestRedisServer | null = null;
  afterAll(async () => ownRedis?.kill());

  const start = async (name: string, url?: string): Promise<{ node: SeamNode; got: ReturnType<typeof recorder> }> => {
    const node = await seams.start(name, url ? { presenceTtlMs: TTL_MS, url } : { presenceTtlMs: TTL_MS });
    await node.nodes.refresh();
    (node.topicOccupancy as RedisClusterTopicOccupancy).onApplicationBootstrap();
    const got = recorder();
    node.topicOccupancy.subscribe(got);
    return { node, got };
  };

  it('occupied once, by the first node; vacated once, by the last', async () => {
    const a = await start('a');
    const b = await start('b');
    a.node.topicOccupancy.nodeOccupied('room');
    await eventually(() => a.got.heard.length === 1, 'a to hear occupied');
    b.node.topicOccupancy.nodeOccupied('room');
    await eventually(() => b.node.link.connectedPub()?.sismember(`${seams.prefix}:occ:room`, 'b'), "b's add to be written");
    expect(b.got.heard).toEqual([]);
    // Each node writes on a connection of its own: which of the two removals Redis runs last is not known here.
    a.node.topicOccupancy.nodeVacated('room');
    b.node.topicOccupancy.nodeVacated('room');
    await eventually(() => [...a.got.heard, ...b.got.heard].includes('-room'), 'the last node to hear vacated');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([...a.got.heard, ...b.got.heard].toSorted()).toEqual(['+room', '-room']);
  });

  it("a dead node's topics are vacated once, by one survivor's sweep; a topic another node holds stays", async () => {
    const a = await start('a');
    const b = await start('b');
    const c = await start('c');
    a.node.topicOccupancy.nodeOccupied('only-a');
    a.node.topicOccupancy.nodeOccupied('shared');
    b.node.topicOccupancy.nodeOccupied('shared');
    await eventually(() => a.got.heard.length === 2, 'a to hear both occupied');
    seams.forget(a.node);
    await a.node.crash();
    await eventually(() => [...b.got.heard, ...c.got.heard].includes('-only-a'), 'only-a to be vacated', TTL_MS * 4);
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    expect([...b.got.heard, ...c.got.heard].toSorted()).toEqual(['-only-a']);
  });

  it('Redis losing its data: the topics are written back without being told again, and what changed meanwhile is told once', async () => {
    const a = await start('a');
    const b = await start('b');
    a.node.topicOccupancy.nodeOccupied('room');
    a.node.topicOccupancy.nodeOccupied('solo');
    b.node.topicOccupancy.nodeOccupied('hall');
    await eventually(() => a.got.heard.length === 2 && b.got.heard.length === 1, 'the first occupancies to be told');

    await deleteSeamKeys(seams.prefix);
    // Before either node has noticed: judged against the lost sets, `room` would look first and `solo` never vacated.
    b.node.topicOccupancy.nodeOccupied('room');
    a.node.topicOccupancy.nodeVacated('solo');
    await eventually(() => a.got.heard.includes('-solo'), 'solo to be vacated once the cluster settled', TTL_MS * 4);
    await sleep(TTL_MS * 1.5);
    expect(a.got.heard).toEqual(['+room', '+solo', '-solo']);
    expect(b.got.heard).toEqual(['+hall']);

    a.node.topicOccupancy.nodeVacated('room');
    b.node.topicOccupancy.nodeVacated('room');
    b.node.topicOccupancy.nodeVacated('hall');
    await eventually(() => b.got.heard.length === 3, 'room and hall to be vacated');
    await sleep(200);
    expect([...a.got.heard, ...b.got.heard].toSorted()).toEqual(['+hall', '+room', '+solo', '-hall', '-room', '-solo']);
  });

  it('Redis restarted empty: what changed while it was away is told once, what did not is not told again', async () => {
    ownRedis = await TestRedisServer.start();
    const a = await start('a', ownRedis.url);
    const b = await start('b', ownRedis.url);
    a.node.topicOccupancy.nodeOccupied('room');
    a.node.topicOccupancy.nodeOccupied('gone');
    await eventually(() => a.got.heard.length === 2, 'the first occupancies to be told');

    await ownRedis.kill();
    // Before a's link has noticed: the removal is sent and fails with the connection.
    a.node.topicOccupancy.nodeVacated('gone');
    await eventually(() => !a.node.link.connected && !b.node.link.connected, 'both links to see Redis gone');
    b.node.topicOccupancy.nodeOccupied('room');
    b.node.topicOccupancy.nodeOccupied('new');
    await ownRedis.restart();

    await eventually(() => b.got.heard.includes('+new') && a.got.heard.includes('-gone'), 'the changes made meanwhile to be told', 20_000);
    await sleep(TTL_MS * 1.5);
    expect(a.got.heard).toEqual(['+room', '+gone', '-gone']);
    expect(b.got.heard).toEqual(['+new']);
  }, 40_000);
});
