import { describe, expect, it } from 'vitest';
import { ClusterOutbox } from './cluster-outbox.js';

describe('ClusterOutbox', () => {
  it('keeps at most its capacity, in order, and counts what it drops', () => {
    const outbox = new ClusterOutbox(3);
    for (let i = 0; i < 5; i++) outbox.push({ channel: 'c', payload: String(i) });
    expect(outbox.size).toBe(3);
    expect(outbox.dropped).toBe(2);
    expect([outbox.shift(), outbox.shift(), outbox.shift(), outbox.shift()].map((e) => e?.payload)).toEqual(['0', '1', '2', undefined]);
    expect(outbox.size).toBe(0);
    expect(outbox.push({ channel: 'c', payload: 'again' })).toBe(true);
    expect(outbox.shift()?.payload).toBe('again');
  });

  it('with capacity 0 keeps nothing', () => {
    const outbox = new ClusterOutbox(0);
    expect(outbox.push({ channel: 'c', payload: 'x' })).toBe(false);
    expect(outbox.dropped).toBe(1);
    expect(outbox.size).toBe(0);
  });
});
