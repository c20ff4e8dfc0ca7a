import type { ClientConnection } from '../connection/client-connection.js';
import type { TaskOwner, TaskSnapshot, TaskState } from './task-event.interface.js';
import { TaskHistory } from './task-history.js';
import { taskTopic } from './task-message-types.js';

/**
 * One task the monitor knows about.
 *
 * @internal
 */
export class TrackedTask {
  readonly topic: string;
  name: string;
  owner: TaskOwner | undefined;
  state: TaskState = 'running';
  percent: number | null = null;
  seq = 0;
  startedAt: number;
  finishedAt: number | null = null;
  error: string | null = null;
  readonly history: TaskHistory;
  /**
   * The first `seq` each owner connection got directly (not as a subscriber).
   * A connection gets every event from then on, so a replay stops there.
   */
  readonly ownerDeliveries = new WeakMap<ClientConnection, number>();

  constructor(
    readonly taskId: string,
    historySize: number,
    now: number,
  ) {
    this.topic = taskTopic(taskId);
    this.name = taskId;
    this.startedAt = now;
    this.history = new TaskHistory(historySize);
  }

  snapshot(): TaskSnapshot {
    return {
      taskId: this.taskId,
      name: this.name,
      state: this.state,
      percent: this.percent,
      seq: this.seq,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      error: this.error,
    };
  }
}

/**
 * The tracked tasks, at most `maxTasks` of them. Finished tasks are kept in
 * the order they finished, so the retention sweep and eviction look only at
 * the oldest ones.
 *
 * @internal
 */
export class TaskStore {
  private readonly tasks = new Map<string, TrackedTask>();
  private readonly finished = new Map<string, TrackedTask>();

  constructor(
    private readonly maxTasks: number,
    private readonly historySize: number,
  ) {}

  get(taskId: string): TrackedTask | undefined {
    return this.tasks.get(taskId);
  }

  values(): IterableIterator<TrackedTask> {
    return this.tasks.values();
  }

  get size(): number {
    return this.tasks.size;
  }

  /**
   * Adds a task. When the store is full, the oldest finished task is
   * forgotten, or else the oldest running one, which is returned.
   */
  create(taskId: string, now: number): { task: TrackedTask; evictedRunning: TrackedTask | null } {
    let evictedRunning: TrackedTask | null = null;
    if (this.tasks.size >= this.maxTasks) {
      const victim = this.finished.values().next().value ?? (this.tasks.values().next().value as TrackedTask);
      if (victim.state === 'running') evictedRunning = victim;
      this.delete(victim.taskId);
    }
    const task = new TrackedTask(taskId, this.historySize, now);
    this.tasks.set(taskId, task);
    return { task, evictedRunning };
  }

  markFinished(task: TrackedTask): void {
    this.finished.delete(task.taskId);
    this.finished.set(task.taskId, task);
  }

  markRunning(task: TrackedTask): void {
    this.finished.delete(task.taskId);
  }

  delete(taskId: string): void {
    this.tasks.delete(taskId);
    this.finished.delete(taskId);
  }

  /** Forgets tasks that finished at least `retentionMs` ago. Returns how many. */
  sweep(now: number, retentionMs: number): number {
    let removed = 0;
    for (const task of this.finished.values()) {
      if ((task.finishedAt ?? 0) + retentionMs > now) break;
      this.delete(task.taskId);
      removed++;
    }
    return removed;
  }

  clear(): void {
    this.tasks.clear();
    this.finished.clear();
  }
}
