import { Injectable } from '@nestjs/common';
import type { WsHealthStatus } from './health-rules.js';
import { WsHealthService } from './ws-health.service.js';

/** Status values of a Terminus health indicator. */
export type WsIndicatorStatus = 'up' | 'degraded' | 'down';

/**
 * One entry of a Terminus health check: `{ [key]: { status, ...details } }`.
 *
 * @publicApi
 */
export type WsHealthIndicatorResult<Key extends string = string> = Record<
  Key,
  { status: WsIndicatorStatus; health: WsHealthStatus; issues: string[]; active_connections: number; queue_utilization: number }
>;

const TO_INDICATOR: Record<WsHealthStatus, WsIndicatorStatus> = { healthy: 'up', warning: 'degraded', critical: 'down' };

/**
 * WebSocketTool's health as a `@nestjs/terminus` health indicator: `healthy`
 * is `up`, `warning` is `degraded` (the check still answers 200) and
 * `critical` (including shutdown) is `down` (503). It has the shape Terminus
 * expects without importing Terminus, so apps that do not use it pay nothing.
 *
 * @example
 * ```ts
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.websocket.isHealthy('websocket')]);
 * }
 * ```
 * @publicApi
 */
@Injectable()
export class WebSocketToolHealthIndicator {
  constructor(private readonly health: WsHealthService) {}

  /** The result under `key`; never throws, a `down` status is what fails the check. */
  isHealthy<Key extends string = 'websocket'>(key: Key = 'websocket' as Key): Promise<WsHealthIndicatorResult<Key>> {
    const report = this.health.report();
    const result = {
      [key]: {
        status: TO_INDICATOR[report.status],
        health: report.status,
        issues: report.issues,
        active_connections: report.stats.active_connections,
        queue_utilization: report.stats.queue_utilization,
      },
    } as WsHealthIndicatorResult<Key>;
    return Promise.resolve(result);
  }
}
