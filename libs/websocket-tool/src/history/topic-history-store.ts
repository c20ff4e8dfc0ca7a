import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { TopicSettings } from '../config/topic-options.interface.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { isPlainObject } from '../protocol/json-guards.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { historySingleNodeMessage } from './history.messages.js';
import { TopicHistory } from './topic-history.js';
import type { TopicHistoryMessage, TopicHistoryPage, TopicHistoryQuery, TopicResumption } from './topic-history.interface.js';
import { TopicRules } from './topic-rules.js';

/** Injects a clock into the store (tests); `Date.now` by default. */
export const HISTORY_CLOCK = Symbol('WebSocketToolHistoryClock');

/** How often histories whose every message expired, and nobody read since, are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;
const NOTHING: TopicResumption = Object.freeze({ fields: Object.freeze({}), frames: Object.freeze([]) as readonly string[] });
const NOT_RECOVERED: TopicResumption = Object.freeze({
  fields: Object.freeze({ recovered: false }),
  frames: Object.freeze([]) as readonly string[],
});

/**
 * The topics' histories and latest values on this node (the `topics` option).
 * `BroadcastService.publish` records through it; `system.subscribe` resumes
 * through it. In cluster mode it keeps nothing (a history of one node would
 * give other nodes' subscribers silent gaps): one warning at boot, no
 * positions, and every `since` is answered `recovered: false`.
 *
 * @internal
 */
@Injectable()
export class TopicHistoryStore implements OnModuleInit, OnModuleDestroy {
  /** False in cluster mode: nothing is kept. */
  readonly enabled: boolean;
  private readonly rules: TopicRules;
  private readonly histories = new Map<string, TopicHistory>();
  /** Last message of latest-value topics without history. */
  private readonly latestValues = new Map<string, string>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    @Optional() @Inject(HISTORY_CLOCK) private readonly now: () => number = Date.now,
  ) {
    this.enabled = settings.cluster === null;
    this.rules = new TopicRules(this.enabled ? settings.topics : []);
    if (!this.enabled && settings.topics.some((t) => t.history !== null || t.latest)) {
      new Logger('WebSocketTool').warn(historySingleNodeMessage());
    }
  }

  onModuleInit(): void {
    if (this.rules.empty) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** The entry that applies to `topic`, or null when it keeps nothing (one cached lookup). */
  rule(topic: string): TopicSettings | null {
    return this.rules.match(topic);
  }

  /**
   * Serializes a message published to a topic whose `rule` keeps something,
   * stamping `meta.topic/offset/epoch` when it keeps history, and keeps it.
   * Returns the frame JSON, or null when the message cannot be serialized
   * (then nothing is kept and no offset is used).
   */
  record(topic: string, message: WsOutboundMessage, rule: TopicSettings): string | null {
    const now = this.now();
    const history = rule.history ? this.historyOf(topic, rule) : null;
    let json: string;
    try {
      json = history
        ? serializeEnvelope({ ...message, meta: { ...message.meta, topic, offset: history.nextOffset, epoch: history.epoch } })
        : serializeEnvelope(message);
    } catch {
      return null;
    }
    if (history) history.append(json, now);
    else this.latestValues.set(topic, json);
    return json;
  }

  /**
   * What a subscriber of `topic` gets besides `{ topic }`, `since` being the
   * `since` of its `system.subscribe` (undefined when absent). Called in the
   * same synchronous step as the subscription, so nothing published can fall
   * between the replay and the live messages.
   */
  resume(topic: string, since: unknown): TopicResumption {
    const rule = this.rules.match(topic);
    const asked = since !== undefined;
    if (rule === null) return asked ? NOT_RECOVERED : NOTHING;
    if (rule.history === null) {
      const latest = rule.latest ? this.latestValues.get(topic) : undefined;
      const fields = asked ? NOT_RECOVERED.fields : NOTHING.fields;
      return latest === undefined ? (asked ? NOT_RECOVERED : NOTHING) : { fields, frames: [latest] };
    }
    const now = this.now();
    const history = this.historyOf(topic, rule);
    const fields: Record<string, unknown> = { offset: history.offset, epoch: history.epoch };
    if (asked) {
      const missed =
        isPlainObject(since) && since.epoch === history.epoch && typeof since.offset === 'number' ? history.after(since.offset, now) : null;
      if (missed !== null) {
        fields.recovered = true;
        fields.replayed = missed.length;
        // The subscriber has everything up to the current offset: no latest value on top.
        return { fields, frames: missed.map((entry) => entry.json) };
      }
      fields.recovered = false;
      fields.replayed = 0;
    }
    const latest = rule.latest ? history.latest(now) : undefined;
    return { fields, frames: latest ? [latest.json] : [] };
  }

  /** `BroadcastService.history`: the kept messages of `topic`, or null when it keeps no history. */
  history(topic: string, query: TopicHistoryQuery = {}): TopicHistoryPage | null {
    const rule = this.rules.match(topic);
    if (rule === null || rule.history === null) return null;
    const now = this.now();
    const history = this.historyOf(topic, rule);
    const limit = query.limit === undefined ? Infinity : Math.max(0, Math.floor(query.limit));
    let entries = history.entries(now);
    if (query.since !== undefined) {
      const since = query.since;
      entries = entries.filter((entry) => entry.offset > since).slice(0, limit);
    } else if (entries.length > limit) {
      entries = entries.slice(entries.length - limit);
    }
    return {
      epoch: history.epoch,
      offset: history.offset,
      messages: entries.map((entry) => JSON.parse(entry.json) as TopicHistoryMessage),
    };
  }

  /** Messages kept in this node's histories now (expired ones not counted); read at metrics scrape time. */
  keptMessages(): number {
    const now = this.now();
    let kept = 0;
    for (const history of this.histories.values()) kept += history.length(now);
    return kept;
  }

  /** Forgets the histories of topics with nothing kept any more and the cached lookups (a new epoch if they come back). */
  sweep(): void {
    const now = this.now();
    for (const [topic, history] of this.histories) {
      if (history.length(now) === 0) this.histories.delete(topic);
    }
  }

  private historyOf(topic: string, rule: TopicSettings): TopicHistory {
    let history = this.histories.get(topic);
    if (history === undefined) {
      const kept = rule.history as NonNullable<TopicSettings['history']>;
      history = new TopicHistory(kept.size, kept.ttlMs);
      this.histories.set(topic, history);
    }
    return history;
  }
}
