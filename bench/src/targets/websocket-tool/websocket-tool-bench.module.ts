import { Module } from '@nestjs/common';
import { WebSocketToolModule } from '@websocket-tool/nestjs';
import { WebSocketToolBenchHandlers } from './websocket-tool-bench.handlers.js';

/**
 * The module with its defaults (heartbeat, metrics and admin on), except:
 * rate limits raised and the per-IP connection cap off (every client comes
 * from 127.0.0.1) so they never interfere with the load, and the total
 * queue cap raised so a burst of broadcasts to 10,000 clients (up to two
 * million queued frames, all pointing at shared buffers) is measured rather
 * than dropped.
 */
@Module({
  imports: [
    WebSocketToolModule.forRoot({
      rateLimitMessagesPerWindow: 100_000_000,
      rateLimitConnectionsPerWindow: 100_000_000,
      maxConnectionsPerIp: 0,
      enableHeartbeat: true,
      maxQueueSize: 10_000_000,
    }),
  ],
  providers: [WebSocketToolBenchHandlers],
})
export class WebSocketToolBenchModule {}
