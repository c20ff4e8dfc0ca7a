/** Log and error texts of the task monitor, each naming what is wrong and what to do. */

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

export const invalidTaskIdMessage = (taskId: unknown, maxTopicLength: number): string =>
  `Task id ${show(taskId)} is invalid: "task:<id>" must be a topic name of at most ${maxTopicLength} characters ` +
  'made of letters, digits and ._:@/-. Use such an id (a UUID works).';

export const invalidPercentMessage = (percent: unknown): string =>
  `Task progress ${show(percent)} is invalid: give a finite number from 0 to 100.`;

export const trackedTasksEvictedMessage = (taskId: string, max: number): string =>
  `More than ${max} tasks are tracked, all still running; forgot the oldest ("${taskId}"). ` +
  'Raise maxTrackedTasks (FP_WST_MAX_TRACKED_TASKS) if that many tasks really run at once.';

export const resultOmittedMessage = (taskId: string, why: string): string =>
  `The result of task "${taskId}" was not sent (${why}); tasks_worker.task_success went out without meta.result.`;

export const subscribeReplayFailedMessage = (topic: string): string =>
  `Sending the history of "${topic}" to a new subscriber failed; live events continue.`;

export const bullmqLoadFailedMessage = (reason: string): string =>
  `taskMonitor.bullmq is set but the "bullmq" package cannot be loaded (${reason}). Install it (npm install bullmq) or remove the option.`;

export const bullmqErrorMessage = (queue: string, reason: string): string =>
  `BullMQ bridge for queue "${queue}": ${reason}. Task events of this queue resume when Redis answers again.`;

export const bullmqEventFailedMessage = (queue: string, event: string, jobId: string, reason: string): string =>
  `BullMQ bridge for queue "${queue}": handling "${event}" of job ${show(jobId)} failed (${reason}).`;

export const bullmqInvalidJobIdMessage = (queue: string, jobId: string): string =>
  `BullMQ bridge for queue "${queue}": job id ${show(jobId)} cannot be a task id, so its events are not forwarded. ` +
  'Give jobs ids of letters, digits and ._:@/- (a UUID works).';

export const jobLogPublishFailedMessage = (jobId: unknown, reason: string): string =>
  `Streaming a log line of job ${show(jobId)} failed (${reason}); the line is still in the job's log.`;

export const invalidTaskOwnerMessage = (owner: unknown): string =>
  `Task owner ${typeof owner === 'string' ? show(owner) : `(a value of type ${typeof owner})`} is invalid: ` +
  'give a client id (string), { clientId } or { userId }.';
