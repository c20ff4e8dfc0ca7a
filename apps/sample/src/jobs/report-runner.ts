import type { TaskOwner } from '@websocket-tool/nestjs';

/** One report request, as the handler accepted it. */
export interface ReportRequest {
  taskId: string;
  title: string;
  fail: boolean;
  owner: TaskOwner;
}

/** Starts a report in the background: in this process, or through BullMQ. */
export abstract class ReportRunner {
  abstract readonly mode: 'in-process' | 'bullmq';
  abstract start(request: ReportRequest): Promise<void>;
}
