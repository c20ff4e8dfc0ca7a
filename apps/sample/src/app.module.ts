import { fileURLToPath } from 'node:url';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { WebSocketToolModule } from '@websocket-tool/nestjs';
import { ProtectedPrometheusController } from '@websocket-tool/nestjs/prometheus';
import { ChatHandlers } from './chat/chat.handlers.js';
import { CHAT_ROOM_TOPICS } from './chat/chat-rooms.js';
import { RoomEvents } from './chat/room-events.js';
import { PageController } from './page/page.controller.js';
import { HealthController } from './health/health.controller.js';
import { ReportJobsModule, reportJobsWebSocketOptions } from './jobs/index.js';

// With REDIS_URL (in the environment: it is read before .env is) the report demo runs on a
// BullMQ queue and worker; without, in this process.
const reportJobs = { redisUrl: process.env.REDIS_URL || undefined };

@Module({
  imports: [
    // FP_WST_* settings (and PORT, HOST) from apps/sample/.env when there is one (see .env.example);
    // global, so WebSocketToolModule reads them through ConfigService and names the file as their source.
    ConfigModule.forRoot({ isGlobal: true, envFilePath: fileURLToPath(new URL('../.env', import.meta.url)) }),
    // Chat rooms keep a history: a page that reconnects gets what it missed (chat/chat-rooms.ts).
    WebSocketToolModule.forRoot({ isGlobal: true, topics: CHAT_ROOM_TOPICS, ...reportJobsWebSocketOptions(reportJobs) }),
    // The app owns /metrics; WebSocketTool adds its fp_websocket_tool_* metrics to the same registry.
    // ProtectedPrometheusController guards /metrics as the admin API: local requests only, or
    // FP_WST_ADMIN_TOKEN for a remote Prometheus (it needs isGlobal: true above).
    PrometheusModule.register({ controller: ProtectedPrometheusController }),
    TerminusModule,
    // Lifecycle events (rooms opened and left empty, cluster-wide) reach @OnEvent listeners (chat/room-events.ts).
    EventEmitterModule.forRoot(),
    ReportJobsModule.register(reportJobs),
  ],
  providers: [ChatHandlers, RoomEvents],
  controllers: [PageController, HealthController],
})
export class AppModule {}
