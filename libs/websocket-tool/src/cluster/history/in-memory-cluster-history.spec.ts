import { describe, expect, it } from 'vitest';
import type { ClusterHistory } from './cluster-history.js';
import { InMemoryClusterHistory } from './in-memory-cluster-history.js';

describe('InMemoryClusterHistory', () => {
  it('is not shared: a publish is refused, reads reject, nothing is ever delivered', async () => {
    const history: ClusterHistory = new InMemoryClusterHistory();
    const got: string[] = [];
    const unsubscribe = history.subscribe({ deliverStamped: (_topic, _offset, _epoch, json) => got.push(json) });
    const limits = { size: 10, ttlMs: 1000 };
    expect(history.shared).toBe(false);
    expect(history.publish('room', { head: '{"a":', mid: ',"e":"', tail: '"}' }, limits)).toBe(false);
    await expect(history.resume('room', limits, null, false)).rejects.toThrow(/single node/);
    await expect(history.read('room', limits, undefined)).rejects.toThrow(/single node/);
    expect(got).toEqual([]);
    expect(unsubscribe).not.toThrow();
  });
});
