export { TaskMonitor, TASK_RETENTION_INTERVAL_NAME } from './task-monitor.service.js';
export { TaskMonitorBullMqBridge } from './bullmq-task-bridge.js';
export { createJobLogger, JOB_LOG_EVENT, type JobLogTarget, type JobEventPublisher } from './job-logger.js';
export { TaskMessageType, TASK_END_OF_LOG, TASK_DONE_EVENT, TASK_TOPIC_PREFIX, taskTopic } from './task-message-types.js';
export type {
  TaskOwner,
  TaskStartOptions,
  TaskLogLevel,
  TaskWireLevel,
  TaskState,
  TaskEventsAudience,
  TaskSnapshot,
  TaskLogger,
  TaskContext,
  TaskOutcome,
} from './task-event.interface.js';
export type { TaskMonitorOptions, TaskMonitorBullMqOptions, TaskMonitorRedisConnection } from '../config/task-monitor-options.interface.js';
