import { Inject, Injectable } from '@nestjs/common';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionLifecycle } from '../transport/connection-lifecycle.service.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { WsHealthService } from './health/ws-health.service.js';
import { WsHandlerRegistry } from '../messaging/discovery/ws-handler-registry.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { queryClients, type ClientQuery } from './client-query.js';
import type { ClientRow, ClientsSummary, StatsSnapshot, WsStatsFigures } from './stats-snapshot.interface.js';

const OPEN = 1;
/** A client counts as healthy above this score (as in the original dashboards). */
export const HEALTHY_CLIENT_SCORE = 0.8;

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (ms: number): number => ms / 1000;

/**
 * Reads every counter and gauge of the module into the JSON shapes of the
 * admin API (field names of the original plugin). Reading costs nothing on
 * the message path; the client list filters and pages the live connections
 * and builds rows for the requested page only.
 *
 * @publicApi
 */
@Injectable()
export class WsStatsSnapshotService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
    private readonly registry: ConnectionRegistry,
    private readonly queue: OutboundQueue,
    private readonly handlers: WsHandlerRegistry,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly health: WsHealthService,
  ) {
    this.timeoutMs = settings.heartbeatTimeoutMs;
  }

  /** Every counter and gauge. */
  counters(now = Date.now()): WsStatsFigures {
    const s = this.stats;
    return {
      total_connections: s.totalConnections,
      total_disconnections: s.totalDisconnections,
      messages_received: s.messagesReceived,
      messages_sent: s.messagesSent,
      messages_failed: s.messagesFailed,
      queue_overflows: s.queueOverflows,
      heartbeat_timeouts: s.heartbeatTimeouts,
      total_active_connections: this.registry.count(),
      active_named_connections: this.registry.countNamed(),
      active_anonymous_connections: this.registry.countAnonymous(),
      queue_size: this.queue.size,
      max_queue_size: this.queue.maxSize,
      queue_bytes: this.queue.bytes,
      max_queue_bytes: this.queue.maxBytes,
      queue_utilization: round(this.queue.utilization, 4),
      received_per_sec: round(s.receivedWindow.perSecond(now)),
      sent_per_sec: round(s.sentWindow.perSecond(now)),
      failed_per_sec: round(s.failedWindow.perSecond(now)),
      is_shutdown: this.lifecycle.shuttingDown,
      registered_handlers: this.handlers.handlers.size,
      registered_hooks: {
        client_connected: this.handlers.hooks.connect.length,
        client_disconnected: this.handlers.hooks.disconnect.length,
        message_received: this.handlers.hooks.message_received.length,
        message_failed: this.handlers.hooks.message_failed.length,
      },
      supervisor_restarts: s.supervisorRestarts,
      rate_limited_messages: s.rateLimitedMessages,
      rate_limited_connections: s.rateLimitedConnections,
      rate_limit_disconnects: s.rateLimitDisconnects,
      rejected_handshakes: s.rejectedHandshakes,
      top_rate_limited_clients: s.topRateLimitedClients.top(10).map(({ key, count }) => ({ client_id: key, count })),
      top_rate_limited_ips: s.topRateLimitedIps.top(10).map(({ key, count }) => ({ ip: key, count })),
      disconnections_by_reason: { ...s.disconnectionsByReason },
      overflow_by_policy: Object.fromEntries(Array.from(s.overflowByPolicy, ([policy, byType]) => [policy, Object.fromEntries(byType)])),
      active_topics: this.registry.topics().length,
    };
  }

  /** `GET /ws/stats`: the stats, the health verdict and the time. */
  snapshot(now = Date.now()): StatsSnapshot {
    const report = this.health.report(now);
    return {
      stats: this.counters(now),
      health: { status: report.status, issues: report.issues, message_success_rate: report.stats.message_success_rate },
      timestamp: seconds(now),
    };
  }

  /** Counts over every connected client. */
  clientSummary(now = Date.now()): ClientsSummary {
    let healthy = 0;
    for (const c of this.registry.values()) if (c.healthScore(now, this.timeoutMs) > HEALTHY_CLIENT_SCORE) healthy++;
    return {
      total_clients: this.registry.count(),
      named_clients: this.registry.countNamed(),
      anonymous_clients: this.registry.countAnonymous(),
      healthy_clients: healthy,
      users: this.registry.countUsers(),
    };
  }

  /** One page of clients matching the query, and how many match in all. */
  listClients(query: ClientQuery, now = Date.now()): { total: number; clients: ClientRow[] } {
    const { total, page } = queryClients(this.registry.values(), query, now, this.timeoutMs);
    return { total, clients: page.map((c) => this.row(c, now)) };
  }

  /** One client's row, or undefined when it is not connected. */
  client(clientId: string, now = Date.now()): ClientRow | undefined {
    const connection = this.registry.get(clientId);
    return connection ? this.row(connection, now) : undefined;
  }

  private row(c: ClientConnection, now: number): ClientRow {
    return {
      client_id: c.clientId,
      type: c.named ? 'named' : 'anonymous',
      user_id: c.userId,
      ip: c.ip,
      user_agent: c.userAgent,
      connected_at: seconds(c.connectedAt),
      duration: round(seconds(now - c.connectedAt)),
      last_ping: c.lastPing === null ? null : seconds(c.lastPing),
      last_pong: c.lastPong === null ? null : seconds(c.lastPong),
      time_since_pong: c.lastPong === null ? null : round(seconds(now - c.lastPong)),
      messages_received: c.messagesReceived,
      messages_sent: c.messagesSent,
      messages_failed: c.messagesFailed,
      queued: c.queued,
      queued_bytes: c.queuedBytes,
      health_score: round(c.healthScore(now, this.timeoutMs)),
      is_alive: !c.closing && c.socket.readyState === OPEN,
      rate_limit_remaining: c.bucket.remaining(now),
      rate_limit_violations: c.violationsTotal,
      topics: [...c.topics],
    };
  }
}
