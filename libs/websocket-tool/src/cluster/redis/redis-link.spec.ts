import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSeamKeys, requireRedis, seamPrefix, startSeamNode } from '../../../../../test/utils/cluster-seams.js';
import type { ClusterSettings as ClusterConfig } from '../../config/cluster-settings.interface.js';
import { reconnectDelayMs } from './link-timing.js';
import { RedisLink } from './redis-link.js';

const CONFIG: ClusterConfig = {
  url: 'redis://127.0.0.1:1',
  redisCluster: false,
  nodeId: 'here',
  presenceTtlMs: 10_000,
  outboxSize: 10,
  keyPrefix: 'wst',
  requestTimeoutMs: 1000,
};

describe('RedisLink: the outbox after an outage', () => {
  it('is not sent when an old publish is acknowledged on a connection that is back before the link is', async () => {
    const link = new RedisLink(CONFIG);
    const internals = link as unknown as { pub: unknown; onPublished: () => void; flight: { count: number } };
    const published: string[] = [];
    const pub = { status: 'reconnecting', publish: (_channel: string, payload: string) => (published.push(payload), Promise.resolve(1)) };
    internals.pub = pub;
    for (let i = 0; i < 3; i++) expect(link.send('wst:all', `{"n":${i}}`)).toBe(true);
    expect(link.outbox.size).toBe(3);
    // The publishing connection is ready again, the subscriber not yet: an acknowledgement arrives meanwhile.
    pub.status = 'ready';
    internals.flight.count = 1;
    internals.onPublished();
    await new Promise((resolve) => setImmediate(resolve));
    expect(published).toEqual([]);
    expect(link.outbox.size).toBe(3);
  });

  it('drops and counts what does not fit in the outbox', () => {
    const link = new RedisLink({ ...CONFIG, outboxSize: 2 });
    expect([link.send('c', '1'), link.send('c', '2'), link.send('c', '3')]).toEqual([true, true, false]);
    expect(link.outbox.dropped).toBe(1);
    expect(link.state).toBe('connecting');
  });
});

describe('RedisLink (real Redis at 127.0.0.1:6379)', () => {
  const prefix = seamPrefix('link');

  beforeAll(async () => {
    await requireRedis();
  });

  afterAll(async () => {
    await deleteSeamKeys(prefix);
  });

  it('goes up, hands every message on its channels to its listeners once, and is closed after shutdown', async () => {
    const a = await startSeamNode(prefix, 'a');
    const b = await startSeamNode(prefix, 'b');
    try {
      expect(a.link.state).toBe('up');
      const seen: string[] = [];
      b.link.subscribe({ receive: (header, body) => seen.push(`${header.k} ${header.o} ${body}`) });
      a.link.send(a.link.keys.nodeChannel('b'), '{"k":"t","o":"a","t":"room"}\nhello');
      a.link.send(a.link.keys.channelAll, 'not one of ours');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual(['t a hello']);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(a.link.state).toBe('closed');
    expect(a.link.send('c', 'x')).toBe(false);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from 200 ms up to 4 s, with at most 100 ms of jitter, so a node retries within 4.1 s of Redis coming back', () => {
    const bases = [1, 2, 3, 4, 5, 6, 7, 50].map((attempt) => Math.floor(reconnectDelayMs(attempt) / 100) * 100);
    expect(bases).toEqual([200, 400, 800, 1600, 3200, 4000, 4000, 4000]);
    for (let i = 0; i < 200; i++) expect(reconnectDelayMs(100)).toBeLessThan(4100);
  });
});
