import type { Provider } from '@nestjs/common';
import { WsHealthService } from './health/ws-health.service.js';
import { WebSocketToolHealthIndicator } from './health/websocket-tool.health.js';
import { WsStatsSnapshotService } from './ws-stats-snapshot.service.js';

/** The health verdict, its Terminus indicator and the stats snapshot. */
export const OBSERVABILITY_PROVIDERS: Provider[] = [WsHealthService, WebSocketToolHealthIndicator, WsStatsSnapshotService];

/** The ones apps may inject: the health indicator for Terminus, snapshots for custom dashboards. */
export const OBSERVABILITY_EXPORTS = [WsHealthService, WebSocketToolHealthIndicator, WsStatsSnapshotService];
