import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClusterHistory, type ClusterHistoryListener, type StampableFrame } from '../cluster/history/cluster-history.js';
import { InMemoryClusterHistory } from '../cluster/history/in-memory-cluster-history.js';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { TopicSettings } from '../config/topic-options.interface.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { isPlainObject } from '../protocol/json-guards.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { historyNotSharedMessage } from './history.messages.js';
import { RecoveryHolds, type RecoveryHold, type HeldMessage } from './recovery-holds.js';
import { stampableFrame } from './stamp-frame.js';
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

/** What a cluster-mode recovery answers: the resumption, and the position it covers (held live messages above it follow). */
export interface SharedResumption extends TopicResumption {
  /** The epoch read, or null when the read failed (then every held message follows). */
  readonly epoch: string | null;
  readonly offset: number;
  /** True when `frames` is a latest value, superseded by any live message held meanwhile. */
  readonly latest?: boolean;
}

/**
 * The topics' histories and latest values (the `topics` option).
 * `BroadcastService.publish` records through it; `system.subscribe` resumes
 * through it. On a single node they live in this process (rings). In cluster
 * mode (`shared`) they are kept in Redis through the `ClusterHistory` seam:
 * publish stamps in Redis, recovery reads Redis while the live messages are
 * held back (`hold`/`capture`/`release`); a latest-value topic without history
 * keeps its last value in Redis.
 *
 * @internal
 */
@Injectable()
export class TopicHistoryStore implements OnModuleInit, OnModuleDestroy {
  /** False in cluster mode: nothing is kept in this process. */
  readonly enabled: boolean;
  /** True in cluster mode: topics with history are kept for the whole cluster, through `ClusterHistory`. */
  readonly shared: boolean;
  private readonly holds = new RecoveryHolds();
  private readonly rules: TopicRules;
  private readonly histories = new Map<string, TopicHistory>();
  /** Last message of latest-value topics without history. */
  private readonly latestValues = new Map<string, string>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    @Optional() @Inject(HISTORY_CLOCK) private readonly now: () => number = Date.now,
    @Optional() private readonly cluster: ClusterHistory = new InMemoryClusterHistory(),
  ) {
    this.enabled = settings.cluster === null;
    this.shared = !this.enabled && cluster.shared;
    this.rules = new TopicRules(this.enabled || this.shared ? settings.topics : []);
    if (!this.enabled && !this.shared && settings.topics.some((t) => t.history !== null || t.latest)) {
      new Logger('WebSocketTool').warn(historyNotSharedMessage());
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
    else if (this.shared) this.cluster.keepLatest(topic, json);
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

  /**
   * Messages kept in the histories, read at metrics scrape time: on one node,
   * those of this process (expired ones not counted); in cluster mode, those
   * the cluster holds in Redis (the same figure on every node).
   */
  keptMessages(): number | Promise<number> {
    if (this.shared) return this.cluster.keptMessages();
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

  /** Cluster mode: the stamped messages of every node, to deliver to this node's subscribers. */
  listen(listener: ClusterHistoryListener): Unsubscribe {
    return this.cluster.subscribe(listener);
  }

  /** Cluster mode: the frame of a message to `topic`, to be stamped in Redis; null when not serializable. */
  stamp(topic: string, message: WsOutboundMessage): StampableFrame | null {
    return stampableFrame(topic, message);
  }

  /**
   * Cluster mode: stamps, keeps and sends to every node; false when Redis is unreachable (nothing sent).
   * `ackId` for an acknowledged publish (see `ClusterHistory.publish`).
   */
  publishShared(topic: string, frame: StampableFrame, rule: TopicSettings, ackId?: string): boolean {
    return this.cluster.publish(topic, frame, rule.history as NonNullable<TopicSettings['history']>, ackId);
  }

  /** Cluster mode: holds back `topic`'s live messages for a subscriber whose recovery is being read. */
  hold(topic: string, clientId: string): RecoveryHold {
    return this.holds.hold(topic, clientId);
  }

  /** Cluster mode: ends a hold; returns the live messages held, in order. */
  release(hold: RecoveryHold): HeldMessage[] {
    return this.holds.release(hold);
  }

  /** Cluster mode: a live message; returns the ids of the subscribers that hold it back (to skip in the fan-out), or null. */
  capture(topic: string, offset: number, epoch: string, json: string): ReadonlySet<string> | null {
    return this.holds.capture(topic, offset, epoch, json);
  }

  /**
   * Cluster mode: what a subscriber of a topic with history gets (as `resume`),
   * read from Redis. Never rejects: a failed or late read answers
   * `recovered: false` (when `since` was given) without a position.
   */
  async resumeShared(topic: string, since: unknown, rule: TopicSettings): Promise<SharedResumption> {
    const asked = since !== undefined;
    const valid =
      isPlainObject(since) && typeof since.epoch === 'string' && typeof since.offset === 'number' && Number.isInteger(since.offset)
        ? { offset: since.offset, epoch: since.epoch }
        : null;
    if (rule.history === null) return this.latestShared(topic, asked);
    const limits = rule.history;
    try {
      const read = await this.cluster.resume(topic, limits, valid, rule.latest);
      const fields: Record<string, unknown> = { offset: read.offset, epoch: read.epoch };
      if (asked) {
        fields.recovered = valid !== null && read.recovered;
        fields.replayed = fields.recovered ? read.frames.length : 0;
      }
      return { fields, frames: read.frames, epoch: read.epoch, offset: read.offset };
    } catch {
      return { fields: asked ? { recovered: false, replayed: 0 } : {}, frames: [], epoch: null, offset: -1 };
    }
  }

  /** Cluster mode, a latest-value topic without history: its last value from Redis (none when the read fails). */
  private async latestShared(topic: string, asked: boolean): Promise<SharedResumption> {
    const fields = asked ? NOT_RECOVERED.fields : NOTHING.fields;
    let latest: string | null = null;
    try {
      latest = await this.cluster.latest(topic);
    } catch {
      latest = null;
    }
    return { fields, frames: latest === null ? [] : [latest], epoch: null, offset: -1, latest: true };
  }

  /** Cluster mode: `BroadcastService.history`, read from Redis (rejects when Redis fails). */
  async sharedHistory(topic: string, query: TopicHistoryQuery = {}): Promise<TopicHistoryPage | null> {
    const rule = this.rules.match(topic);
    if (rule === null || rule.history === null) return null;
    const read = await this.cluster.read(topic, rule.history, query.since);
    const limit = query.limit === undefined ? Infinity : Math.max(0, Math.floor(query.limit));
    let frames = read.frames;
    if (query.since !== undefined) frames = frames.slice(0, limit);
    else if (frames.length > limit) frames = frames.slice(frames.length - limit);
    return { epoch: read.epoch, offset: read.offset, messages: frames.map((json) => JSON.parse(json) as TopicHistoryMessage) };
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
