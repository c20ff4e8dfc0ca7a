/**
 * The message types of task events, as the original plugin's tasks-worker
 * integration named them.
 *
 * @publicApi
 */
export const TaskMessageType = {
  Started: 'tasks_worker.task_started',
  Progress: 'tasks_worker.task_progress',
  Logs: 'tasks_worker.logs',
  Success: 'tasks_worker.task_success',
  Failed: 'tasks_worker.task_failed',
} as const;

/** Content of `tasks_worker.task_success`, as in the original. @publicApi */
export const TASK_END_OF_LOG = '[END OF LOG]';

/** `meta.event` of `tasks_worker.task_success`, as in the original. @publicApi */
export const TASK_DONE_EVENT = '__TASK_DONE__';

/** Prefix of the topic that carries a task's events. @publicApi */
export const TASK_TOPIC_PREFIX = 'task:';

/**
 * The topic a client subscribes to (`system.subscribe`) for a task's events.
 *
 * @publicApi
 */
export const taskTopic = (taskId: string): string => TASK_TOPIC_PREFIX + taskId;
