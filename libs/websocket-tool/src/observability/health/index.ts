export {
  evaluateHealth,
  QUEUE_WARNING_UTILIZATION,
  QUEUE_CRITICAL_UTILIZATION,
  FAILURE_WARNING_RATIO,
  HEARTBEAT_TIMEOUT_WARNING_RATIO,
  type WsHealthStatus,
  type WsHealthInput,
  type WsHealthVerdict,
  type WsHealthWindowCounts,
} from './health-rules.js';
export { WsHealthService, type WsHealthReport } from './ws-health.service.js';
export { WebSocketToolHealthIndicator, type WsHealthIndicatorResult, type WsIndicatorStatus } from './websocket-tool.health.js';
