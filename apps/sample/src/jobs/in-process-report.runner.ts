import { Inject, Injectable } from '@nestjs/common';
import { TaskMonitor } from '@websocket-tool/nestjs';
import { REPORT_JOBS_OPTIONS } from './report-jobs.constants.js';
import type { ReportJobsOptions } from './report-jobs-options.interface.js';
import { ReportRunner, type ReportRequest } from './report-runner.js';
import { runReportSteps } from './report-steps.js';

/** Runs reports in this process, reported through `TaskMonitor.track`. */
@Injectable()
export class InProcessReportRunner extends ReportRunner {
  readonly mode = 'in-process' as const;

  constructor(
    private readonly tasks: TaskMonitor,
    @Inject(REPORT_JOBS_OPTIONS) private readonly options: Required<Pick<ReportJobsOptions, 'stepMs'>>,
  ) {
    super();
  }

  async start(request: ReportRequest): Promise<void> {
    // track() never rejects: the outcome goes to the clients as task_success or task_failed.
    void this.tasks.track(
      request.taskId,
      (task) =>
        runReportSteps(
          { progress: (percent, message) => task.progress(percent, message), log: (level, message) => task.log(level, message) },
          request.title,
          this.options.stepMs,
          request.fail,
        ),
      { name: `Report "${request.title}"`, owner: request.owner },
    );
  }
}
