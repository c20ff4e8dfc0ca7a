import { describe, expect, it } from 'vitest';
import { keySlot } from './key-slot.js';
import { CLUSTER_BUCKETS, RedisKeys } from './redis-keys.js';

describe('RedisKeys', () => {
  it('on one Redis: the names as they always were, everything on the cluster channel', () => {
    const keys = new RedisKeys('wst');
    expect([keys.channelAll, keys.nodes, keys.nodeChannel('n1'), keys.clients('n1')]).toEqual([
      'wst:all',
      'wst:nodes',
      'wst:node:n1',
      'wst:clients:n1',
    ]);
    expect([keys.historyMeta('t'), keys.historyStream('t'), keys.historyIndex('t'), keys.presenceTopics('t')]).toEqual([
      'wst:hist:t',
      'wst:hist-log:t',
      'wst:hist-index',
      'wst:tp-topics',
    ]);
    expect([keys.mailbox('c'), keys.idempotencyKey('k'), keys.ipBucket('1.2.3.4'), keys.occupancy('t')]).toEqual([
      'wst:mailbox:c',
      'wst:idem:k',
      'wst:ip:1.2.3.4',
      'wst:occ:t',
    ]);
    expect([keys.topicChannel('t'), keys.mailboxChannel('c')]).toEqual(['wst:all', 'wst:all']);
    expect(keys.subscribedChannels('n1')).toEqual(['wst:all', 'wst:node:n1']);
    expect(keys.bucketPrefixes()).toEqual(['wst']);
  });

  it('on a Redis Cluster: what one script touches shares the slot of the channel it publishes to', () => {
    const keys = new RedisKeys('wst', true);
    for (const topic of ['room:1', 'feed:a', 'chat:lobby', 'x']) {
      const slot = keySlot(keys.topicChannel(topic));
      const touched = [
        keys.historyMeta(topic),
        keys.historyStream(topic),
        keys.historyIndex(topic),
        keys.latest(topic),
        keys.presenceMembers(topic),
        keys.presenceExpiry(topic),
        keys.presenceUsers(topic),
        keys.presenceTopics(topic),
      ];
      expect(touched.map(keySlot)).toEqual(touched.map(() => slot));
      // The names the presence scripts build from the prefix they are given.
      expect(`${keys.presencePrefix(topic)}:tp:${topic}`).toBe(keys.presenceMembers(topic));
    }
    expect([keys.mailbox('c1'), keys.mailboxDropped('c1')].map(keySlot)).toEqual([
      keySlot(keys.mailboxChannel('c1')),
      keySlot(keys.mailboxChannel('c1')),
    ]);
    const control = keySlot(keys.channelAll);
    expect([keys.nodes, keys.clients('n1'), keys.occupancy('t'), keys.occupancyOfNode('n1'), keys.occupancyNodes].map(keySlot)).toEqual(
      Array(5).fill(control),
    );
    expect(`${keys.controlPrefix}:occ:t`).toBe(keys.occupancy('t'));
    expect(keys.subscribedChannels('n1')).toHaveLength(2 + CLUSTER_BUCKETS);
    expect(new Set(keys.bucketPrefixes().map((prefix) => keySlot(prefix + ':x'))).size).toBe(CLUSTER_BUCKETS);
  });
});
