import { describe, expect, it } from 'vitest';
import { eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { TopicPresenceListener } from './cluster-topic-presence.js';
import type { PresenceMember } from './presence-member.js';
import type { RedisClusterTopicPresence } from './redis-cluster-topic-presence.js';

const TTL_MS = 1500;

/** Every join and leave a node heard, one line each. */
function recorder(): TopicPresenceListener & { heard: string[] } {
  const heard: string[] = [];
  return {
    heard,
    joined: (topic, m, here) => heard.push(`+${topic} ${m.clientId}@${m.node}${here ? ' here' : ''}`),
    left: (topic, m, here) => heard.push(`-${topic} ${m.clientId}@${m.node}${here ? ' here' : ''}`),
  };
}

const leaves = (heard: string[]): string[] => heard.filter((h) => h.startsWith('-'));

const member = (node: SeamNode, clientId: string, userId: string | null): PresenceMember => ({
  clientId,
  userId,
  info: { name: clientId.toUpperCase() },
  node: node.link.nodeId,
  joinedAt: 1_700_000_000_000,
});

describe('RedisClusterTopicPresence (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('topic-presence');

  const start = async (name: string): Promise<SeamNode> => {
    const node = await seams.start(name, { presenceTtlMs: TTL_MS });
    (node.topicPresence as RedisClusterTopicPresence).onApplicationBootstrap();
    return node;
  };

  it('every node reads the same members and counts; each change is heard everywhere, as made here on one node only', async () => {
    const a = await start('a');
    const b = await start('b');
    const onA = recorder();
    const onB = recorder();
    a.topicPresence.subscribe(onA);
    b.topicPresence.subscribe(onB);
    a.topicPresence.join('room', member(a, 'a1', 'alice'));
    b.topicPresence.join('room', member(b, 'b1', 'alice'));
    b.topicPresence.join('room', member(b, 'b2', 'bob'));
    b.topicPresence.join('room', member(b, 'b3', null));
    await eventually(() => onA.heard.length === 4, 'node a to hear the four joins');
    for (const node of [a, b]) {
      expect(await node.topicPresence.stats('room')).toEqual({ clients: 4, users: 2 });
      const members = await node.topicPresence.members('room');
      expect(members.map((m) => `${m.clientId}@${m.node}:${m.userId}`).toSorted()).toEqual([
        'a1@a:alice',
        'b1@b:alice',
        'b2@b:bob',
        'b3@b:null',
      ]);
      expect(members.find((m) => m.clientId === 'a1')?.info).toEqual({ name: 'A1' });
    }
    b.topicPresence.leave('room', 'b1');
    await eventually(() => onA.heard.length === 5 && onB.heard.length === 5, 'both nodes to hear the leave');
    expect(await a.topicPresence.stats('room')).toEqual({ clients: 3, users: 2 });
    expect(onA.heard).toEqual(['+room a1@a here', '+room b1@b', '+room b2@b', '+room b3@b', '-room b1@b']);
    expect(onB.heard).toEqual(['+room a1@a', '+room b1@b here', '+room b2@b here', '+room b3@b here', '-room b1@b here']);
  });

  it('a node that stops refreshing loses its members within the TTL and a third; each leaves once; none comes back', async () => {
    const a = await start('a');
    const b = await start('b');
    const c = await start('c');
    const onB = recorder();
    const onC = recorder();
    b.topicPresence.subscribe(onB);
    c.topicPresence.subscribe(onC);
    for (let i = 0; i < 20; i++) a.topicPresence.join('room', member(a, `a${i}`, `u${i % 5}`));
    b.topicPresence.join('room', member(b, 'b1', 'u0'));
    await eventually(async () => (await b.topicPresence.stats('room')).clients === 21, 'the 21 members');
    // Node a dies: no leave, no refresh.
    seams.forget(a);
    const died = Date.now();
    await a.crash();
    await eventually(async () => (await c.topicPresence.stats('room')).clients === 1, 'node a members to expire', TTL_MS * 4);
    expect(Date.now() - died).toBeLessThan(TTL_MS * 2);
    expect(await b.topicPresence.stats('room')).toEqual({ clients: 1, users: 1 });
    await eventually(() => onB.heard.filter((h) => h.startsWith('-')).length === 20, 'node b to hear 20 leaves');
    // Each leave once per node, made on exactly one of the two survivors.
    expect(new Set(leaves(onB.heard).map((h) => h.replace(' here', ''))).size).toBe(20);
    expect(leaves(onB.heard).filter((h) => h.endsWith(' here')).length + leaves(onC.heard).filter((h) => h.endsWith(' here')).length).toBe(
      20,
    );
    // Several more sweeps: nothing comes back.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    expect((await c.topicPresence.members('room')).map((m) => m.clientId)).toEqual(['b1']);
  });

  it('a member that expired while its node was alive is joined again by the next refresh', async () => {
    const a = await start('a');
    a.topicPresence.join('room', member(a, 'a1', 'alice'));
    await eventually(async () => (await a.topicPresence.stats('room')).clients === 1, 'a1 to be in');
    // As if Redis lost it (an outage longer than the TTL): the node still holds the connection.
    await a.link.openPub()?.del(a.link.keys.presenceMembers('room'), a.link.keys.presenceExpiry('room'), a.link.keys.presenceUsers('room'));
    expect(await a.topicPresence.stats('room')).toEqual({ clients: 0, users: 0 });
    await eventually(async () => (await a.topicPresence.stats('room')).clients === 1, 'a1 to be joined again', TTL_MS * 2);
  });
});
