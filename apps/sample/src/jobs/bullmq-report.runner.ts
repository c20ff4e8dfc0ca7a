import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { REPORT_JOB, REPORTS_QUEUE } from './report-jobs.constants.js';
import { ReportRunner, type ReportRequest } from './report-runner.js';

/** What a report job carries; `owner` and `taskName` are read by the TaskMonitor's BullMQ bridge. */
export interface ReportJobData {
  title: string;
  fail: boolean;
  owner: ReportRequest['owner'];
  taskName: string;
}

/** Queues reports on BullMQ; the task id is the job id. */
@Injectable()
export class BullMqReportRunner extends ReportRunner {
  readonly mode = 'bullmq' as const;

  constructor(@InjectQueue(REPORTS_QUEUE) private readonly queue: Queue<ReportJobData>) {
    super();
  }

  async start(request: ReportRequest): Promise<void> {
    const data: ReportJobData = { title: request.title, fail: request.fail, owner: request.owner, taskName: `Report "${request.title}"` };
    await this.queue.add(REPORT_JOB, data, {
      jobId: request.taskId,
      attempts: 1,
      removeOnComplete: { age: 3600, count: 100 },
      removeOnFail: { age: 3600, count: 100 },
    });
  }
}
