import { describe, expect, it } from 'vitest';
import { BucketHistogram } from './bucket-histogram.js';

describe('BucketHistogram', () => {
  it('puts a value in the first bucket whose bound is at least the value, and +Inf past the last', () => {
    const h = new BucketHistogram([0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 1, 10, 11, 1000]) h.observe(v);
    expect([...h.counts]).toEqual([2, 2, 1, 2]);
    expect(h.cumulative()).toEqual([2, 4, 5]);
    expect(h.count).toBe(7);
    expect(h.sum).toBeCloseTo(0.05 + 0.1 + 0.5 + 1 + 10 + 11 + 1000, 10);
  });

  it('counts negative and non-numeric values (a clock step) as 0, so the sum never goes down', () => {
    const h = new BucketHistogram([1]);
    h.observe(-5);
    h.observe(Number.NaN);
    expect([...h.counts]).toEqual([2, 0]);
    expect(h.sum).toBe(0);
    expect(h.count).toBe(2);
  });

  it('starts empty', () => {
    const h = new BucketHistogram([1, 2]);
    expect(h.cumulative()).toEqual([0, 0]);
    expect(h.count).toBe(0);
  });
});
