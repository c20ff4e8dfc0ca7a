import { Logger } from '@nestjs/common';
import type { TaskLogger, TaskLogLevel } from './task-event.interface.js';
import { jobLogPublishFailedMessage } from './task-monitor.messages.js';
import { TaskMonitor } from './task-monitor.service.js';
import { formatLogMessage, toWireLevel } from './task-text.js';
import { taskLoggerMethods } from './task-logger-methods.js';

/** Name of the custom BullMQ queue event that carries a job's log line. @publicApi */
export const JOB_LOG_EVENT = 'websocket-tool.log';

/**
 * The parts of a BullMQ `Job` that `createJobLogger` uses (so this library
 * does not need BullMQ's types).
 *
 * @publicApi
 */
export interface JobLogTarget {
  id?: string;
  queueName: string;
  log(row: string): Promise<number>;
}

/**
 * Something that publishes custom events on a queue's event stream: a
 * BullMQ `QueueEventsProducer` for the job's queue (same name and prefix).
 *
 * @publicApi
 */
export interface JobEventPublisher {
  publishEvent(args: { eventName: string } & Record<string, string>, maxEvents?: number): Promise<void>;
}

/**
 * A logger for a BullMQ job: each line is stored with `job.log()` (prefixed
 * with its level) and streamed to the task's clients as `tasks_worker.logs`.
 *
 * Lines travel on the queue's event stream, next to the job's progress and
 * completion, so clients see them in the order the job produced them:
 * - pass the `TaskMonitor` when the worker runs in the app that bridges the
 *   queue (`taskMonitor.bullmq`);
 * - pass a BullMQ `QueueEventsProducer` of the job's queue when the worker
 *   runs in another process.
 *
 * Every method returns a promise that resolves once the line is stored and
 * streamed, and never rejects (a failure is logged). Await it, and await
 * `job.updateProgress()`, to keep lines and progress in order.
 *
 * @example
 * ```ts
 * async process(job: Job) {
 *   const log = createJobLogger(job, this.tasks);
 *   await log.info('Collecting data');
 *   await job.updateProgress(50);
 * }
 * ```
 * @publicApi
 */
export function createJobLogger(job: JobLogTarget, via: TaskMonitor | JobEventPublisher): TaskLogger<Promise<void>> {
  const logger = new Logger('WebSocketTool');
  const jobId = String(job.id ?? '');
  let chain: Promise<void> = Promise.resolve();

  const write = async (level: TaskLogLevel, line: string): Promise<void> => {
    const wire = toWireLevel(level);
    try {
      await job.log(`[${wire}] ${line}`);
    } catch (err) {
      logger.warn(jobLogPublishFailedMessage(jobId, `job.log: ${err instanceof Error ? err.message : String(err)}`));
    }
    try {
      if (via instanceof TaskMonitor) await via.streamJobLog(job.queueName, jobId, wire, line);
      else await via.publishEvent({ eventName: JOB_LOG_EVENT, jobId, level: wire, message: line });
    } catch (err) {
      logger.warn(jobLogPublishFailedMessage(jobId, err instanceof Error ? err.message : String(err)));
    }
  };
  // Lines of one logger keep their order even when the caller does not await them.
  const at =
    (level: TaskLogLevel) =>
    (message: unknown): Promise<void> => {
      const line = formatLogMessage(message);
      chain = chain.then(() => write(level, line));
      return chain;
    };
  return taskLoggerMethods(at);
}
