// The public API of @websocket-tool/nestjs: every name is listed, nothing marked @internal is exported, and
// libs/websocket-tool/etc/nestjs.api.md records the surface (npm run check:api).
export { WebSocketToolModule } from './websocket-tool.module.js';
export type { WebSocketToolModuleExtras, WebSocketToolModuleOptions } from './websocket-tool.module-definition.js';
export type { SubscriptionOptions } from './messaging/system/subscription-options.interface.js';
export { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from './config/config.constants.js';
export { RESERVED_TYPE_PREFIX } from './protocol/protocol.constants.js';

export type { WebSocketToolOptions } from './config/websocket-tool-options.interface.js';
export type { WebSocketToolConfigOptions } from './config/websocket-tool-module-options.interface.js';
export type { WebSocketClusterOptions } from './config/cluster-options.interface.js';
export { redactRedisUrl } from './config/redis-url.js';
export type { WebSocketToolDurations } from './config/setting-durations.js';
export type { ClusterSettings } from './config/cluster-settings.interface.js';
export type { TaskMonitorSettings, NormalizedBullMqOptions } from './config/task-monitor-settings.interface.js';
export type { WsIdentity, WsAuthenticate, WsCanUseClientId, WsJwtOptions } from './security/ws-identity.interface.js';
export type { WebSocketToolSettings, SettingSource, EnvironmentSource } from './config/resolved-settings.interface.js';
export type { SettingsEnvironment, EnvironmentValue } from './config/settings-environment.js';
export { websocketToolConfig, WEBSOCKET_TOOL_CONFIG_NAMESPACE } from './config/websocket-tool.config.js';
export { SETTINGS_TABLE, type SettingDefinition } from './config/settings-table.js';
export { resolveSettings } from './config/resolve-settings.js';
export { SettingsValidationError } from './config/resolved-settings-error.js';

export { WebSocketToolAdapter } from './transport/websocket-tool.adapter.js';
export { CLIENT_ID_PATTERN } from './transport/client-id.js';

export { ConnectionRegistry, type SubscribeOutcome } from './connection/connection-registry.js';
export type { ConnectionInfo } from './connection/connection-info.interface.js';
export type { WsClient } from './connection/ws-client.interface.js';

export { BroadcastService, type BroadcastOptions } from './messaging/broadcast.service.js';
export type { SendResult, SendFailureReason } from './messaging/send-result.interface.js';
export {
  ClientRequestError,
  type AckOptions,
  type ClientRequestFailure,
  type ClientRequestOptions,
  type DeliveryCounts,
  type DeliveryReceipt,
  type DeliveryStatus,
  type IdempotencyOptions,
} from './messaging/delivery/delivery.interface.js';
export type { OverflowOptions, OverflowPolicyName, OverflowSettings } from './config/overflow-options.interface.js';
export type { TopicOptions, TopicHistoryOptions, TopicPresenceOptions, TopicSettings } from './config/topic-options.interface.js';
export { PresenceService } from './presence/presence.service.js';
export { WsLifecycleEvent } from './presence/ws-lifecycle-events.js';
export type { PresenceOptions } from './presence/presence-options.interface.js';
export type { PresenceMember, PresenceStats } from './cluster/topic-presence/presence-member.js';
export type { MailboxOptions, MailboxSettings } from './config/mailbox-options.interface.js';
export type { TopicHistoryQuery, TopicHistoryPage, TopicHistoryMessage, TopicPosition } from './history/topic-history.interface.js';
export { OnWsMessage, WsEmits, type OnWsMessageOptions } from './messaging/discovery/on-ws-message.decorator.js';
export type { WsDtoClass, WsMessageDeclaration, WsReplyDeclaration } from './messaging/discovery/ws-message-declaration.interface.js';
export { OnWsConnect, OnWsDisconnect, OnWsMessageReceived, OnWsMessageFailed } from './messaging/discovery/ws-hook.decorators.js';
export type { WsMessageContext } from './messaging/dispatch/ws-message-context.js';
export type { WsHookEvent, WsMessageFailure } from './messaging/discovery/ws-hook-event.js';
export type { EnqueueOutcome } from './outbound/enqueue-result.js';

export { WsRateLimit, SkipWsRateLimit, type WsRateLimitOptions } from './rate-limit/ws-rate-limit.decorator.js';
export { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
export { WsRateLimitExceededException } from './rate-limit/rate-limit-exceeded.exception.js';
export { RateLimitViolation } from './rate-limit/rate-limit-violation.js';
export { WsStatsService } from './stats/ws-stats.service.js';

export { WebSocketToolHealthIndicator, type WsHealthIndicatorResult } from './observability/health/websocket-tool.health.js';
export { WsHealthService, type WsHealthReport } from './observability/health/ws-health.service.js';
export type { WsHealthStatus } from './observability/health/health-rules.js';
export { WsStatsSnapshotService } from './observability/ws-stats-snapshot.service.js';
export { AdminAccessGuard } from './admin/admin-access.guard.js';
export { CLIENT_SORT_KEYS, type ClientSortKey } from './observability/client-query.js';
export type {
  WsStatsFigures,
  StatsSnapshot,
  StatsHealth,
  ClusterStats,
  ClusterNodeStats,
  BackplaneFigures,
  RegisteredHooks,
  TopRateLimitedClient,
  TopRateLimitedIp,
  ClientRow,
  ClientsSummary,
} from './observability/stats-snapshot.interface.js';
export {
  RegisteredHooksDto,
  TopRateLimitedClientDto,
  TopRateLimitedIpDto,
  WsStatsDto,
  StatsHealthDto,
  BackplaneStatusDto,
  ClusterNodeStatsDto,
  ClusterStatsDto,
  StatsResponseDto,
} from './admin/dto/stats.dto.js';
export { HealthWindowDto, HealthStatsDto, HealthClusterDto, HealthResponseDto } from './admin/dto/health.dto.js';
export {
  ClientRowDto,
  ClientsSummaryDto,
  ClientsResponseDto,
  ClientsQueryDto,
  DisconnectQueryDto,
  DisconnectResultDto,
} from './admin/dto/clients.dto.js';
export { SendMessageDto, SendMessageQueryDto, SendStatsDto, SendMessageResultDto } from './admin/dto/send-message.dto.js';
export { ConfigEntryDto, ConfigResponseDto, HandlerInfoDto, HandlersResponseDto } from './admin/dto/info.dto.js';
export { BroadcastQueryDto, BroadcastResultDto } from './admin/dto/broadcast.dto.js';
export {
  TopicHistoryStateDto,
  TopicRowDto,
  TopicsResponseDto,
  TopicHistoryQueryDto,
  TopicHistoryMessageDto,
  TopicHistoryResponseDto,
} from './admin/dto/topics.dto.js';
export { PresenceMemberDto, PresenceStatsDto, TopicPresenceResponseDto } from './admin/dto/presence.dto.js';

export { CloseCode, DISCONNECT_REASONS, type CloseCodeName, type DisconnectReason } from './protocol/close-codes.js';
export { WsErrorCode } from './protocol/error-codes.js';
export { SystemMessageType } from './protocol/message-types.js';
export type { WsEnvelope, WsInboundMessage, WsOutboundMessage } from './protocol/envelope.interface.js';

export { TaskMonitor, TASK_RETENTION_INTERVAL_NAME } from './task-monitor/task-monitor.service.js';
export { TaskMonitorBullMqBridge } from './task-monitor/bullmq-task-bridge.js';
export { createJobLogger, JOB_LOG_EVENT, type JobLogTarget, type JobEventPublisher } from './task-monitor/job-logger.js';
export { TaskMessageType, TASK_END_OF_LOG, TASK_DONE_EVENT, TASK_TOPIC_PREFIX, taskTopic } from './task-monitor/task-message-types.js';
export type {
  TaskOwner,
  TaskStartOptions,
  TaskLogLevel,
  TaskWireLevel,
  TaskState,
  TaskEventsAudience,
  TaskSnapshot,
  TaskLogger,
  TaskContext,
  TaskOutcome,
} from './task-monitor/task-event.interface.js';
export type { TaskMonitorOptions, TaskMonitorBullMqOptions, TaskMonitorRedisConnection } from './config/task-monitor-options.interface.js';

export {
  Backplane,
  type BackplaneState,
  type BackplaneStatus,
  type RedisClusterStatus,
  type RedisShardStatus,
  type TopicShard,
} from './cluster/backplane.interface.js';
export { InMemoryBackplane } from './cluster/in-memory.backplane.js';
