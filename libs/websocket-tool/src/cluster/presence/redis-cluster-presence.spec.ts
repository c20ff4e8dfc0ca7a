import { describe, expect, it } from 'vitest';
import { eventually, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { WireHeader } from '../redis/cluster-wire.js';
import { RedisKeys } from '../redis/redis-keys.js';
import type { RedisLink, RedisLinkListener } from '../redis/redis-link.js';
import type { RedisNodeSet } from '../redis/redis-node-set.js';
import { RedisClusterPresence } from './redis-cluster-presence.js';

const noop = (): void => undefined;

/**
 * A presence over a stand-in link whose `HGETALL` answers when the test says
 * so, as Redis does when its reply is read after messages that reached the
 * subscriber connection first.
 */
function presenceWithSlowRead(): {
  presence: RedisClusterPresence;
  receive: (header: WireHeader) => void;
  answerRead: (entries: Record<string, string>) => Promise<void>;
} {
  let answer: ((entries: Record<string, string>) => void) | null = null;
  let listener: RedisLinkListener = {};
  const pub = { status: 'ready', hgetall: () => new Promise<Record<string, string>>((resolve) => (answer = resolve)) };
  const link = {
    nodeId: 'here',
    keys: new RedisKeys('wst'),
    subscribe: (l: RedisLinkListener) => ((listener = l), noop),
    openPub: () => pub,
    readyPub: () => null,
  } as unknown as RedisLink;
  const nodes = { subscribe: () => noop, refresh: () => Promise.resolve([]) } as unknown as RedisNodeSet;
  return {
    presence: new RedisClusterPresence(link, nodes, 10_000),
    receive: (header) => listener.receive?.(header, ''),
    answerRead: async (entries) => {
      expect(answer).not.toBeNull();
      answer?.(entries);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('RedisClusterPresence: reloading another node’s clients', () => {
  it('keeps a client that joined while the node’s hash was read, though the read does not list it', async () => {
    const { presence, receive, answerRead } = presenceWithSlowRead();
    receive({ k: 's', o: 'there', s: 1 });
    receive({ k: 'j', o: 'there', c: 'gus', s: 2, at: 20, n: true });
    await answerRead({ old: '{"at":10,"n":false}' });
    expect(presence.locate('gus')).toBe('there');
    expect(presence.locate('old')).toBe('there');
  });

  it('forgets a client that left while the node’s hash was read, though the read still lists it', async () => {
    const { presence, receive, answerRead } = presenceWithSlowRead();
    receive({ k: 's', o: 'there', s: 1 });
    receive({ k: 'l', o: 'there', c: 'old' });
    await answerRead({ old: '{"at":10,"n":false}', stays: '{"at":11,"n":true}' });
    expect(presence.locate('old')).toBeUndefined();
    expect(presence.locate('stays')).toBe('there');
  });

  it('replaces what it knew of the node with the read', async () => {
    const { presence, receive, answerRead } = presenceWithSlowRead();
    receive({ k: 'j', o: 'there', c: 'gone-meanwhile', s: 1, at: 5, n: false });
    receive({ k: 's', o: 'there', s: 2 });
    await answerRead({ now: '{"at":10,"n":false}' });
    expect(presence.locate('gone-meanwhile')).toBeUndefined();
    expect(presence.locate('now')).toBe('there');
  });
});

describe('RedisClusterPresence (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('presence');

  const start = async (nodeId: string, presenceTtlMs = 3000): Promise<SeamNode> => {
    const node = await seams.start(nodeId, { presenceTtlMs });
    return node;
  };

  it('takes a named id over: the node that held it first is told to close its connection', async () => {
    const a = await start('a');
    const b = await start('b');
    const takenOnA: string[] = [];
    const takenOnB: string[] = [];
    a.presence.subscribe({ takeOver: (id) => takenOnA.push(id) });
    b.presence.subscribe({ takeOver: (id) => takenOnB.push(id) });
    a.presence.clientAdded('gus', true, Date.now());
    a.presence.clientAdded('anon-1', false, Date.now());
    await eventually(() => b.presence.locate('gus') === 'a', 'node b to see gus on a');
    // Let a's own announcement come back to it: from then on a later one is newer.
    await new Promise((resolve) => setTimeout(resolve, 100));
    b.presence.clientAdded('gus', true, Date.now());
    await eventually(() => takenOnA.length === 1, 'node a to be told gus connected again');
    expect(takenOnA).toEqual(['gus']);
    expect(takenOnB).toEqual([]);
    a.presence.clientRemoved('gus');
    await eventually(() => a.presence.locate('gus') === 'b', 'node a to see gus on b');
    await eventually(() => b.presence.locate('gus') === undefined, 'node b to see gus leave a');
    expect(b.presence.locate('anon-1')).toBe('a');
    expect(b.presence.remoteClients).toBe(1);
  });

  it('forgets the clients of a node that died once its presence expired, and those of a node that left at once', async () => {
    const dies = await start('dies', 1000);
    const leaves = await start('leaves', 1000);
    const stays = await start('stays', 1000);
    dies.presence.clientAdded('erin', true, Date.now());
    leaves.presence.clientAdded('finn', true, Date.now());
    await eventually(() => stays.presence.locate('erin') === 'dies', 'the staying node to see erin');
    await eventually(() => stays.presence.locate('finn') === 'leaves', 'the staying node to see finn');
    seams.forget(dies);
    await dies.crash();
    seams.forget(leaves);
    const left = Date.now();
    await leaves.stop();
    await eventually(() => stays.presence.locate('finn') === undefined, 'finn to be forgotten', 500);
    expect(Date.now() - left).toBeLessThan(500);
    expect(stays.presence.locate('erin')).toBe('dies');
    // The TTL (1 s) plus one refresh of the staying node (a third of it), with margin.
    await eventually(() => stays.presence.locate('erin') === undefined, "erin's presence to expire", 3000);
    expect(stays.presence.remoteClients).toBe(0);
  });
});
