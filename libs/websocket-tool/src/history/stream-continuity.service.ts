import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ClusterHistory, type HistoryTop } from '../cluster/history/cluster-history.js';
import type { Unsubscribe } from '../cluster/cluster-listener.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { SystemMessageType, UnsubscribeReason } from '../protocol/message-types.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { DeliveredPositions } from './delivered-positions.js';
import { TopicHistoryStore } from './topic-history-store.js';

/** `content.reason` of `system.topic_gap`: this node's link to the cluster was down. */
const LINK_LOST = 'link_lost';
/**
 * How long the link stays up before the subscribers of topics without history are told: while a failover
 * settles it may drop and return every few tens of milliseconds, and one notice covers all of it.
 */
const LINK_STABLE_MS = 300;

/**
 * Cluster mode: keeps this node's subscribers whole when its Redis link (or,
 * on a Redis Cluster, the shard of a topic) was lost for a while and messages
 * published meanwhile never reached it, though its clients stayed connected.
 *
 * A topic with history: its live stream is followed by offset
 * (`DeliveredPositions`). Once this node is found to have missed messages of
 * it (a message whose offset is not the next one, or, for a topic that got
 * nothing since, a history whose last position moved while the link was
 * down, or could not be read), each local subscriber is unsubscribed and told
 * with `system.unsubscribed`, `reason: 'insufficient_state'`, before anything
 * newer reaches it: its last position is then exactly where the gap starts,
 * and the recovery of its next `system.subscribe` with `since` replays what
 * was missed or answers `recovered: false`. A topic without history: its
 * subscribers get `system.topic_gap` when the link is back, since what was
 * lost cannot be known.
 *
 * @internal
 */
@Injectable()
export class StreamContinuity implements OnModuleInit, OnModuleDestroy {
  private readonly positions = new DeliveredPositions();
  private stops: Unsubscribe[] = [];
  private down = false;
  /** Counts the link's losses: a position read answers for the return it was sent after, not for a later one. */
  private losses = 0;
  private gapNotices: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly topics: TopicHistoryStore,
    private readonly cluster: ClusterHistory,
    private readonly stats: WsStatsService,
  ) {}

  onModuleInit(): void {
    if (!this.topics.shared) return;
    this.stops = [
      this.cluster.watchLink({ lost: () => this.lost(), back: () => this.back() }),
      this.registry.listen({
        unsubscribed: (_connection, topic) => {
          if (this.registry.subscribers(topic) === undefined) this.positions.forget(topic);
        },
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const stop of this.stops) stop();
    this.stops = [];
    this.cancelGapNotices();
  }

  /**
   * A stamped message of `topic`, about to reach this node's subscribers.
   * False when it showed that messages before it were missed: the
   * subscribers were unsubscribed and told, and must not get it.
   */
  follow(topic: string, offset: number, epoch: string): boolean {
    if (this.positions.delivered(topic, offset, epoch) === 'in_order') return true;
    this.resubscribeAll(topic);
    return false;
  }

  /** The position a subscriber's recovery read in Redis, for a topic this node has no position of yet. */
  seed(topic: string, top: HistoryTop): void {
    if (this.topics.shared) this.positions.seed(topic, top);
  }

  private hasHistory(topic: string): boolean {
    return this.topics.rule(topic)?.history != null;
  }

  private lost(): void {
    this.down = true;
    this.losses++;
    this.cancelGapNotices();
    this.positions.lost(this.registry.topics().filter((topic) => this.hasHistory(topic)));
  }

  private back(): void {
    if (!this.down) return;
    this.down = false;
    const unsure = this.positions.back(this.registry.topics().filter((topic) => this.hasHistory(topic)));
    this.gapNotices = setTimeout(() => this.tellGaps(), LINK_STABLE_MS);
    this.gapNotices.unref();
    if (unsure.length === 0) return;
    // While a failover settles the link may drop again before the read answers (or fails): that read says
    // nothing about the later outage, whose own return reads again.
    const losses = this.losses;
    this.cluster.tops(unsure).then(
      (tops) => losses === this.losses && unsure.forEach((topic, i) => this.settle(topic, tops[i])),
      () => losses === this.losses && unsure.forEach((topic) => this.settle(topic, null)),
    );
  }

  private settle(topic: string, top: HistoryTop | null): void {
    if (this.positions.compare(topic, top)) this.resubscribeAll(topic);
  }

  /** Unsubscribes every local subscriber of `topic` and tells it to subscribe again with its last position. */
  private resubscribeAll(topic: string): void {
    const members = this.registry.subscribers(topic);
    if (members === undefined) return;
    const content = { topic, was_subscribed: true, reason: UnsubscribeReason.InsufficientState };
    // Deleting the visited entry of a Set does not disturb the iteration.
    for (const connection of members) {
      if (connection.closing || !this.registry.unsubscribeConnection(connection, topic)) continue;
      this.registry.sendTo(connection, { type: SystemMessageType.Unsubscribed, content });
      this.stats.missedMessageNotices.insufficient_state++;
    }
  }

  /** The link stayed up: the subscribers of the topics without history are told messages may have been lost. */
  private tellGaps(): void {
    this.gapNotices = null;
    for (const topic of this.registry.topics()) {
      if (this.hasHistory(topic)) continue;
      const message = { type: SystemMessageType.TopicGap, content: { topic, reason: LINK_LOST } };
      for (const connection of this.registry.subscribers(topic) ?? []) {
        if (connection.closing) continue;
        this.registry.sendTo(connection, message);
        this.stats.missedMessageNotices.topic_gap++;
      }
    }
  }

  private cancelGapNotices(): void {
    if (this.gapNotices !== null) clearTimeout(this.gapNotices);
    this.gapNotices = null;
  }
}
