import type { Provider } from '@nestjs/common';
import { WsHealthService } from '../health/ws-health.service.js';
import { WebSocketToolHealthIndicator } from '../health/websocket-tool.health.js';
import { AdminAccessGuard } from './admin-access.guard.js';
import { AdminAccessPolicy } from './admin-access.policy.js';
import { NoStoreInterceptor } from './no-store.interceptor.js';
import { WsStatsSnapshotService } from './ws-stats-snapshot.service.js';

/** Providers of the admin API, the health check and the stats snapshot. */
export const ADMIN_PROVIDERS: Provider[] = [
  WsHealthService,
  WebSocketToolHealthIndicator,
  WsStatsSnapshotService,
  AdminAccessPolicy,
  AdminAccessGuard,
  NoStoreInterceptor,
];

/**
 * The ones apps may inject (health indicator for Terminus, snapshots for custom
 * dashboards), and the admin guard with its policy so apps can protect their own
 * routes (e.g. `/metrics`) the same way.
 */
export const ADMIN_EXPORTS = [WsHealthService, WebSocketToolHealthIndicator, WsStatsSnapshotService, AdminAccessPolicy, AdminAccessGuard];
