import { describe, expect, it } from 'vitest';
import { resolveSettings } from './resolve-settings.js';
import { SettingsValidationError } from './resolved-settings-error.js';
import { resolveTopicSettings } from './resolve-topic-settings.js';

const messages = (value: unknown) => resolveTopicSettings(value).problems.map((p) => p.message);

describe('resolveTopicSettings', () => {
  it('accepts nothing, an empty list, and entries with durations in milliseconds', () => {
    expect(resolveTopicSettings(undefined)).toEqual({ problems: [], topics: [] });
    expect(resolveTopicSettings([])).toEqual({ problems: [], topics: [] });
    expect(
      resolveTopicSettings([
        { pattern: 'chat:*', history: { size: 200, ttlSeconds: 300 } },
        { pattern: 'prices', latest: true },
        { pattern: 'game:*', history: { size: 1, ttlSeconds: 0.5 }, latest: true },
        { pattern: 'room:*', presence: { events: true } },
        { pattern: 'lobby', presence: true },
        { pattern: 'stage:*', presence: { events: 'on-request' } },
      ]).topics,
    ).toEqual([
      { pattern: 'chat:*', history: { size: 200, ttlMs: 300_000 }, latest: false, delta: false, presence: null },
      { pattern: 'prices', history: null, latest: true, delta: false, presence: null },
      { pattern: 'game:*', history: { size: 1, ttlMs: 500 }, latest: true, delta: false, presence: null },
      { pattern: 'room:*', history: null, latest: false, delta: false, presence: { events: true } },
      { pattern: 'lobby', history: null, latest: false, delta: false, presence: { events: false } },
      { pattern: 'stage:*', history: null, latest: false, delta: false, presence: { events: 'on-request' } },
    ]);
  });

  it('names each wrong field and its rule', () => {
    expect(messages({ pattern: 'x' })).toEqual([expect.stringMatching(/^option "topics"="object" is invalid: it must be an array/)]);
    const found = messages([
      { pattern: 42, history: { size: 0, ttlSeconds: -1 } },
      { pattern: 'a b', latest: 'yes', extra: 1 },
      { pattern: 'ok', history: { size: 1.5, ttlSeconds: 10, max: 3 } },
      'chat:*',
      { pattern: 'ok', history: 5 },
      { pattern: 'ok', presence: { events: 'yes', who: 1 } },
      { pattern: 'ok', presence: 'on' },
    ]);
    expect(found).toEqual([
      `option "topics[0].pattern"=42 is invalid: it must be a topic name or a glob with '*' (1 to 256 characters, no spaces), like 'chat:*'.`,
      'option "topics[0].history.size"=0 is invalid: it must be an integer from 1 to 100000.',
      'option "topics[0].history.ttlSeconds"=-1 is invalid: it must be a number of seconds more than 0 and at most 86400.',
      'option "topics[1].extra"="extra" is invalid: it must be left out: use pattern, history, latest, delta and presence.',
      `option "topics[1].pattern"="a b" is invalid: it must be a topic name or a glob with '*' (1 to 256 characters, no spaces), like 'chat:*'.`,
      'option "topics[1].latest"="yes" is invalid: it must be true or false.',
      'option "topics[2].history.max"="max" is invalid: it must be left out: use size and ttlSeconds.',
      'option "topics[2].history.size"=1.5 is invalid: it must be an integer from 1 to 100000.',
      'option "topics[3]"="string" is invalid: it must be an object { pattern, history?, latest?, presence? }.',
      'option "topics[4].history"="number" is invalid: it must be an object { size, ttlSeconds }.',
      'option "topics[5].presence.who"="who" is invalid: it must be left out: use events.',
      'option "topics[5].presence.events"="yes" is invalid: it must be true, false or \'on-request\'.',
      'option "topics[6].presence"="string" is invalid: it must be true, false or an object { events? }.',
    ]);
  });

  it('resolveSettings throws one SettingsValidationError listing them, and exposes settings.topics', () => {
    expect(() => resolveSettings({ topics: [{ pattern: 'a', history: { size: 0, ttlSeconds: 1 } }] }, {})).toThrow(SettingsValidationError);
    expect(() => resolveSettings({ topics: [{ pattern: 'a', history: { size: 0, ttlSeconds: 1 } }] }, {})).toThrow(
      /topics\[0\]\.history\.size/,
    );
    expect(resolveSettings({}, {}).topics).toEqual([]);
    expect(resolveSettings({ topics: [{ pattern: 'p', latest: true }] }, {}).topics).toEqual([
      { pattern: 'p', history: null, latest: true, delta: false, presence: null },
    ]);
  });
});
