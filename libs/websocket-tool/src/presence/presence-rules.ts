import type { TopicSettings } from '../config/topic-options.interface.js';
import { compileTopicPattern, MAX_CACHED_TOPICS } from '../history/topic-rules.js';

/** The presence of a topic: whether its subscribers hear joins and leaves. */
export interface TopicPresenceRule {
  readonly events: boolean;
}

/**
 * Which topics have presence: the first `topics` entry whose pattern matches
 * a topic decides (as for history), and the answer is cached per topic. No
 * entry with presence: every answer is null without a lookup.
 */
export class PresenceRules {
  private readonly compiled: Array<{ test: RegExp; rule: TopicPresenceRule | null }>;
  private readonly cache = new Map<string, TopicPresenceRule | null>();
  /** True when no entry has presence. */
  readonly empty: boolean;

  constructor(topics: readonly TopicSettings[]) {
    this.compiled = topics.map((entry) => ({ test: compileTopicPattern(entry.pattern), rule: entry.presence }));
    this.empty = topics.every((entry) => entry.presence === null);
  }

  match(topic: string): TopicPresenceRule | null {
    if (this.empty) return null;
    const known = this.cache.get(topic);
    if (known !== undefined) return known;
    let found: TopicPresenceRule | null = null;
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
