import { describe, expect, it } from 'vitest';
import { newEpoch, TopicHistory } from './topic-history.js';

const fill = (history: TopicHistory, count: number, now = 0) => {
  for (let i = 0; i < count; i++) history.append(`m${history.nextOffset}`, now);
};

describe('TopicHistory', () => {
  it('numbers messages from 1 and keeps at most `size`, dropping the oldest', () => {
    const history = new TopicHistory(3, 1_000);
    expect(history.offset).toBe(0);
    expect(history.oldestOffset(0)).toBe(1);
    fill(history, 5);
    expect(history.offset).toBe(5);
    expect(history.length(0)).toBe(3);
    expect(history.entries(0).map((e) => [e.offset, e.json])).toEqual([
      [3, 'm3'],
      [4, 'm4'],
      [5, 'm5'],
    ]);
    expect(history.latest(0)?.offset).toBe(5);
  });

  it('gives what came after an offset while it is all kept, else null', () => {
    const history = new TopicHistory(3, 1_000);
    fill(history, 5);
    expect(history.after(5, 0)).toEqual([]);
    expect(history.after(2, 0)?.map((e) => e.offset)).toEqual([3, 4, 5]);
    expect(history.after(4, 0)?.map((e) => e.offset)).toEqual([5]);
    expect(history.after(1, 0)).toBeNull(); // offset 2 is gone
    expect(history.after(6, 0)).toBeNull(); // in the future
    expect(history.after(-1, 0)).toBeNull();
    expect(history.after(2.5, 0)).toBeNull();
  });

  it('an empty history recovers offset 0 with nothing to replay', () => {
    const history = new TopicHistory(3, 1_000);
    expect(history.after(0, 0)).toEqual([]);
    expect(history.latest(0)).toBeUndefined();
  });

  it('drops entries once their ttl has passed, oldest first', () => {
    const history = new TopicHistory(10, 1_000);
    fill(history, 2, 0);
    fill(history, 2, 500);
    expect(history.length(999)).toBe(4);
    expect(history.length(1_000)).toBe(2);
    expect(history.oldestOffset(1_000)).toBe(3);
    expect(history.after(1, 1_000)).toBeNull();
    expect(history.after(2, 1_000)?.map((e) => e.offset)).toEqual([3, 4]);
    expect(history.length(1_500)).toBe(0);
    expect(history.latest(1_500)).toBeUndefined();
    // Everything expired: a subscriber that had it all still recovers (nothing missed); one behind does not.
    expect(history.after(4, 1_500)).toEqual([]);
    expect(history.after(3, 1_500)).toBeNull();
    // Offsets keep growing after expiry, in the same epoch.
    history.append('m5', 2_000);
    expect(history.entries(2_000).map((e) => e.offset)).toEqual([5]);
  });

  it('wraps around the ring many times and stays in order', () => {
    const history = new TopicHistory(4, 1_000);
    fill(history, 1_003);
    expect(history.entries(0).map((e) => e.offset)).toEqual([1_000, 1_001, 1_002, 1_003]);
    expect(history.after(1_001, 0)?.map((e) => e.json)).toEqual(['m1002', 'm1003']);
  });

  it('names each history with a new 8-character base36 epoch', () => {
    const epochs = new Set(Array.from({ length: 100 }, () => newEpoch()));
    expect(epochs.size).toBe(100);
    for (const epoch of epochs) expect(epoch).toMatch(/^[0-9a-z]{8}$/);
    expect(new TopicHistory(1, 1).epoch).not.toBe(new TopicHistory(1, 1).epoch);
  });
});
