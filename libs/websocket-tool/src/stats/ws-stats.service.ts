import { Injectable } from '@nestjs/common';
import { DISCONNECT_REASONS, type DisconnectReason } from '../protocol/close-codes.js';
import { RollingCounter } from './rolling-counter.js';
import { TopCounter } from './top-counter.js';

/**
 * Every counter of the module in one place. Increments are plain field
 * writes so the message path pays nothing; rates and gauges are computed
 * when someone reads them (admin API, metrics scrape).
 *
 * @publicApi
 */
@Injectable()
export class WsStatsService {
  totalConnections = 0;
  totalDisconnections = 0;
  messagesReceived = 0;
  messagesSent = 0;
  messagesFailed = 0;
  queueOverflows = 0;
  heartbeatTimeouts = 0;
  supervisorRestarts = 0;
  rateLimitedMessages = 0;
  rateLimitedConnections = 0;
  rateLimitDisconnects = 0;
  rejectedHandshakes = 0;
  /** Subscribes that asked to resume from a position (`since`), by outcome. */
  readonly recoveries = { recovered: 0, not_recovered: 0 };
  /**
   * Messages the overflow policies did not deliver, by policy and message type (`disconnect`: messages that
   * closed their client as a slow consumer). Types come from the app's `overflow` patterns and its own sends.
   */
  readonly overflowByPolicy = new Map<string, Map<string, number>>();
  /** Missed messages sent again to subscribers that recovered. */
  replayedMessages = 0;
  /**
   * Cluster mode: notices sent to subscribers whose node missed topic messages while its Redis link was down,
   * by notice (`insufficient_state`: a topic with history, to resubscribe with `since`; `topic_gap`: without).
   */
  readonly missedMessageNotices = { insufficient_state: 0, topic_gap: 0 };
  /** Memberships of this node's connections in topics with presence (now, not a total). */
  presenceMembers = 0;
  /** Topics with presence in which this node has members (now). */
  presenceTopics = 0;
  readonly disconnectionsByReason: Record<DisconnectReason, number> = Object.fromEntries(DISCONNECT_REASONS.map((r) => [r, 0])) as Record<
    DisconnectReason,
    number
  >;

  readonly receivedWindow = new RollingCounter(60);
  readonly sentWindow = new RollingCounter(60);
  readonly failedWindow = new RollingCounter(60);

  /** Clients and IPs with the most rate-limit rejections (bounded memory). */
  readonly topRateLimitedClients = new TopCounter(100);
  readonly topRateLimitedIps = new TopCounter(100);

  /** Counts a subscribe answer's `recovered` / `replayed` fields (nothing when it did not ask to resume). */
  recordResumption(fields: Readonly<Record<string, unknown>>): void {
    if (fields.recovered === true) {
      this.recoveries.recovered++;
      if (typeof fields.replayed === 'number') this.replayedMessages += fields.replayed;
    } else if (fields.recovered === false) {
      this.recoveries.not_recovered++;
    }
  }

  recordOverflow(policy: string, type: string, count: number): void {
    let byType = this.overflowByPolicy.get(policy);
    if (!byType) this.overflowByPolicy.set(policy, (byType = new Map()));
    byType.set(type, (byType.get(type) ?? 0) + count);
  }

  recordDisconnect(reason: DisconnectReason): void {
    this.totalDisconnections++;
    this.disconnectionsByReason[reason]++;
  }
}
