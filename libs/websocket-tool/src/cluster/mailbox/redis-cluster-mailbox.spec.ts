import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { eventually, SEAM_REDIS_URL, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';

describe('RedisClusterMailbox (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('mailbox');
  const start = async (node: string, size = 5, ttlMs = 60_000) => {
    const n = await seams.start(node, {}, { size, ttlMs });
    return n;
  };

  it('keeps on one node, takes on another, in order, once; every node is told of each keep', async () => {
    const a = await start('a');
    const b = await start('b');
    const told: string[] = [];
    b.mailbox.subscribe({ kept: (clientId) => told.push(clientId) });
    for (let i = 1; i <= 3; i++) expect(a.mailbox.keep('alice', `{"n":${i}}`)).toBe(true);
    await eventually(() => told.length === 3, 'the three notices');
    expect(told).toEqual(['alice', 'alice', 'alice']);
    expect(await b.mailbox.take('alice')).toEqual({ messages: ['{"n":1}', '{"n":2}', '{"n":3}'], dropped: 0 });
    expect(await a.mailbox.take('alice')).toBeNull();
  });

  it('past the size drops the oldest and counts them; the keys expire with the ttl', async () => {
    const a = await start('a', 3, 400);
    for (let i = 1; i <= 7; i++) a.mailbox.keep('bob', `m${i}`);
    expect(await a.mailbox.take('bob')).toEqual({ messages: ['m5', 'm6', 'm7'], dropped: 4 });
    a.mailbox.keep('carol', 'x');
    const redis = new Redis(SEAM_REDIS_URL);
    try {
      await eventually(async () => (await redis.pttl(`${seams.prefix}:mailbox:carol`)) > 0, 'the TTL on the list');
      expect(await redis.pttl(`${seams.prefix}:mailbox:carol`)).toBeLessThanOrEqual(400);
      await eventually(async () => (await redis.exists(`${seams.prefix}:mailbox:carol`)) === 0, 'the list to expire', 2000);
    } finally {
      redis.disconnect();
    }
    expect(await a.mailbox.take('carol')).toBeNull();
  });

  it('drops and counts a message that expired while others were kept after it', async () => {
    const a = await start('a', 10, 300);
    a.mailbox.keep('dave', 'old');
    await new Promise((resolve) => setTimeout(resolve, 200));
    a.mailbox.keep('dave', 'mid'); // the keys now live until 300 ms after this one
    await new Promise((resolve) => setTimeout(resolve, 150));
    a.mailbox.keep('dave', 'new');
    expect(await a.mailbox.take('dave')).toEqual({ messages: ['mid', 'new'], dropped: 1 });
  });

  it('keeps nothing while the link is down, and takes nothing (null) at once', async () => {
    const a = await start('a');
    await a.stop();
    seams.forget(a);
    expect(a.mailbox.keep('erin', 'x')).toBe(false);
    expect(a.mailbox.take('erin')).toBeNull();
  });
});
