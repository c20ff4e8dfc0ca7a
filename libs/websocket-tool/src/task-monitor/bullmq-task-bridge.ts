import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventEmitter } from 'node:events';
import type { Queue, QueueEvents } from 'bullmq';
import { isPlainObject } from '../protocol/json-guards.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { NormalizedBullMqOptions } from '../config/task-monitor-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import type { TaskOwner } from './task-event.interface.js';
import { JOB_LOG_EVENT } from './job-logger.js';
import {
  bullmqErrorMessage,
  bullmqEventFailedMessage,
  bullmqInvalidJobIdMessage,
  bullmqLoadFailedMessage,
} from './task-monitor.messages.js';
import { TaskMonitor } from './task-monitor.service.js';

type BullMq = typeof import('bullmq');

/** Custom event the bridge writes once per queue at start; it reads the stream from there on. */
const BRIDGE_START_EVENT = 'websocket-tool.bridge-start';
/** BullMQ's default length of a queue's event stream. */
const DEFAULT_EVENTS_MAX_LEN = 10_000;
/** Longest wait between two attempts to reach Redis at start. */
const MAX_RETRY_DELAY_MS = 30_000;
/** Least time between two warnings about the same queue's Redis errors. */
const WARN_EVERY_MS = 30_000;
/** How many invalid job ids are remembered so each is reported once. */
const MAX_REMEMBERED_INVALID_IDS = 1000;

/** One followed queue: a `Queue` to read jobs and write log events, a `QueueEvents` to listen. */
interface Followed {
  name: string;
  queue: Queue;
  events: QueueEvents | null;
  lastWarnAt: number;
}

/**
 * Forwards the events of BullMQ queues to the `TaskMonitor` when
 * `taskMonitor.bullmq` is set: `active` starts the task (name =
 * `job.data.taskName` or the job name, owner = `job.data.owner`), `progress` reports progress (a number, or
 * `{ percent, message }`), `completed` succeeds with the return value,
 * `failed` fails with the reason, and lines of `createJobLogger` become log
 * lines. The job id is the task id.
 *
 * BullMQ is imported only when the option is set, so an app without it
 * never loads BullMQ or a Redis client.
 *
 * @publicApi
 */
