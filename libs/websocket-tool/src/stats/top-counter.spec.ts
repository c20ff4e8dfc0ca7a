import { describe, expect, it } from 'vitest';
import { TopCounter } from './top-counter.js';

describe('TopCounter', () => {
  it('ranks the most counted keys', () => {
    const top = new TopCounter(10);
    for (let i = 0; i < 5; i++) top.add('a');
    for (let i = 0; i < 3; i++) top.add('b');
    top.add('c');
    expect(top.top(2)).toEqual([
      { key: 'a', count: 5 },
      { key: 'b', count: 3 },
    ]);
  });

  it('stays within its capacity and keeps heavy hitters under churn', () => {
    const top = new TopCounter(20);
    for (let i = 0; i < 10_000; i++) {
      top.add('heavy');
      top.add('noise-' + i);
    }
    expect(top.size).toBe(20);
    expect(top.top(1)[0].key).toBe('heavy');
  });
});
