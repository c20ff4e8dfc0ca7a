import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { TaskMonitor, createJobLogger } from '@websocket-tool/nestjs';
import type { Job } from 'bullmq';
import type { ReportJobData } from './bullmq-report.runner.js';
import { REPORT_JOBS_OPTIONS, REPORTS_QUEUE } from './report-jobs.constants.js';
import type { ReportJobsOptions } from './report-jobs-options.interface.js';
import { runReportSteps, type ReportResult } from './report-steps.js';

/**
 * The BullMQ worker of the report demo (an `@nestjs/bullmq` processor).
 * Progress goes through `job.updateProgress`, log lines through
 * `createJobLogger`; the TaskMonitor's bridge forwards both to the clients.
 */
@Processor(REPORTS_QUEUE)
export class ReportProcessor extends WorkerHost {
  constructor(
    private readonly tasks: TaskMonitor,
    @Inject(REPORT_JOBS_OPTIONS) private readonly options: Required<Pick<ReportJobsOptions, 'stepMs'>>,
  ) {
    super();
  }

  async process(job: Job<ReportJobData>): Promise<ReportResult> {
    const log = createJobLogger(job, this.tasks);
    return runReportSteps(
      {
        progress: (percent, message) => job.updateProgress({ percent, message }),
        log: (level, message) => log[level](message),
      },
      job.data.title,
      this.options.stepMs,
      job.data.fail,
    );
  }
}
