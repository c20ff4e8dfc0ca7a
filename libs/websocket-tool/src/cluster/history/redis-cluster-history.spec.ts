import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { eventually, SEAM_REDIS_URL, type SeamNode, useSeamNodes } from '../../../../../test/utils/cluster-seams.js';
import type { ClusterHistoryListener, HistoryLimits, StampableFrame } from './cluster-history.js';

/** A frame whose content is `n`, stamped by Redis. */
const frameOf = (n: number, topic = 'room'): StampableFrame => ({
  head: `{"type":"m","content":${n},"meta":{"topic":"${topic}","offset":`,
  mid: ',"epoch":"',
  tail: '"},"timestamp":"2026-01-01T00:00:00.000Z"}',
});

interface Got {
  topic: string;
  offset: number;
  epoch: string;
  json: string;
}

function recorder(): ClusterHistoryListener & { got: Got[] } {
  const got: Got[] = [];
  return { got, deliverStamped: (topic, offset, epoch, json) => got.push({ topic, offset, epoch, json }) };
}

const contentOf = (json: string): number => (JSON.parse(json) as { content: number }).content;
const LIMITS: HistoryLimits = { size: 100, ttlMs: 60_000 };

describe('RedisClusterHistory (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('history');
  let a: SeamNode;
  let b: SeamNode;

  const startTwo = async (): Promise<void> => {
    a = await seams.start('a');
    b = await seams.start('b');
  };

  it('stamps in Redis: two nodes publishing on one topic, every node (the publisher too) sees the same order, offsets 1..n', async () => {
    await startTwo();
    const onA = recorder();
    const onB = recorder();
    a.history.subscribe(onA);
    b.history.subscribe(onB);
    for (let i = 1; i <= 100; i++) expect((i % 2 === 0 ? a : b).history.publish('room', frameOf(i), LIMITS)).toBe(true);
    await eventually(() => onA.got.length === 100 && onB.got.length === 100, 'both nodes to get the 100 messages');
    expect(onA.got).toEqual(onB.got);
    expect(onA.got.map((g) => g.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const epoch = onA.got[0].epoch;
    expect(epoch).toMatch(/^[0-9a-z]{8}$/);
    for (const g of onA.got) {
      expect(JSON.parse(g.json)).toMatchObject({ type: 'm', meta: { topic: 'room', offset: g.offset, epoch } });
    }
    // Each node's own messages come in its publishing order.
    const fromA = onA.got.map((g) => contentOf(g.json)).filter((n) => n % 2 === 0);
    expect(fromA).toEqual(fromA.toSorted((x, y) => x - y));
  });

  it('resumes exactly after since, answers recovered false for another epoch, a future offset or a gap larger than the history', async () => {
    await startTwo();
    const onB = recorder();
    b.history.subscribe(onB);
    const limits: HistoryLimits = { size: 10, ttlMs: 60_000 };
    for (let i = 1; i <= 25; i++) a.history.publish('room', frameOf(i), limits);
    await eventually(() => onB.got.length === 25, 'the 25 messages');
    const epoch = onB.got[0].epoch;
    const exact = await b.history.resume('room', limits, { offset: 20, epoch }, false);
    expect(exact).toMatchObject({ epoch, offset: 25, recovered: true });
    expect(exact.frames).toEqual(onB.got.slice(20).map((g) => g.json));
    expect(await b.history.resume('room', limits, { offset: 25, epoch }, false)).toEqual({
      epoch,
      offset: 25,
      recovered: true,
      frames: [],
    });
    expect(await b.history.resume('room', limits, { offset: 15, epoch }, false)).toMatchObject({ recovered: true, offset: 25 });
    expect(await b.history.resume('room', limits, { offset: 14, epoch }, false)).toEqual({
      epoch,
      offset: 25,
      recovered: false,
      frames: [],
    });
    expect(await b.history.resume('room', limits, { offset: 20, epoch: 'zzzzzzzz' }, false)).toMatchObject({
      recovered: false,
      frames: [],
    });
    expect(await b.history.resume('room', limits, { offset: 26, epoch }, false)).toMatchObject({ recovered: false, frames: [] });
    // Not recovered, with the latest value asked: the last message.
    expect(await b.history.resume('room', limits, { offset: 3, epoch }, true)).toEqual({
      epoch,
      offset: 25,
      recovered: false,
      frames: [onB.got[24].json],
    });
    expect(await b.history.resume('room', limits, null, true)).toMatchObject({ recovered: false, frames: [onB.got[24].json] });
    // read: what is kept after since (all kept without), at most `size`.
    const all = await a.history.read('room', limits, undefined);
    expect(all.frames.map(contentOf)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect((await a.history.read('room', limits, 22)).frames.map(contentOf)).toEqual([23, 24, 25]);
  });

  it('a lost history (keys deleted, as by FLUSHALL or a restart) and an expired one come back with a new epoch from offset 1', async () => {
    await startTwo();
    const onA = recorder();
    a.history.subscribe(onA);
    a.history.publish('room', frameOf(1), LIMITS);
    a.history.publish('room', frameOf(2), LIMITS);
    await eventually(() => onA.got.length === 2, 'two messages');
    const first = onA.got[0].epoch;
    const redis = new Redis(SEAM_REDIS_URL);
    try {
      await redis.del(a.link.keys.historyMeta('room'), a.link.keys.historyStream('room'));
    } finally {
      redis.disconnect();
    }
    const after = await b.history.resume('room', LIMITS, { offset: 2, epoch: first }, false);
    expect(after.recovered).toBe(false);
    expect(after.offset).toBe(0);
    expect(after.epoch).not.toBe(first);
    a.history.publish('room', frameOf(3), LIMITS);
    await eventually(() => onA.got.length === 3, 'the third message');
    expect(onA.got[2]).toMatchObject({ offset: 1, epoch: after.epoch });

    const short: HistoryLimits = { size: 10, ttlMs: 200 };
    a.history.publish('brief', frameOf(1, 'brief'), short);
    await eventually(() => onA.got.length === 4, 'the brief message');
    const brief = onA.got[3];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gone = await b.history.resume('brief', short, { offset: 0, epoch: brief.epoch }, true);
    expect(gone).toMatchObject({ recovered: false, offset: 0, frames: [] });
    expect(gone.epoch).not.toBe(brief.epoch);
  });

  it('keeps the last value of a latest-value topic for every node, the newest replacing the older', async () => {
    await startTwo();
    expect(await b.history.latest('prices')).toBeNull();
    a.history.keepLatest('prices', '{"p":1}');
    // Each node writes on its own connection: the second value is written once the first is in Redis.
    await eventually(async () => (await b.history.latest('prices')) === '{"p":1}', 'the first value on node b');
    b.history.keepLatest('prices', '{"p":2}');
    await eventually(async () => (await a.history.latest('prices')) === '{"p":2}', 'the newest value on node a');
    expect(await b.history.latest('prices')).toBe('{"p":2}');
  });

  it('Redis unreachable: publish refuses at once and a read rejects', async () => {
    a = await seams.start('a');
    await a.crash();
    expect(a.history.publish('room', frameOf(1), LIMITS)).toBe(false);
    await expect(a.history.resume('room', LIMITS, null, false)).rejects.toThrow(/not reachable/);
  });
});
