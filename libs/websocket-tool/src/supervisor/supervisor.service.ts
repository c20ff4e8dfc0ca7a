import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { HandshakeAdmission } from '../rate-limit/handshake-admission.js';
import { HeartbeatService } from '../heartbeat/heartbeat.service.js';
import { OutboundQueue } from '../outbound/outbound-queue.js';
import { WsStatsService } from '../stats/ws-stats.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { loopRestartedMessage } from './supervisor.messages.js';

/** Name of the supervisor interval in the `SchedulerRegistry`. */
export const SUPERVISOR_INTERVAL_NAME = 'websocket-tool:supervisor';

/**
 * Every `taskRestartInterval` seconds, checks the background loops (the
 * outbound consumers and the heartbeat schedule), restarts any that stopped,
 * logs why and counts `supervisor_restarts`. Also forgets idle entries of the
 * per-IP connection limiter.
 *
 * @internal
 */
@Injectable()
export class SupervisorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly scheduler: SchedulerRegistry,
    private readonly queue: OutboundQueue,
    private readonly heartbeat: HeartbeatService,
    private readonly handshakeAdmission: HandshakeAdmission,
    private readonly stats: WsStatsService,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.startConsumers();
    const timer = setInterval(() => this.check(), this.settings.taskRestartIntervalMs);
    this.scheduler.addInterval(SUPERVISOR_INTERVAL_NAME, timer);
  }

  check(): void {
    for (const consumer of this.queue.consumers) {
      if (!consumer.alive) {
        const reason = consumer.lastError instanceof Error ? consumer.lastError.message : String(consumer.lastError ?? 'stopped');
        this.logger.error(loopRestartedMessage(`outbound consumer ${consumer.index}`, reason));
        this.stats.supervisorRestarts++;
      }
    }
    this.queue.startConsumers();
    if (this.heartbeat.ensureScheduled()) {
      this.logger.error(loopRestartedMessage('heartbeat', 'its interval was missing'));
      this.stats.supervisorRestarts++;
    }
    this.handshakeAdmission.sweep(Date.now());
  }

  beforeApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', SUPERVISOR_INTERVAL_NAME)) this.scheduler.deleteInterval(SUPERVISOR_INTERVAL_NAME);
  }
}
