import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ADMIN_EXPORTS, ADMIN_PROVIDERS } from './admin/admin.providers.js';
import { withAdminRoutes } from './admin/admin-routes.js';
import { ClientBundleService } from './client-bundle/client-bundle.service.js';
import { Backplane } from './cluster/backplane.interface.js';
import { CLUSTER_PROVIDERS } from './cluster/cluster.providers.js';
import { settingsProvider, websocketToolConfigProvider } from './config/settings.provider.js';
import { websocketToolConfig } from './config/websocket-tool.config.js';
import { ConnectionHooks } from './messaging/connection-hooks.js';
import { ConnectionLifecycle } from './transport/connection-lifecycle.service.js';
import { ConnectionRegistry } from './connection/connection-registry.js';
import { HandshakeService } from './transport/handshake.service.js';
import { WebSocketToolGateway } from './transport/websocket-tool.gateway.js';
import { StreamContinuity } from './history/stream-continuity.service.js';
import { TopicHistoryStore } from './history/topic-history-store.js';
import { HeartbeatService } from './heartbeat/heartbeat.service.js';
import { TokenExpiryService } from './heartbeat/token-expiry.service.js';
import { PresenceService } from './presence/presence.service.js';
import { LifecycleEvents } from './presence/lifecycle-events.service.js';
import { BroadcastService } from './messaging/broadcast.service.js';
import { HandlerSettledListener } from './messaging/dispatch/handler-settled.listener.js';
import { WsHandlerRegistry } from './messaging/discovery/ws-handler-registry.js';
import { MESSAGING_PROVIDERS } from './messaging/messaging.providers.js';
import { WsMetricsService } from './observability/metrics/ws-metrics.service.js';
import { OBSERVABILITY_EXPORTS, OBSERVABILITY_PROVIDERS } from './observability/observability.providers.js';
import { OutboundQueue } from './outbound/outbound-queue.js';
import { RATE_LIMIT_EXPORTS, RATE_LIMIT_PROVIDERS } from './rate-limit/rate-limit.providers.js';
import { FrameWrittenListener } from './outbound/frame-written.listener.js';
import { OutboundBudget } from './outbound/outbound-budget.js';
import { OutboundSender } from './outbound/outbound-sender.js';
import { SendFailedListener } from './outbound/send-failed.listener.js';
import { WsStatsService } from './stats/ws-stats.service.js';
import { SupervisorService } from './supervisor/supervisor.service.js';
import { TaskMonitorBullMqBridge } from './task-monitor/bullmq-task-bridge.js';
import { TaskMonitor } from './task-monitor/task-monitor.service.js';
import { AsyncApiDocumentService } from './asyncapi/asyncapi-document.service.js';
import { WEBSOCKET_TOOL_SETTINGS } from './config/config.constants.js';
import {
  WEBSOCKET_TOOL_ASYNC_OPTIONS_TYPE,
  WEBSOCKET_TOOL_OPTIONS_TYPE,
  WebSocketToolConfigurableModule,
} from './websocket-tool.module-definition.js';

/**
 * Real-time WebSocket messaging for a Nest app.
 *
 * @example
 * ```ts
 * @Module({ imports: [WebSocketToolModule.forRoot({ maxQueueSize: 20000 })] })
 * export class AppModule {}
 * // main.ts: app.useWebSocketAdapter(new WebSocketToolAdapter(app));
 * ```
 * @publicApi
 */
@Module({
  imports: [DiscoveryModule, ScheduleModule.forRoot()],
  providers: [
    settingsProvider,
    websocketToolConfigProvider,
    WsStatsService,
    OutboundBudget,
    OutboundQueue,
    OutboundSender,
    ConnectionRegistry,
    ConnectionHooks,
    { provide: SendFailedListener, useExisting: ConnectionHooks },
    { provide: FrameWrittenListener, useExisting: WsMetricsService },
    ...RATE_LIMIT_PROVIDERS,
    ...MESSAGING_PROVIDERS,
    ConnectionLifecycle,
    HandshakeService,
    WebSocketToolGateway,
    HeartbeatService,
    TokenExpiryService,
    SupervisorService,
    TopicHistoryStore,
    StreamContinuity,
    PresenceService,
    LifecycleEvents,
    BroadcastService,
    WsMetricsService,
    { provide: HandlerSettledListener, useExisting: WsMetricsService },
    ClientBundleService,
    AsyncApiDocumentService,
    TaskMonitor,
    TaskMonitorBullMqBridge,
    ...OBSERVABILITY_PROVIDERS,
    ...ADMIN_PROVIDERS,
    ...CLUSTER_PROVIDERS,
  ],
  exports: [
    WEBSOCKET_TOOL_SETTINGS,
    websocketToolConfig.KEY,
    ConnectionRegistry,
    BroadcastService,
    PresenceService,
    WsStatsService,
    WsHandlerRegistry,
    TaskMonitor,
    TaskMonitorBullMqBridge,
    ...OBSERVABILITY_EXPORTS,
    ...ADMIN_EXPORTS,
    ...RATE_LIMIT_EXPORTS,
    Backplane,
  ],
})
export class WebSocketToolModule extends WebSocketToolConfigurableModule {
  /** Registers the module; every option is optional and `FP_WST_*` env vars override them. */
  static override forRoot(options: typeof WEBSOCKET_TOOL_OPTIONS_TYPE = {}): DynamicModule {
    return withAdminRoutes(super.forRoot(options));
  }

  /** Registers the module with options from a factory, class or existing provider (`useFactory`, `useClass`, `useExisting`). */
  static override forRootAsync(options: typeof WEBSOCKET_TOOL_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withAdminRoutes(super.forRootAsync(options));
  }
}
