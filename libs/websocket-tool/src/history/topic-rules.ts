import type { TopicSettings } from '../config/topic-options.interface.js';

/** How many topics' answers are cached before the cache starts over (topic names come from clients too). */
export const MAX_CACHED_TOPICS = 10_000;

/** A pattern as a regular expression: `*` matches any run of characters, everything else itself. */
export function compileTopicPattern(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

/**
 * Which `topics` entry applies to a topic: the first whose pattern matches,
 * or none. The answer is computed once per topic and cached, so a publish
 * costs one Map lookup (none at all when no entry is configured). An entry
 * that keeps neither history nor latest value answers null: it only stops
 * later entries from matching.
 */
export class TopicRules {
  private readonly compiled: Array<{ test: RegExp; rule: TopicSettings | null }>;
  private readonly cache = new Map<string, TopicSettings | null>();

  constructor(topics: readonly TopicSettings[]) {
    this.compiled = topics.map((rule) => ({
      test: compileTopicPattern(rule.pattern),
      rule: rule.history !== null || rule.latest ? rule : null,
    }));
  }

  /** True when no entry is configured: every topic is answered null without a lookup. */
  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** How many topics are cached (for tests). */
  get cached(): number {
    return this.cache.size;
  }

  match(topic: string): TopicSettings | null {
    if (this.compiled.length === 0) return null;
    const known = this.cache.get(topic);
    if (known !== undefined) return known;
    let found: TopicSettings | null = null;
    for (const entry of this.compiled) {
      if (entry.test.test(topic)) {
        found = entry.rule;
        break;
      }
    }
    if (this.cache.size >= MAX_CACHED_TOPICS) this.cache.clear();
    this.cache.set(topic, found);
    return found;
  }
}
