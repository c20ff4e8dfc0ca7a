import { describe, expect, it } from 'vitest';
import type { TopicSettings } from '../config/topic-options.interface.js';
import { compilePattern, MAX_CACHED_NAMES } from '../config/pattern-table.js';
import { TopicRules } from './topic-rules.js';

const rule = (pattern: string, latest = false, history: TopicSettings['history'] = { size: 10, ttlMs: 1_000 }): TopicSettings => ({
  pattern,
  history,
  latest,
  delta: false,
  presence: null,
});

describe('topic patterns', () => {
  it('matches exact names and globs where * is any run of characters', () => {
    expect(compilePattern('prices').test('prices')).toBe(true);
    expect(compilePattern('prices').test('prices2')).toBe(false);
    expect(compilePattern('chat:*').test('chat:room-1')).toBe(true);
    expect(compilePattern('chat:*').test('chat:')).toBe(true);
    expect(compilePattern('chat:*').test('xchat:1')).toBe(false);
    expect(compilePattern('a*b*c').test('a-x-b-y-c')).toBe(true);
    // Characters that mean something in a regular expression stand for themselves.
    expect(compilePattern('a.b').test('axb')).toBe(false);
    expect(compilePattern('a.b').test('a.b')).toBe(true);
  });

  it('the first matching entry wins; an entry keeping nothing answers null', () => {
    const rules = new TopicRules([rule('chat:private:*', false, null), rule('chat:*'), rule('prices', true, null)]);
    expect(rules.match('chat:private:1')).toBeNull();
    expect(rules.match('chat:1')?.pattern).toBe('chat:*');
    expect(rules.match('prices')).toMatchObject({ pattern: 'prices', history: null, latest: true });
    expect(rules.match('other')).toBeNull();
  });

  it('caches each topic once, and starts over past the bound', () => {
    const rules = new TopicRules([rule('chat:*')]);
    rules.match('chat:1');
    rules.match('chat:1');
    rules.match('nope');
    expect(rules.cached).toBe(2);
    for (let i = 0; i < MAX_CACHED_NAMES + 5; i++) rules.match(`t${i}`);
    expect(rules.cached).toBeLessThanOrEqual(MAX_CACHED_NAMES);
    expect(rules.match('chat:1')?.pattern).toBe('chat:*');
  });

  it('without entries, answers null and caches nothing', () => {
    const rules = new TopicRules([]);
    expect(rules.empty).toBe(true);
    expect(rules.match('chat:1')).toBeNull();
    expect(rules.cached).toBe(0);
  });
});
