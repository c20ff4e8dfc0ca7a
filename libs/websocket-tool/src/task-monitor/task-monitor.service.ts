import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { ClientConnection } from '../connection/client-connection.js';
import { ConnectionRegistry } from '../connection/connection-registry.js';
import { isValidTopic } from '../connection/topic-name.js';
import { BroadcastService } from '../messaging/broadcast.service.js';
import { OutboundSender } from '../outbound/outbound-sender.js';
import type { WsOutboundMessage } from '../protocol/envelope.interface.js';
import { isPlainObject } from '../protocol/json-guards.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type {
  TaskContext,
  TaskEventsAudience,
  TaskLogger,
  TaskLogLevel,
  TaskOutcome,
  TaskOwner,
  TaskSnapshot,
  TaskStartOptions,
} from './task-event.interface.js';
import type { TaskEventKind, TaskEventRecord } from './task-history.js';
import { TASK_DONE_EVENT, TASK_END_OF_LOG, TASK_TOPIC_PREFIX, TaskMessageType, taskTopic } from './task-message-types.js';
import {
  invalidPercentMessage,
  invalidTaskIdMessage,
  invalidTaskOwnerMessage,
  resultOmittedMessage,
  subscribeReplayFailedMessage,
  trackedTasksEvictedMessage,
} from './task-monitor.messages.js';
import { TaskStore, type TrackedTask } from './task-store.js';
import { clampText, errorText, formatLogMessage, MAX_TASK_RESULT_LENGTH, toWireLevel } from './task-text.js';
import { taskLoggerMethods } from './task-logger-methods.js';

/** Name of the retention sweep in the `SchedulerRegistry`. */
export const TASK_RETENTION_INTERVAL_NAME = 'websocket-tool:task-retention';

/** Sends a job's log line through the BullMQ events stream; resolves false if it cannot. @internal */
export type JobLogRoute = (queueName: string, jobId: string, level: string, line: string) => Promise<boolean>;

/**
 * Streams the progress, logs and outcome of background tasks to the clients
 * that should see them: subscribers of the topic `task:<taskId>` and the
 * task's owner (or everyone with `taskEventsAudience: 'all'`).
 *
 * A client that subscribes late first gets the task's recent history
 * (`taskHistorySize` events, marked `meta.history: true`), then live events,
 * with no gap and no duplicate; every event carries a per-task `meta.seq`.
 * Finished tasks are forgotten after `taskRetention` seconds and at most
 * `maxTrackedTasks` are kept.
 *
 * @example
 * ```ts
 * const taskId = randomUUID();
 * void this.tasks.track(taskId, async (task) => {
 *   task.progress(50, 'Half way');
 *   task.logger.log('Crunching numbers');
 *   return { rows: 42 };
 * }, { name: 'Monthly report', owner: context.clientId });
 * return { task_id: taskId }; // the client subscribes to `task:<task_id>`
 * ```
 * @publicApi
 */
