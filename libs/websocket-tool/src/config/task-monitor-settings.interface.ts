import type { TaskMonitorRedisConnection } from './task-monitor-options.interface.js';

/**
 * The validated BullMQ bridge settings, with the connection as BullMQ takes it.
 *
 * @publicApi
 */
export interface NormalizedBullMqOptions {
  /** The queues to follow. */
  readonly queues: readonly string[];
  /** Host, port and database with their defaults; a URL's parts; `tls: {}` for TLS. */
  readonly connection: Required<Pick<TaskMonitorRedisConnection, 'host' | 'port' | 'db'>> &
    Omit<TaskMonitorRedisConnection, 'tls'> & { tls?: object };
  /** The BullMQ key prefix. @default 'bull' */
  readonly prefix: string;
}

/**
 * The task monitor's object options in force (the `taskMonitor` option, validated). Its env-backed settings
 * (`taskEventsAudience`, `taskHistorySize`, `taskRetention`, `maxTrackedTasks`) are flat settings.
 *
 * @publicApi
 */
export interface TaskMonitorSettings {
  /** The BullMQ bridge, or null when `taskMonitor.bullmq` is not set. */
  readonly bullmq: NormalizedBullMqOptions | null;
}
