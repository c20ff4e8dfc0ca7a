import { Module, type DynamicModule } from '@nestjs/common';
import { WebSocketToolModule, type WebSocketToolModuleOptions, type WebSocketToolOptions } from '@websocket-tool/nestjs';
import { DELTA_TOPIC_PREFIX, HISTORY_SIZE, HISTORY_TOPIC_PREFIX, PRESENCE_TOPIC_PREFIX } from '../../shared/bench-protocol.constants.js';
import { WebSocketToolBenchHandlers } from './websocket-tool-bench.handlers.js';

/**
 * What a benchmark must raise so that the load itself is measured: rate
 * limits, and the per-IP connection cap (every client comes from 127.0.0.1).
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
  static register(variant: 'tuned' | 'defaults', history = false, presence = false): DynamicModule {
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
    return {
      module: WebSocketToolBenchModule,
      imports: [WebSocketToolModule.forRoot({ ...LOAD_LIMITS_RAISED, enableHeartbeat: true, ...queue, ...topics })],
      providers: [WebSocketToolBenchHandlers],
    };
  }
}
