import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { RateLimitSubject } from './rate-limit-subject.interface.js';
import { RateLimitViolation } from './rate-limit-violation.js';
import { TokenBucket } from './token-bucket.js';
import type { WsRateLimitMetadata, WsRateLimitOptions } from './ws-rate-limit.decorator.js';

/**
 * The message rate-limit policy of a connection: which bucket a message is
 * charged to, what a refusal counts, and when a streak of refusals closes the
 * connection.
 *
 * - Every message is charged to the connection's bucket
 *   (`rateLimitMessagesPerWindow` per `rateLimitMessageWindow`, burst ×
 *   `rateLimitBurstMultiplier`), or to the handler's own bucket when it has
 *   `@WsRateLimit`; `@SkipWsRateLimit` handlers are not charged.
 * - Keep-alive messages (`system.ping`, the pongs, `system.heartbeat`) are
 *   charged to a control bucket of their own (`rateLimitControlPerSecond`).
 * - A refused message is a violation: counted in the stats, and the sender is
 *   told `system.rate_limited`, or closed with 1008 once
 *   `rateLimitDisconnectAfter` violations came in a row.
 * - The streak ends when a message is processed successfully (`succeeded`),
 *   not when one is merely admitted; keep-alive messages do not end it.
 *
 * Admitting costs a bucket take and allocates nothing; only a refusal
 * allocates its `RateLimitViolation`.
 *
 * @internal
 */
/** The buckets `RateLimitGuard` limits use for one connection: by message type, and by limit name. */
interface GuardedBuckets {
  readonly byType: Map<string, TokenBucket>;
  readonly byName: Map<string, TokenBucket>;
}

@Injectable()
export class MessageAdmission {
  /** Buckets of the guarded limits, per connection; gone with the connection. */
  private readonly guarded = new WeakMap<RateLimitSubject, GuardedBuckets>();

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
  ) {}

  /**
   * Charges one message of `type`: to the connection's bucket (`limit`
   * undefined), to the handler's own bucket (`limit` given, one bucket per
   * type and connection), or to nothing (`limit` false). Returns null when
   * the message is admitted.
   */
  admit(subject: RateLimitSubject, limit: WsRateLimitMetadata | undefined, type: string, now: number): RateLimitViolation | null {
    if (limit === undefined) {
      const bucket = subject.bucket;
      if (bucket.take(now)) return null;
      return this.refuse(subject, bucket, this.settings.rateLimitMessagesPerWindow, this.settings.rateLimitMessageWindow, now);
    }
    if (limit === false) return null;
    const buckets = (subject.handlerBuckets ??= new Map());
    return this.charge(subject, buckets, type, limit, now);
  }

  /**
   * Charges a keep-alive message to the connection's control bucket, created
   * on first use: `rateLimitControlPerSecond` per second, burst ×
   * `rateLimitBurstMultiplier`. A refusal counts like any other.
   */
  admitControl(subject: RateLimitSubject, now: number): RateLimitViolation | null {
    const perSecond = this.settings.rateLimitControlPerSecond;
    const bucket = (subject.controlBucket ??= TokenBucket.forWindow(perSecond, 1000, this.settings.rateLimitBurstMultiplier, now));
    if (bucket.take(now)) return null;
    return this.refuse(subject, bucket, perSecond, 1, now);
  }

  /**
   * Charges a limit checked by `RateLimitGuard`: to a bucket per connection
   * and `limit.name` when it has one (shared by every handler using the
   * name, in any module), else per connection and message type. These
   * buckets live as long as the connection. A refusal counts in the same
   * streak as every other.
   */
  admitGuarded(subject: RateLimitSubject, limit: WsRateLimitOptions, type: string, now: number): RateLimitViolation | null {
    let buckets = this.guarded.get(subject);
    if (!buckets) {
      buckets = { byType: new Map(), byName: new Map() };
      this.guarded.set(subject, buckets);
    }
    return limit.name !== undefined
      ? this.charge(subject, buckets.byName, limit.name, limit, now)
      : this.charge(subject, buckets.byType, type, limit, now);
  }

  /** A message of the connection was processed successfully: its violation streak ends. */
  succeeded(subject: RateLimitSubject): void {
    subject.violations = 0;
  }

  private charge(
    subject: RateLimitSubject,
    buckets: Map<string, TokenBucket>,
    key: string,
    limit: WsRateLimitOptions,
    now: number,
  ): RateLimitViolation | null {
    let bucket = buckets.get(key);
    if (!bucket) {
      // A handler's limit is declared in seconds, as the window the refusal reports.
      bucket = TokenBucket.forWindow(
        limit.limit,
        limit.window * 1000,
        limit.burstMultiplier ?? this.settings.rateLimitBurstMultiplier,
        now,
      );
      buckets.set(key, bucket);
    }
    if (bucket.take(now)) return null;
    return this.refuse(subject, bucket, limit.limit, limit.window, now);
  }

  /** Counts a violation; past `rateLimitDisconnectAfter` in a row, the answer is a disconnect. */
  private refuse(subject: RateLimitSubject, bucket: TokenBucket, limit: number, window: number, now: number): RateLimitViolation {
    const violations = ++subject.violations;
    subject.violationsTotal++;
    const stats = this.stats;
    stats.rateLimitedMessages++;
    stats.topRateLimitedClients.add(subject.clientId);
    stats.topRateLimitedIps.add(subject.ip);
    const disconnect = violations >= this.settings.rateLimitDisconnectAfter;
    if (disconnect) stats.rateLimitDisconnects++;
    return new RateLimitViolation(disconnect, Math.round(bucket.retryAfterSeconds(now) * 1000) / 1000, limit, window, violations);
  }
}
