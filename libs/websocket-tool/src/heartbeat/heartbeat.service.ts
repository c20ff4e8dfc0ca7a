import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import { CloseCode } from '../protocol/close-codes.js';
import { SystemMessageType } from '../protocol/message-types.js';
import { serializeEnvelope } from '../protocol/serialize-envelope.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';

/** Name of the heartbeat interval in the `SchedulerRegistry`. */
export const HEARTBEAT_INTERVAL_NAME = 'websocket-tool:heartbeat';

/**
 * One sweep over all connections every `heartbeatInterval` seconds: a client
 * silent (no frame, no pong) for longer than `heartbeatTimeout` is closed
 * with 4001 `heartbeat_timeout`; every other client gets a `system.ping`
 * message (serialized once per sweep) and a protocol ping frame, so both
 * app-level clients and browsers keep the connection alive.
 *
 * @internal
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly scheduler: SchedulerRegistry,
    private readonly registry: ConnectionRegistry,
    private readonly sender: OutboundSender,
    private readonly stats: WsStatsService,
  ) {}

  onApplicationBootstrap(): void {
    this.ensureScheduled();
  }

  /** Schedules the sweep if heartbeat is on and it is not scheduled. Returns true if it (re)scheduled it. */
  ensureScheduled(): boolean {
    if (this.stopped || !this.settings.enableHeartbeat || this.scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) return false;
    const timer = setInterval(() => this.sweep(), this.settings.heartbeatIntervalMs);
    this.scheduler.addInterval(HEARTBEAT_INTERVAL_NAME, timer);
    return true;
  }

  sweep(now = Date.now()): void {
    const timeoutMs = this.settings.heartbeatTimeoutMs;
    const ping = this.sender.frame(
      serializeEnvelope({
        type: SystemMessageType.Ping,
        content: 'ping',
        meta: { ping_id: randomUUID(), timestamp: now / 1000 },
      }),
      now,
    );
    for (const connection of this.registry.values()) {
      if (now - connection.lastSeen > timeoutMs) {
        this.stats.heartbeatTimeouts++;
        this.registry.close(connection, CloseCode.HeartbeatTimeout, 'heartbeat_timeout');
        continue;
      }
      connection.lastPing = now;
      this.sender.sendNow(connection, ping);
      try {
        connection.socket.ping();
      } catch {
        // The socket is closing; its close event does the cleanup.
      }
    }
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', HEARTBEAT_INTERVAL_NAME)) this.scheduler.deleteInterval(HEARTBEAT_INTERVAL_NAME);
  }
}
