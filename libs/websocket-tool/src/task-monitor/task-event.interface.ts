/**
 * Who started a task and gets its events without subscribing: a client id
 * (as a string or `{ clientId }`) or an authenticated user (`{ userId }`,
 * matched against the `userId` of each connection's handshake identity, so
 * every tab of that user gets the events).
 *
 * @publicApi
 */
export type TaskOwner = string | { clientId: string } | { userId: string | number };

/** Options of `TaskMonitor.start()` and `TaskMonitor.track()`. @publicApi */
export interface TaskStartOptions {
  /** Human-readable name, sent as the content of `tasks_worker.task_started`. @default the task id */
  name?: string;
  /** Receives the task's events without subscribing to `task:<taskId>`. @default none */
  owner?: TaskOwner;
}

/**
 * Log levels a task accepts. On the wire they become the original plugin's
 * level names: `DEBUG`, `INFO`, `WARNING`, `ERROR`, `CRITICAL`.
 *
 * @publicApi
 */
export type TaskLogLevel = 'debug' | 'verbose' | 'info' | 'log' | 'warn' | 'warning' | 'error' | 'fatal' | 'critical';

/** Level names sent in `meta.level` of `tasks_worker.logs`. @publicApi */
export type TaskWireLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Where a task is in its life. @publicApi */
export type TaskState = 'running' | 'succeeded' | 'failed';

/** Who receives task events: topic subscribers and owners, or every client (the original's behaviour). @publicApi */
export type TaskEventsAudience = 'subscribers' | 'all';

/** What `TaskMonitor.get()` and `list()` return. @publicApi */
export interface TaskSnapshot {
  taskId: string;
  name: string;
  state: TaskState;
  /** Last reported progress, 0 to 100, or null before the first report. */
  percent: number | null;
  /** `seq` of the last event sent for this task. */
  seq: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  finishedAt: number | null;
  /** The error message of a failed task. */
  error: string | null;
}

/**
 * A logger whose lines become `tasks_worker.logs` messages of one task. Its
 * methods match Nest's `LoggerService`, so it can stand in for one.
 *
 * `R` is what each method returns: `void` for `TaskMonitor.logger()`, a
 * promise (that never rejects) for the BullMQ `createJobLogger()`.
 *
 * @publicApi
 */
export interface TaskLogger<R = void> {
  debug(message: unknown, ...params: unknown[]): R;
  verbose(message: unknown, ...params: unknown[]): R;
  info(message: unknown, ...params: unknown[]): R;
  log(message: unknown, ...params: unknown[]): R;
  warn(message: unknown, ...params: unknown[]): R;
  error(message: unknown, ...params: unknown[]): R;
  fatal(message: unknown, ...params: unknown[]): R;
}

/** What the function given to `TaskMonitor.track()` receives. @publicApi */
export interface TaskContext {
  readonly taskId: string;
  /** Reports progress (0 to 100) with an optional message. */
  progress(percent: number, message?: string): void;
  /** Sends one log line. */
  log(level: TaskLogLevel, message: unknown): void;
  /** A logger for this task. */
  readonly logger: TaskLogger;
}

/** How a tracked task ended. `track()` never rejects; it resolves to this. @publicApi */
export type TaskOutcome<T> = { ok: true; result: T } | { ok: false; error: unknown };
