import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { WebSocketToolModuleOptions } from '@websocket-tool/nestjs';
import { BullMqReportRunner } from './bullmq-report.runner.js';
import { InProcessReportRunner } from './in-process-report.runner.js';
import { REPORT_JOBS_OPTIONS, REPORTS_QUEUE } from './report-jobs.constants.js';
import type { ReportJobsOptions } from './report-jobs-options.interface.js';
import { ReportHandlers } from './report.handlers.js';
import { ReportProcessor } from './report.processor.js';
import { ReportRunner } from './report-runner.js';
import { redisConnectionFromUrl } from './redis-url.js';

/**
 * The "generate report" demo. Without a Redis URL, reports run in this
 * process through `TaskMonitor.track`; with one, through a BullMQ queue and
 * an `@nestjs/bullmq` worker, forwarded by the TaskMonitor's BullMQ bridge
 * (see `reportJobsWebSocketOptions`). Needs `WebSocketToolModule` to be global.
 */
@Module({})
export class ReportJobsModule {
  static register(options: ReportJobsOptions = {}): DynamicModule {
    const resolved = { stepMs: options.stepMs ?? 700 };
    const providers: Provider[] = [{ provide: REPORT_JOBS_OPTIONS, useValue: resolved }, ReportHandlers];
    if (!options.redisUrl) {
      return { module: ReportJobsModule, providers: [...providers, { provide: ReportRunner, useClass: InProcessReportRunner }] };
    }
    return {
      module: ReportJobsModule,
      imports: [
        BullModule.forRoot({ connection: redisConnectionFromUrl(options.redisUrl), prefix: options.prefix }),
        BullModule.registerQueue({ name: REPORTS_QUEUE }),
      ],
      providers: [...providers, { provide: ReportRunner, useClass: BullMqReportRunner }, ReportProcessor],
    };
  }
}

/** The WebSocketTool options the demo needs: the BullMQ bridge when it runs on Redis. */
export function reportJobsWebSocketOptions(options: ReportJobsOptions = {}): Pick<WebSocketToolModuleOptions, 'taskMonitor'> {
  if (!options.redisUrl) return {};
  return { taskMonitor: { bullmq: { queues: [REPORTS_QUEUE], connection: options.redisUrl, prefix: options.prefix } } };
}
