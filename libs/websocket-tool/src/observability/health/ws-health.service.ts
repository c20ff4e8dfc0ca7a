import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Backplane, type BackplaneState } from '../../cluster/backplane.interface.js';
import type { WebSocketToolSettings } from '../../config/resolved-settings.interface.js';
import { ConnectionLifecycle } from '../../transport/connection-lifecycle.service.js';
import { ConnectionRegistry } from '../../connection/connection-registry.js';
import { OutboundQueue } from '../../outbound/outbound-queue.js';
import { WsStatsService } from '../../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../../config/config.constants.js';
import { evaluateHealth, type WsHealthStatus, type WsHealthWindowCounts } from './health-rules.js';

/**
 * The health report, as `GET /ws/health` returns it.
 *
 * @publicApi
 */
export interface WsHealthReport {
  status: WsHealthStatus;
  issues: string[];
  stats: {
    active_connections: number;
    queue_utilization: number;
    /** Sent over sent + failed, since start. */
    message_success_rate: number;
    /** Connections accepted since start (the original plugin's name). */
    uptime_connections: number;
    is_shutdown: boolean;
    /** Length of the window the event counts below cover. */
    window_seconds: number;
    window: {
      queue_overflows: number;
      messages_sent: number;
      messages_failed: number;
      heartbeat_timeouts: number;
      disconnections: number;
      rate_limited_messages: number;
      rate_limited_connections: number;
      rate_limit_disconnects: number;
    };
  };
  /** Epoch seconds. */
  timestamp: number;
  /** Cluster mode only: this node and its link to the cluster (`warning` while it is not `up`). */
  cluster?: { node_id: string; state: BackplaneState };
}

interface Sample {
  at: number;
  counts: WsHealthWindowCounts;
}

const round = (n: number, digits = 4): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Computes health from the live gauges and the events of the last
 * `healthWindow` seconds. The cumulative counters are sampled every
 * `healthWindow / 60` seconds (between 50 ms and 5 s) into a small ring; the
 * window's count is "now minus the newest sample at least a window old", so
 * memory stays constant and a storm stops counting once it is a window behind.
 *
 * @publicApi
 */
@Injectable()
export class WsHealthService implements OnModuleInit, OnApplicationShutdown {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly windowMs: number;
  private readonly stepMs: number;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly stats: WsStatsService,
    private readonly registry: ConnectionRegistry,
    private readonly queue: OutboundQueue,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly backplane: Backplane,
  ) {
    this.windowMs = settings.healthWindowMs;
    this.stepMs = Math.min(5000, Math.max(50, this.windowMs / 60));
  }

  onModuleInit(): void {
    this.sample(Date.now());
    this.timer = setInterval(() => this.sample(Date.now()), this.stepMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The health now; `critical` while the server shuts down. */
  report(now = Date.now()): WsHealthReport {
    const window = this.windowCounts(now);
    const activeConnections = this.registry.count();
    const queueUtilization = this.queue.utilization;
    const { status, issues } = evaluateHealth({
      queueUtilization,
      activeConnections,
      window,
      windowSeconds: this.settings.healthWindow,
      shuttingDown: this.lifecycle.shuttingDown,
      backplaneDown: !this.backplane.connected,
    });
    const sent = this.stats.messagesSent;
    return {
      status,
      issues,
      stats: {
        active_connections: activeConnections,
        queue_utilization: round(queueUtilization),
        message_success_rate: round(sent / Math.max(1, sent + this.stats.messagesFailed)),
        uptime_connections: this.stats.totalConnections,
        is_shutdown: this.lifecycle.shuttingDown,
        window_seconds: this.settings.healthWindow,
        window: {
          queue_overflows: window.queueOverflows,
          messages_sent: window.messagesSent,
          messages_failed: window.messagesFailed,
          heartbeat_timeouts: window.heartbeatTimeouts,
          disconnections: window.disconnections,
          rate_limited_messages: window.rateLimitedMessages,
          rate_limited_connections: window.rateLimitedConnections,
          rate_limit_disconnects: window.rateLimitDisconnects,
        },
      },
      timestamp: now / 1000,
      ...(this.backplane.clustered ? { cluster: { node_id: this.backplane.nodeId, state: this.backplane.state } } : {}),
    };
  }

  /** Events of the last window: current counters minus the baseline sample. */
  windowCounts(now = Date.now()): WsHealthWindowCounts {
    this.prune(now);
    const current = this.counters();
    const base = this.samples[0]?.counts;
    if (!base) return current;
    const delta = {} as WsHealthWindowCounts;
    for (const key of Object.keys(current) as (keyof WsHealthWindowCounts)[]) delta[key] = Math.max(0, current[key] - base[key]);
    return delta;
  }

  private counters(): WsHealthWindowCounts {
    const s = this.stats;
    return {
      queueOverflows: s.queueOverflows,
      messagesSent: s.messagesSent,
      messagesFailed: s.messagesFailed,
      heartbeatTimeouts: s.heartbeatTimeouts,
      disconnections: s.totalDisconnections,
      rateLimitedMessages: s.rateLimitedMessages,
      rateLimitedConnections: s.rateLimitedConnections,
      rateLimitDisconnects: s.rateLimitDisconnects,
    };
  }

  private sample(now: number): void {
    this.samples.push({ at: now, counts: this.counters() });
    this.prune(now);
  }

  /** Keeps one sample at or before the window's start (the baseline) and the ones after it. */
  private prune(now: number): void {
    const start = now - this.windowMs;
    let drop = 0;
    while (drop + 1 < this.samples.length && this.samples[drop + 1].at <= start) drop++;
    if (drop > 0) this.samples.splice(0, drop);
  }
}
