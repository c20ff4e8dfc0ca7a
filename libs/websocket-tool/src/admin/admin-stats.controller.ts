import { Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse } from './api-docs.decorators.js';
import { ClusterAdminService } from './cluster/cluster-admin.service.js';
import { WsHealthService } from '../observability/health/ws-health.service.js';
import { AdminController } from './admin-controller.decorator.js';
import { HealthResponseDto } from './dto/health.dto.js';
import { StatsResponseDto } from './dto/stats.dto.js';

/** Statistics and health. `/ws/*` and `/info/*` are the same routes under the original plugin's two names. */
@AdminController()
export class AdminStatsController {
  constructor(
    private readonly health: WsHealthService,
    private readonly cluster: ClusterAdminService,
  ) {}

  @Get(['ws/stats', 'info/stats'])
  @ApiOperation({
    summary: 'Every counter and gauge, with the health verdict',
    description: 'In cluster mode: totals over every node that answered, and one row per node under cluster.nodes.',
  })
  @ApiOkResponse({ type: StatsResponseDto })
  stats(): StatsResponseDto | Promise<StatsResponseDto> {
    return this.cluster.snapshot();
  }

  @Get(['ws/health', 'info/health'])
  @ApiOperation({
    summary: 'Health: healthy, warning or critical (the most severe rule wins)',
    description: 'Events count over the last healthWindow seconds, so health recovers after a storm.',
  })
  @ApiOkResponse({ type: HealthResponseDto, description: 'healthy or warning' })
  @ApiServiceUnavailableResponse({ type: HealthResponseDto, description: 'critical, or the server is shutting down' })
  check(): HealthResponseDto {
    const report = this.health.report();
    if (report.status === 'critical') throw new ServiceUnavailableException(report);
    return report;
  }
}