@Injectable()
export class TaskMonitorBullMqBridge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebSocketTool');
  private readonly config: NormalizedBullMqOptions | null;
  private readonly followed = new Map<string, Followed>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly invalidIds = new Set<string>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private bullmq: BullMq | null = null;
  private started: Promise<void> = Promise.resolve();
  private closing = false;
  /** Stops routing job log lines through this bridge (set while it follows its queues). */
  private stopRouting: (() => void) | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) settings: WebSocketToolSettings,
    private readonly tasks: TaskMonitor,
  ) {
    this.config = settings.taskMonitor.bullmq;
  }

  /** True when `taskMonitor.bullmq` is set. */
  get enabled(): boolean {
    return this.config !== null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    if (!config) return;
    try {
      this.bullmq = await import('bullmq');
    } catch (err) {
      throw new Error(bullmqLoadFailedMessage(err instanceof Error ? err.message : String(err)), { cause: err });
    }
    const bullmq = this.bullmq;
    this.stopRouting = this.tasks.routeJobLogs((queueName, jobId, level, line) => this.publishLog(queueName, jobId, level, line));
    // Not awaited: the app starts even while Redis is down; the bridge catches up when it answers.
    this.started = Promise.all(config.queues.map((name) => this.follow(bullmq, config, name))).then(() => undefined);
  }

  /**
   * Resolves once every queue is followed: events that happen after it are
   * forwarded. Waits as long as Redis does not answer.
   */
  ready(): Promise<void> {
    return this.started;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stopRouting?.();
    this.stopRouting = null;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    const closing: Promise<void>[] = [];
    for (const followed of this.followed.values()) {
      if (followed.events) closing.push(followed.events.close());
      closing.push(followed.queue.close());
    }
    await Promise.allSettled(closing);
    this.followed.clear();
    this.chains.clear();
  }

  private async follow(bullmq: BullMq, config: NormalizedBullMqOptions, name: string): Promise<void> {
    const queue = new bullmq.Queue(name, { connection: { ...config.connection }, prefix: config.prefix });
    const followed: Followed = { name, queue, events: null, lastWarnAt: 0 };
    this.followed.set(name, followed);
    queue.on('error', (err: Error) => this.warn(followed, err));

    // The start event's id is where reading begins: every later event is seen,
    // however long the first blocking read takes to be issued.
    let startId: string | null = null;
    for (let attempt = 0; startId === null && !this.closing; attempt++) {
      try {
        startId = await queue.backend.publishEvent({ event: BRIDGE_START_EVENT }, maxEvents(queue));
      } catch (err) {
        this.warn(followed, err);
        await this.pause(Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(attempt, 7)));
      }
    }
    if (this.closing || startId === null) return;

    const events = new bullmq.QueueEvents(name, { connection: { ...config.connection }, prefix: config.prefix, lastEventId: startId });
    followed.events = events;
    events.on('error', (err: Error) => this.warn(followed, err));
    events.on('active', ({ jobId }) => this.enqueue(followed, jobId, 'active', () => this.onActive(followed, jobId)));
    events.on('progress', ({ jobId, data }) =>
      this.enqueue(followed, jobId, 'progress', async () => {
        const progress = readProgress(data);
        if (!progress || !(await this.ensureTask(followed, jobId))) return;
        this.tasks.progress(jobId, progress.percent, progress.message);
      }),
    );
    events.on('completed', ({ jobId, returnvalue }) =>
      this.enqueue(followed, jobId, 'completed', async () => {
        if (await this.ensureTask(followed, jobId)) this.tasks.succeed(jobId, returnvalue);
      }),
    );
    events.on('failed', ({ jobId, failedReason }) =>
      this.enqueue(followed, jobId, 'failed', async () => {
        if (await this.ensureTask(followed, jobId)) this.tasks.fail(jobId, failedReason || 'Job failed');
      }),
    );
    (events as unknown as EventEmitter).on(JOB_LOG_EVENT, (args: Record<string, string>) =>
      this.enqueue(followed, args.jobId, JOB_LOG_EVENT, async () => {
        if (await this.ensureTask(followed, args.jobId)) this.tasks.log(args.jobId, args.level, args.message ?? '');
      }),
    );
  }

  /** Runs the steps of one job one after the other, so a job fetch never lets a later event overtake. */
  private enqueue(followed: Followed, jobId: string, event: string, step: () => Promise<void>): void {
    if (this.closing || typeof jobId !== 'string') return;
    if (!this.tasks.isValidTaskId(jobId)) {
      this.reportInvalidId(followed.name, jobId);
      return;
    }
    const key = followed.name + '\u0000' + jobId;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(step).catch((err: unknown) => {
      if (!this.closing) {
        this.logger.warn(bullmqEventFailedMessage(followed.name, event, jobId, err instanceof Error ? err.message : String(err)));
      }
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async onActive(followed: Followed, jobId: string): Promise<void> {
    // A running task seen active again is a retry of the same job: it goes on.
    if (this.tasks.get(jobId)?.state === 'running') return;
    await this.startFromJob(followed, jobId);
  }

  /** Starts the task of a job seen for the first time; false if the job is gone or the bridge is closing. */
  private async ensureTask(followed: Followed, jobId: string): Promise<boolean> {
    if (this.tasks.get(jobId)) return true;
    return this.startFromJob(followed, jobId);
  }

  private async startFromJob(followed: Followed, jobId: string): Promise<boolean> {
    const bullmq = this.bullmq as BullMq;
    const job = await bullmq.Job.fromId(followed.queue, jobId);
    if (this.closing) return false;
    const data: unknown = job?.data;
    const taskName = isPlainObject(data) && typeof data.taskName === 'string' && data.taskName.length > 0 ? data.taskName : undefined;
    this.tasks.start(jobId, { name: taskName ?? (job?.name || followed.name), owner: readOwner(data) });
    return true;
  }

  private async publishLog(queueName: string, jobId: string, level: string, line: string): Promise<boolean> {
    const followed = this.followed.get(queueName);
    if (!followed || this.closing) return false;
    await followed.queue.backend.publishEvent({ event: JOB_LOG_EVENT, jobId, level, message: line }, maxEvents(followed.queue));
    return true;
  }

  private reportInvalidId(queueName: string, jobId: string): void {
    const key = queueName + '\u0000' + jobId;
    if (this.invalidIds.has(key)) return;
    if (this.invalidIds.size >= MAX_REMEMBERED_INVALID_IDS) this.invalidIds.clear();
    this.invalidIds.add(key);
    this.logger.warn(bullmqInvalidJobIdMessage(queueName, jobId));
  }

  private warn(followed: Followed, err: unknown): void {
    if (this.closing) return;
    const now = Date.now();
    if (now - followed.lastWarnAt < WARN_EVERY_MS) return;
    followed.lastWarnAt = now;
    this.logger.warn(bullmqErrorMessage(followed.name, err instanceof Error ? err.message : String(err)));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.retryTimers.add(timer);
    });
  }
}

function maxEvents(queue: Queue): number {
  return queue.opts.streams?.events?.maxLen ?? DEFAULT_EVENTS_MAX_LEN;
}

/** `job.data.owner`: a client id, `{ clientId }` or `{ userId }`; anything else means no owner. */
function readOwner(data: unknown): TaskOwner | undefined {
  if (!isPlainObject(data)) return undefined;
  const owner = data.owner;
  if (typeof owner === 'string' && owner.length > 0) return owner;
  if (!isPlainObject(owner)) return undefined;
  if (typeof owner.clientId === 'string' && owner.clientId.length > 0) return { clientId: owner.clientId };
  if ((typeof owner.userId === 'string' && owner.userId.length > 0) || typeof owner.userId === 'number') return { userId: owner.userId };
  return undefined;
}

/** A job's progress: a number, or an object with a numeric `percent` and an optional `message`. */
function readProgress(data: unknown): { percent: number; message?: string } | null {
  if (typeof data === 'number' && Number.isFinite(data)) return { percent: data };
  if (isPlainObject(data) && typeof data.percent === 'number' && Number.isFinite(data.percent)) {
    return { percent: data.percent, ...(typeof data.message === 'string' ? { message: data.message } : {}) };
  }
  return null;
}
