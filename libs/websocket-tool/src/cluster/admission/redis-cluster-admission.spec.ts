import { describe, expect, it } from 'vitest';
import { useSeamNodes } from '../../../../../test/utils/cluster-seams.js';

describe('RedisClusterAdmission (real Redis at 127.0.0.1:6379)', () => {
  const seams = useSeamNodes('admission');

  it('shares one bucket per IP between the nodes', async () => {
    const a = await seams.start('a');
    const b = await seams.start('b');
    // 4 handshakes at most, then one more every 10 s.
    const capacity = 4;
    const ratePerMs = 1 / 10_000;
    const answers = [];
    for (const node of [a, b, a, b]) answers.push(await node.admission.admit('10.0.0.1', capacity, ratePerMs));
    expect(answers).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }, { allowed: true }]);
    const refusedOnA = await a.admission.admit('10.0.0.1', capacity, ratePerMs);
    const refusedOnB = await b.admission.admit('10.0.0.1', capacity, ratePerMs);
    for (const refused of [refusedOnA, refusedOnB]) {
      expect(refused).toMatchObject({ allowed: false });
      const retry = (refused as { retryAfterSeconds: number }).retryAfterSeconds;
      expect(retry).toBeGreaterThan(9);
      expect(retry).toBeLessThanOrEqual(10);
    }
    expect(await b.admission.admit('10.0.0.2', capacity, ratePerMs)).toEqual({ allowed: true });
  });

  it('answers null at once while the link is down, so the caller uses its own bucket', async () => {
    const a = await seams.start('a');
    await a.stop();
    expect(a.admission.admit('10.0.0.1', 4, 1)).toBeNull();
  });
});