@Injectable()
export class TaskMonitor implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly nestLogger = new Logger('WebSocketTool');
  private readonly store: TaskStore;
  private readonly audience: TaskEventsAudience;
  private readonly retentionMs: number;
  private jobLogRoute: JobLogRoute | null = null;
  private stopped = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly registry: ConnectionRegistry,
    private readonly broadcast: BroadcastService,
    private readonly sender: OutboundSender,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.store = new TaskStore(settings.maxTrackedTasks, settings.taskHistorySize);
    this.audience = settings.taskEventsAudience;
    this.retentionMs = settings.taskRetentionMs;
  }

  onModuleInit(): void {
    this.registry.listen({ subscribed: (connection, topic) => this.replayTo(connection, topic) });
  }

  onApplicationBootstrap(): void {
    if (this.retentionMs === 0 || this.scheduler.doesExist('interval', TASK_RETENTION_INTERVAL_NAME)) return;
    const every = Math.min(30_000, Math.max(50, this.retentionMs / 4));
    const timer = setInterval(() => this.sweep(), every);
    timer.unref();
    this.scheduler.addInterval(TASK_RETENTION_INTERVAL_NAME, timer);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', TASK_RETENTION_INTERVAL_NAME)) this.scheduler.deleteInterval(TASK_RETENTION_INTERVAL_NAME);
    this.store.clear();
  }

  /**
   * Starts (or restarts) a task and sends `tasks_worker.task_started`.
   * Restarting keeps counting `seq`, so clients keep de-duplicating.
   *
   * @throws TypeError if `taskId` cannot be part of a topic name.
   */
  start(taskId: string, options: TaskStartOptions = {}): void {
    this.checkId(taskId);
    const owner = options.owner === undefined ? undefined : checkOwner(options.owner);
    const now = Date.now();
    let task = this.store.get(taskId);
    if (!task) {
      const created = this.store.create(taskId, now);
      task = created.task;
      if (created.evictedRunning) {
        this.nestLogger.warn(trackedTasksEvictedMessage(created.evictedRunning.taskId, this.settings.maxTrackedTasks));
      }
    } else {
      this.store.markRunning(task);
      task.startedAt = now;
    }
    task.name = options.name === undefined ? task.name : clampText(String(options.name));
    if (owner !== undefined) task.owner = owner;
    task.state = 'running';
    task.percent = null;
    task.finishedAt = null;
    task.error = null;
    this.emit(task, 'started', TaskMessageType.Started, task.name, { task_id: taskId, event: 'task_started', name: task.name });
  }

  /**
   * Reports progress, `percent` clamped to 0..100, with an optional message
   * (the content of `tasks_worker.task_progress`). Returns false if the task
   * has already finished; an unknown task is started first.
   */
  progress(taskId: string, percent: number, message?: string): boolean {
    if (typeof percent !== 'number' || !Number.isFinite(percent)) throw new TypeError(invalidPercentMessage(percent));
    const task = this.running(taskId);
    if (!task) return false;
    const value = Math.round(Math.min(100, Math.max(0, percent)) * 100) / 100;
    task.percent = value;
    const content = message === undefined || message === null ? null : clampText(String(message));
    this.emit(task, 'progress', TaskMessageType.Progress, content, { task_id: taskId, event: 'task_progress', percent: value });
    return true;
  }

  /**
   * Sends one log line (`tasks_worker.logs`, `meta.level` in the original's
   * names: DEBUG, INFO, WARNING, ERROR, CRITICAL). Errors are sent as name and
   * message, never with their stack. Returns false if the task has finished.
   */
  log(taskId: string, level: TaskLogLevel | string, message: unknown): boolean {
    const task = this.running(taskId);
    if (!task) return false;
    this.emit(task, 'log', TaskMessageType.Logs, formatLogMessage(message), { task_id: taskId, level: toWireLevel(level) });
    return true;
  }

  /**
   * Finishes a task successfully: `tasks_worker.task_success` with content
   * `"[END OF LOG]"`. A `result` (not null) that is JSON of at most 16 KiB
   * is sent in `meta.result`. Returns false if the task had already finished.
   */
  succeed(taskId: string, result?: unknown): boolean {
    const task = this.running(taskId);
    if (!task) return false;
    task.state = 'succeeded';
    const meta: Record<string, unknown> = { event: TASK_DONE_EVENT, task_id: taskId };
    const json = this.resultJson(taskId, result);
    if (json !== undefined) meta.result = JSON.parse(json);
    this.finish(task, 'success', TaskMessageType.Success, TASK_END_OF_LOG, meta);
    return true;
  }

  /**
   * Finishes a task as failed: `tasks_worker.task_failed` with the error's
   * message (never its stack) as content and `meta.error`. Returns false if
   * the task had already finished.
   */
  fail(taskId: string, error: unknown): boolean {
    const task = this.running(taskId);
    if (!task) return false;
    task.state = 'failed';
    task.error = errorText(error);
    this.finish(task, 'failed', TaskMessageType.Failed, task.error, { task_id: taskId, event: 'task_failed', error: task.error });
    return true;
  }

  /**
   * Starts a task, runs `fn` and reports its outcome: its return value goes
   * to `succeed()` (and so to `meta.result`), a throw to `fail()`. The
   * promise never rejects, so it is safe to fire and forget; the outcome
   * says how it ended.
   *
   * @throws TypeError (synchronously) if `taskId` or the owner is invalid.
   */
  track<T>(taskId: string, fn: (task: TaskContext) => T | Promise<T>, options: TaskStartOptions = {}): Promise<TaskOutcome<T>> {
    this.start(taskId, options);
    return this.run(taskId, fn);
  }

  private async run<T>(taskId: string, fn: (task: TaskContext) => T | Promise<T>): Promise<TaskOutcome<T>> {
    const context: TaskContext = {
      taskId,
      progress: (percent, message) => void this.progress(taskId, percent, message),
      log: (level, message) => void this.log(taskId, level, message),
      logger: this.createLogger(taskId),
    };
    try {
      const result = await fn(context);
      this.succeed(taskId, result);
      return { ok: true, result };
    } catch (error) {
      this.fail(taskId, error);
      return { ok: false, error };
    }
  }

  /**
   * A logger whose lines stream as the task's `tasks_worker.logs`. Extra
   * arguments (Nest's stack and context) are not sent.
   *
   * @throws TypeError if `taskId` cannot be part of a topic name.
   */
  logger(taskId: string): TaskLogger {
    this.checkId(taskId);
    return this.createLogger(taskId);
  }

  /** The state of a task, or undefined if it is not tracked (never started, or forgotten). */
  get(taskId: string): TaskSnapshot | undefined {
    return this.store.get(taskId)?.snapshot();
  }

  /** Every tracked task, oldest first. */
  list(): TaskSnapshot[] {
    return [...this.store.values()].map((task) => task.snapshot());
  }

  /** The topic carrying a task's events. */
  topic(taskId: string): string {
    return taskTopic(taskId);
  }

  /** True if `taskId` can be used (it must fit in a topic name). */
  isValidTaskId(taskId: unknown): taskId is string {
    return typeof taskId === 'string' && isValidTopic(taskTopic(taskId), this.settings.maxTopicLength);
  }

  /**
   * @internal Used by the BullMQ bridge, so `createJobLogger` lines travel with
   * the queue's events; returns the function that stops the routing (the
   * listener shape of the registry and the cluster seams).
   */
  routeJobLogs(route: JobLogRoute): () => void {
    this.jobLogRoute = route;
    return () => {
      if (this.jobLogRoute === route) this.jobLogRoute = null;
    };
  }

  /** @internal A job's log line: through the bridge when it follows the job's queue, else sent directly. */
  async streamJobLog(queueName: string, jobId: string, level: string, line: string): Promise<void> {
    if (this.jobLogRoute && (await this.jobLogRoute(queueName, jobId, level, line))) return;
    if (this.isValidTaskId(jobId)) this.log(jobId, level, line);
  }

  private createLogger(taskId: string): TaskLogger {
    const at = (level: TaskLogLevel) => (message: unknown) => void this.log(taskId, level, message);
    return taskLoggerMethods(at);
  }

  private checkId(taskId: unknown): asserts taskId is string {
    if (!this.isValidTaskId(taskId)) throw new TypeError(invalidTaskIdMessage(taskId, this.settings.maxTopicLength));
  }

  /** The task if it is running; an unknown one is started; a finished one gives null. */
  private running(taskId: string): TrackedTask | null {
    let task = this.store.get(taskId);
    if (!task) {
      this.start(taskId);
      task = this.store.get(taskId) as TrackedTask;
    }
    return task.state === 'running' ? task : null;
  }

  private finish(task: TrackedTask, kind: TaskEventKind, type: string, content: unknown, meta: Record<string, unknown>): void {
    task.finishedAt = Date.now();
    this.emit(task, kind, type, content, meta);
    if (this.retentionMs === 0) this.store.delete(task.taskId);
    else this.store.markFinished(task);
  }

  private resultJson(taskId: string, result: unknown): string | undefined {
    if (result === undefined || result === null) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(result);
    } catch (err) {
      this.nestLogger.warn(resultOmittedMessage(taskId, `it is not JSON: ${err instanceof Error ? err.message : String(err)}`));
      return undefined;
    }
    if (json !== undefined && json.length > MAX_TASK_RESULT_LENGTH) {
      this.nestLogger.warn(resultOmittedMessage(taskId, `its JSON is larger than ${MAX_TASK_RESULT_LENGTH} characters`));
      return undefined;
    }
    return json;
  }

  private emit(task: TrackedTask, kind: TaskEventKind, type: string, content: unknown, meta: Record<string, unknown>): void {
    task.seq++;
    const message: WsOutboundMessage = { type, content, meta: { ...meta, seq: task.seq } };
    const record: TaskEventRecord = { seq: task.seq, kind, message, timestamp: new Date().toISOString() };
    task.history.push(record);
    if (this.stopped) return;
    if (this.audience === 'all') {
      this.broadcast.broadcast(message);
      return;
    }
    this.broadcast.publish(task.topic, message);
    if (task.owner !== undefined) this.sendToOwner(task, record);
  }

  /** Owner connections get the event directly unless they already got it as subscribers. */
  private sendToOwner(task: TrackedTask, record: TaskEventRecord): void {
    const owner = task.owner as TaskOwner;
    const direct = (connection: ClientConnection, send: () => void) => {
      if (connection.closing || connection.topics.has(task.topic)) return;
      send();
      if (!task.ownerDeliveries.has(connection)) task.ownerDeliveries.set(connection, record.seq);
    };
    if (typeof owner === 'string' || 'clientId' in owner) {
      const clientId = typeof owner === 'string' ? owner : owner.clientId;
      const connection = this.registry.get(clientId);
      if (connection) direct(connection, () => this.broadcast.sendToClient(clientId, record.message));
      return;
    }
    const userId = String(owner.userId);
    for (const connection of this.registry.values()) {
      const identity = connection.identity;
      if (!isPlainObject(identity)) continue;
      const id = identity.userId;
      if ((typeof id === 'string' || typeof id === 'number') && String(id) === userId) {
        direct(connection, () => this.sender.sendTo(connection, record.message));
      }
    }
  }

  /**
   * Called synchronously when a connection subscribes to a topic: queues the
   * task's history before any later live event can be queued, so the
   * subscriber sees history then live events, with no gap and no duplicate.
   */
  private replayTo(connection: ClientConnection, topic: string): void {
    if (!topic.startsWith(TASK_TOPIC_PREFIX)) return;
    const task = this.store.get(topic.slice(TASK_TOPIC_PREFIX.length));
    if (!task) return;
    try {
      const deliveredFrom = task.ownerDeliveries.get(connection) ?? Number.POSITIVE_INFINITY;
      for (const record of task.history.replay()) {
        if (record.seq >= deliveredFrom) break;
        const replayed: WsOutboundMessage = { ...record.message, meta: { ...record.message.meta, history: true } };
        this.sender.sendTo(connection, replayed, record.timestamp);
      }
    } catch (err) {
      this.nestLogger.error(subscribeReplayFailedMessage(topic), err instanceof Error ? err.stack : String(err));
    }
  }

  private sweep(): void {
    this.store.sweep(Date.now(), this.retentionMs);
  }
}

/** Validates an owner: a non-empty client id, `{ clientId }` or `{ userId }`. */
function checkOwner(owner: unknown): TaskOwner {
  if (typeof owner === 'string' && owner.length > 0) return owner;
  if (isPlainObject(owner)) {
    if (typeof owner.clientId === 'string' && owner.clientId.length > 0) return { clientId: owner.clientId };
    if ((typeof owner.userId === 'string' && owner.userId.length > 0) || typeof owner.userId === 'number') {
      return { userId: owner.userId };
    }
  }
  throw new TypeError(invalidTaskOwnerMessage(owner));
}
