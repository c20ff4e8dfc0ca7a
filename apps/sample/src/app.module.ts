import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { ProtectedPrometheusController, WebSocketToolModule } from '@websocket-tool/nestjs';
import { ChatHandlers } from './chat/chat.handlers.js';
import { PageController } from './page/page.controller.js';
import { HealthController } from './health/health.controller.js';
import { ReportJobsModule, reportJobsWebSocketOptions } from './jobs/index.js';

// With REDIS_URL the report demo runs on a BullMQ queue and worker; without, in this process.
const reportJobs = { redisUrl: process.env.REDIS_URL || undefined };

@Module({
  // The app owns /metrics; WebSocketTool adds its fp_websocket_tool_* metrics to the same registry.
  // ProtectedPrometheusController guards /metrics as the admin API: local requests only, or
  // FP_WST_ADMIN_TOKEN for a remote Prometheus (it needs isGlobal: true above).
  imports: [
    WebSocketToolModule.forRoot({ isGlobal: true, ...reportJobsWebSocketOptions(reportJobs) }),
    PrometheusModule.register({ controller: ProtectedPrometheusController }),
    TerminusModule,
    ReportJobsModule.register(reportJobs),
  ],
  providers: [ChatHandlers],
  controllers: [PageController, HealthController],
})
export class AppModule {}
