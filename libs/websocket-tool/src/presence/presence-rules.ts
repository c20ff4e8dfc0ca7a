import { PatternTable } from '../config/pattern-table.js';
import type { TopicSettings } from '../config/topic-options.interface.js';

/** The presence of a topic: whether its subscribers hear joins and leaves (all of them, or those who ask). */
export interface TopicPresenceRule {
  readonly events: boolean | 'on-request';
}

/**
 * Which topics have presence: the first `topics` entry whose pattern matches
 * a topic decides (as for history), and the answer is cached per topic. No
 * entry with presence: every answer is null without a lookup.
 */
export class PresenceRules extends PatternTable<TopicPresenceRule> {
  constructor(topics: readonly TopicSettings[]) {
    super(topics.map((entry) => ({ pattern: entry.pattern, value: entry.presence })));
  }
}
