import type { ClusterSettings } from './cluster-settings.interface.js';
import type { MailboxSettings } from './mailbox-options.interface.js';
import type { TaskMonitorSettings } from './task-monitor-settings.interface.js';
import type { OverflowSettings } from './overflow-options.interface.js';
import type { TopicSettings } from './topic-options.interface.js';
import type { WebSocketToolDurations } from './setting-durations.js';
import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/**
 * Where a setting's value came from: the built-in `default`, the `forRoot` `options`, the process environment
 * (`env`), a `.env` file read by `@nestjs/config`'s `ConfigModule` (`env-file`), or `ConfigService`'s own
 * configuration, such as a `load` factory (`config`).
 *
 * @publicApi
 */
export type SettingSource = 'default' | 'options' | EnvironmentSource;

/** The sources that count as the environment, which wins over `forRoot` options. @publicApi */
export type EnvironmentSource = 'env' | 'env-file' | 'config';

/**
 * The settings in force: defaults, then `forRoot` options, then `FP_WST_*`
 * environment variables (through `ConfigService` when the app has `ConfigModule`),
 * validated and frozen. Times are in seconds as given, and in milliseconds in
 * the `…Ms` fields; the task monitor's and the cluster's object options are
 * validated here too.
 *
 * @publicApi
 */
export type WebSocketToolSettings = Readonly<Required<Omit<WebSocketToolOptions, OptionAlias>>> &
  WebSocketToolDurations & {
    /** The `taskMonitor` option, validated. */
    readonly taskMonitor: TaskMonitorSettings;
    /** Cluster mode's settings (Redis URL, node id, times in milliseconds), or null on a single node. */
    readonly cluster: ClusterSettings | null;
    /** The `topics` option, validated, ttl in milliseconds (empty when none). */
    readonly topics: readonly TopicSettings[];
    /** The `overflow` option, validated (empty when none: every type has the `disconnect` policy). */
    readonly overflow: readonly OverflowSettings[];
    /** The `mailbox` option, validated, ttl in milliseconds, or null when the offline mailbox is off. */
    readonly mailbox: MailboxSettings | null;
    /** Where each setting's value came from. */
    readonly sources: Readonly<Record<Exclude<keyof WebSocketToolOptions, OptionAlias>, SettingSource>>;
  };

/** Option names that only stand for another setting (`metrics` for `enableMetrics`), absent from the settings. */
export type OptionAlias = 'metrics';
