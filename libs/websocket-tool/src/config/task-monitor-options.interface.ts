/**
 * Where the BullMQ bridge finds Redis: host and port (and the usual
 * credentials), or a `redis://` / `rediss://` URL given as a string.
 *
 * @publicApi
 */
export interface TaskMonitorRedisConnection {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 6379 */
  port?: number;
  username?: string;
  password?: string;
  /** @default 0 */
  db?: number;
  /** Connect with TLS. @default false */
  tls?: boolean;
}

/**
 * The BullMQ bridge: forwards the events of the listed queues (active,
 * progress, completed, failed, and log lines written with `createJobLogger`)
 * as task events, with the job id as task id and `job.data.owner` as owner.
 *
 * @publicApi
 */
export interface TaskMonitorBullMqOptions {
  /** Names of the queues to follow. */
  queues: string[];
  /** The Redis the queues live on: `{ host, port, ... }` or a `redis://` URL. */
  connection: TaskMonitorRedisConnection | string;
  /** BullMQ key prefix, as given to the queues and workers. @default 'bull' */
  prefix?: string;
}

/**
 * Options of the task monitor that are objects, not env-backed settings
 * (those are `taskEventsAudience`, `taskHistorySize`, `taskRetention` and
 * `maxTrackedTasks`).
 *
 * @publicApi
 */
export interface TaskMonitorOptions {
  /** Bridge BullMQ queues. BullMQ and its Redis client are loaded only when this is set. @default none */
  bullmq?: TaskMonitorBullMqOptions;
}
