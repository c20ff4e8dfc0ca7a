import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { WebSocketToolHealthIndicator } from '@websocket-tool/nestjs';

/** The app's own health check, with WebSocketTool as one of its indicators. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly websocket: WebSocketToolHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    // up = healthy, degraded = warning (still 200), down = critical or shutting down (503).
    return this.health.check([() => this.websocket.isHealthy('websocket')]);
  }
}
