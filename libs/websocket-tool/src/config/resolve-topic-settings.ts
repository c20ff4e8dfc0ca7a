import { isPlainObject } from '../protocol/json-guards.js';
import { invalidTopicOptionMessage } from './config.messages.js';
import type { ResolvedSettingsError } from './resolved-settings-error.js';
import type { TopicSettings } from './topic-options.interface.js';

/** A pattern is a topic name in which `*` may stand for any run of characters: no spaces or control characters. */
const PATTERN = /^[^\s\p{Cc}]{1,256}$/u;
const ENTRY_KEYS = new Set(['pattern', 'history', 'latest', 'delta', 'presence']);
const PRESENCE_KEYS = new Set(['events']);
const HISTORY_KEYS = new Set(['size', 'ttlSeconds']);
export const MAX_HISTORY_SIZE = 100_000;
export const MAX_HISTORY_TTL_SECONDS = 86_400;

/**
 * Checks `options.topics` and returns the problems (empty when valid) and the
 * entries with their durations in milliseconds. `resolveSettings` calls it; the
 * result is `settings.topics`.
 */
export function resolveTopicSettings(value: unknown): { problems: ResolvedSettingsError[]; topics: readonly TopicSettings[] } {
  const problems: ResolvedSettingsError[] = [];
  const bad = (path: string, shown: unknown, rule: string) =>
    problems.push({ source: `option "${path}"`, value: shown, message: invalidTopicOptionMessage(path, shown, rule) });
  const none = Object.freeze([]) as readonly TopicSettings[];

  if (value === undefined) return { problems, topics: none };
  if (!Array.isArray(value)) {
    bad('topics', typeof value, "an array like [{ pattern: 'chat:*', history: { size: 200, ttlSeconds: 300 } }]");
    return { problems, topics: none };
  }
  const topics: TopicSettings[] = [];
  value.forEach((entry: unknown, i) => {
    const at = `topics[${i}]`;
    if (!isPlainObject(entry)) {
      bad(at, typeof entry, 'an object { pattern, history?, latest?, presence? }');
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) bad(`${at}.${key}`, key, 'left out: use pattern, history, latest, delta and presence');
    }
    const pattern = entry.pattern;
    if (typeof pattern !== 'string' || !PATTERN.test(pattern)) {
      bad(`${at}.pattern`, pattern, "a topic name or a glob with '*' (1 to 256 characters, no spaces), like 'chat:*'");
    }
    const latest = entry.latest ?? false;
    if (typeof latest !== 'boolean') bad(`${at}.latest`, latest, 'true or false');
    const delta = entry.delta ?? false;
    if (typeof delta !== 'boolean') bad(`${at}.delta`, delta, 'true or false');
    let history: TopicSettings['history'] = null;
    if (entry.history !== undefined) {
      const raw = entry.history;
      if (!isPlainObject(raw)) {
        bad(`${at}.history`, typeof raw, 'an object { size, ttlSeconds }');
      } else {
        for (const key of Object.keys(raw)) {
          if (!HISTORY_KEYS.has(key)) bad(`${at}.history.${key}`, key, 'left out: use size and ttlSeconds');
        }
        const { size, ttlSeconds } = raw;
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_HISTORY_SIZE) {
          bad(`${at}.history.size`, size, `an integer from 1 to ${MAX_HISTORY_SIZE}`);
        }
        if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_HISTORY_TTL_SECONDS) {
          bad(`${at}.history.ttlSeconds`, ttlSeconds, `a number of seconds more than 0 and at most ${MAX_HISTORY_TTL_SECONDS}`);
        }
        if (problems.length === before) history = Object.freeze({ size: size as number, ttlMs: Math.round((ttlSeconds as number) * 1000) });
      }
    }
    const presence = resolvePresence(entry.presence, `${at}.presence`, bad);
    if (problems.length === before)
      topics.push(Object.freeze({ pattern: pattern as string, history, latest: latest as boolean, delta: delta as boolean, presence }));
  });
  return { problems, topics: problems.length > 0 ? none : Object.freeze(topics) };
}

/** `presence: true | false | { events? }` as resolved: null when off. */
function resolvePresence(raw: unknown, path: string, bad: (path: string, shown: unknown, rule: string) => void): TopicSettings['presence'] {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return Object.freeze({ events: false });
  if (!isPlainObject(raw)) {
    bad(path, typeof raw, 'true, false or an object { events? }');
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!PRESENCE_KEYS.has(key)) bad(`${path}.${key}`, key, 'left out: use events');
  }
  const events = raw.events ?? false;
  if (typeof events !== 'boolean' && events !== 'on-request') {
    bad(`${path}.events`, events, "true, false or 'on-request'");
    return null;
  }
  return Object.freeze({ events });
}
