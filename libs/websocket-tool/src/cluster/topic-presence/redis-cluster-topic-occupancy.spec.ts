import { describe, expect, it } from 'vitest';
import { eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { TopicOccupancyListener } from './cluster-topic-occupancy.js';
import { InMemoryClusterTopicOccupancy } from './in-memory-cluster-topic-occupancy.js';
import type { RedisClusterTopicOccupancy } from './redis-cluster-topic-occupancy.js';

const TTL_MS = 1500;

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

  const start = async (name: string): Promise<{ node: SeamNode; got: ReturnType<typeof recorder> }> => {
    const node = await seams.start(name, { presenceTtlMs: TTL_MS });
    await node.nodes.refresh();
    (node.topicOccupancy as RedisClusterTopicOccupancy).onApplicationBootstrap();
    const got = recorder();
    node.topicOccupancy.subscribe(got);
    return { node, got };
  };

  it('occupied by the first node only, vacated by the last node only', async () => {
    const a = await start('a');
    const b = await start('b');
    a.node.topicOccupancy.nodeOccupied('room');
    await eventually(() => a.got.heard.length === 1, 'a to hear occupied');
    b.node.topicOccupancy.nodeOccupied('room');
    // b's add has run once a command sent after it on the same connection is answered: a leaves after it.
    await b.node.link.openPub()?.ping();
    a.node.topicOccupancy.nodeVacated('room');
    b.node.topicOccupancy.nodeVacated('room');
    await eventually(() => b.got.heard.length === 1, 'b to hear vacated');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(a.got.heard).toEqual(['+room']);
    expect(b.got.heard).toEqual(['-room']);
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
});
