import { describe, expect, it } from 'vitest';
import type { TopicSettings } from '../config/topic-options.interface.js';
import { PresenceRules } from './presence-rules.js';

const entry = (pattern: string, presence: TopicSettings['presence']): TopicSettings => ({
  pattern,
  history: null,
  latest: true,
  delta: false,
  presence,
});

describe('PresenceRules', () => {
  it('the first matching entry decides, with or without presence', () => {
    const rules = new PresenceRules([entry('room:vip', null), entry('room:*', { events: true }), entry('lobby', { events: false })]);
    expect(rules.empty).toBe(false);
    expect(rules.match('room:1')).toEqual({ events: true });
    expect(rules.match('room:vip')).toBeNull();
    expect(rules.match('lobby')).toEqual({ events: false });
    expect(rules.match('other')).toBeNull();
  });

  it('is empty without an entry that has presence', () => {
    expect(new PresenceRules([entry('x', null)]).empty).toBe(true);
    expect(new PresenceRules([]).match('x')).toBeNull();
  });
});
