import { PatternTable } from '../config/pattern-table.js';
import type { TopicSettings } from '../config/topic-options.interface.js';

/**
 * Which `topics` entry applies to a topic: the first whose pattern matches,
 * or none. The answer is computed once per topic and cached, so a publish
 * costs one Map lookup (none at all when no entry keeps anything). An entry
 * that keeps neither history nor latest value answers null: it only stops
 * later entries from matching.
 */
export class TopicRules extends PatternTable<TopicSettings> {
  constructor(topics: readonly TopicSettings[]) {
    super(topics.map((rule) => ({ pattern: rule.pattern, value: rule.history !== null || rule.latest ? rule : null })));
  }
}
