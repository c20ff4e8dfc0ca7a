import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteSeamKeys, requireRedis, seamPrefix, startSeamNode, type SeamNode } from '../../../../../test/utils/cluster-seams.js';

describe('RedisClusterDedup (real Redis at 127.0.0.1:6379)', () => {
  const prefix = seamPrefix('dedup');
  const started: SeamNode[] = [];

  beforeAll(async () => {
    await requireRedis();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((n) => n.stop()));
    await deleteSeamKeys(prefix);
  });

  afterAll(async () => {
    await deleteSeamKeys(prefix);
  });

  it('one claim per key wins across the nodes, until the window ends', async () => {
    const a = await startSeamNode(prefix, 'a');
    started.push(a);
    const b = await startSeamNode(prefix, 'b');
    started.push(b);
    const claims = await Promise.all([a, b, a, b].map((node) => node.dedup.claim('event-1', 300)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.dedup.claim('event-2', 300)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await a.dedup.claim('event-1', 300)).toBe(true);
  });
});
