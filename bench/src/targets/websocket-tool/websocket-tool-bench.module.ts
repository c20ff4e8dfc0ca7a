import { Module, type DynamicModule } from '@nestjs/common';
import { WebSocketToolModule, type WebSocketToolModuleOptions, type WebSocketToolOptions } from '@websocket-tool/nestjs';
import { DELTA_TOPIC_PREFIX, HISTORY_SIZE, HISTORY_TOPIC_PREFIX, PRESENCE_TOPIC_PREFIX } from '../../shared/bench-protocol.constants.js';
import { WebSocketToolBenchHandlers } from './websocket-tool-bench.handlers.js';

/**
 * What a benchmark must raise so that the load itself is measured: rate
 * limits, the handshake rate per IP (`rateLimitConnectionsPerWindow`, 10 a
 * window by default) and the per-IP connection cap (256 by default; every
 * client comes from a loopback address, a few addresses in all).
 */
const LOAD_LIMITS_RAISED: WebSocketToolOptions = {
  rateLimitMessagesPerWindow: 100_000_000,
  rateLimitConnectionsPerWindow: 100_000_000,
  maxConnectionsPerIp: 0,
};

/**
 * The module with its defaults (heartbeat, metrics and admin on), limits on
 * the load raised. `tuned` also raises the shared queue caps, as an app that
 * expects bursts far beyond the defaults would; the `defaults` variant keeps
 * every queue setting as shipped.
 */
@Module({})
export class WebSocketToolBenchModule {
  /** `heartbeatInterval`: seconds between heartbeat rounds, when not the default. */
  static register(variant: 'tuned' | 'defaults', history = false, presence = false, heartbeatInterval?: number): DynamicModule {
    const queue: WebSocketToolOptions = variant === 'tuned' ? { maxQueueSize: 10_000_000 } : {};
    // Only the recovery and delta scenarios' target keeps history or deltas; the others measure the module without.
    const topics: WebSocketToolModuleOptions = history
      ? {
          topics: [
            { pattern: HISTORY_TOPIC_PREFIX + '*', history: { size: HISTORY_SIZE, ttlSeconds: 300 } },
            { pattern: DELTA_TOPIC_PREFIX + '*', delta: true },
          ],
        }
      : presence
        ? { topics: [{ pattern: PRESENCE_TOPIC_PREFIX + '*', presence: true }] }
        : {};
    const heartbeat: WebSocketToolOptions = heartbeatInterval === undefined ? {} : { heartbeatInterval };
    return {
      module: WebSocketToolBenchModule,
      imports: [WebSocketToolModule.forRoot({ ...LOAD_LIMITS_RAISED, enableHeartbeat: true, ...heartbeat, ...queue, ...topics })],
      providers: [WebSocketToolBenchHandlers],
    };
  }
}
