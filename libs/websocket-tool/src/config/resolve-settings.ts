import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { invalidSettingMessage, unknownOptionMessage } from './config.messages.js';
import { resolveClusterSettings } from './resolve-cluster-settings.js';
import { resolveMailboxSettings } from './resolve-mailbox-settings.js';
import { resolveTaskMonitorSettings } from './resolve-task-monitor-settings.js';
import { resolveOverflowSettings } from './resolve-overflow-settings.js';
import { resolveTopicSettings } from './resolve-topic-settings.js';
import type { ResolvedSettingsError } from './resolved-settings-error.js';
import { SettingsValidationError } from './resolved-settings-error.js';
import type { SettingSource, WebSocketToolSettings } from './resolved-settings.interface.js';
import { SETTINGS_TABLE, type SettingDefinition, type SettingKind } from './settings-table.js';
import { durationsInMs } from './setting-durations.js';
import { processEnvironment, type EnvironmentValue, type SettingsEnvironment } from './settings-environment.js';
import { WebSocketToolSettingsSchema } from './websocket-tool-settings.schema.js';
import { CODE_OPTION_KEYS, type WebSocketToolConfigOptions } from './websocket-tool-module-options.interface.js';

/** Settings whose values are secrets (a Redis URL may hold a password). */
const SECRET_SETTING = /token|secret|password|redisUrl/i;

/**
 * Turns an env var's text into a value; an unparsable text yields a value the
 * schema rejects. A value that is not text (from a `ConfigService` `load`
 * factory) is validated as it is.
 */
function parseEnv(kind: SettingKind, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  switch (kind) {
    case 'int':
      return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    case 'number':
      return trimmed === '' ? Number.NaN : Number(trimmed);
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return true;
      if (['false', '0', 'no', 'off'].includes(lower)) return false;
      return trimmed;
    }
    case 'string':
      return trimmed;
  }
}

/**
 * The one resolver of the settings: merges defaults < options < environment,
 * validates the result, adds every duration in milliseconds (`heartbeatIntervalMs`),
 * the validated `taskMonitor` option and the cluster settings, and returns it
 * frozen. Throws a `SettingsValidationError` whose message names each bad
 * setting by the variable (and `.env` file) or option it came from, the bad
 * value and the rule; the `taskMonitor` option is checked once the flat
 * settings are valid, and the `cluster` option after it (one error listing
 * its bad fields).
 *
 * `env` is a record of variables (process.env by default) or a
 * `SettingsEnvironment` that also says where each value came from.
 */
export function resolveSettings(
  options: WebSocketToolConfigOptions = {},
  env: NodeJS.ProcessEnv | SettingsEnvironment = process.env,
): WebSocketToolSettings {
  const lookup = typeof env === 'function' ? env : processEnvironment(env);
  // `metrics` is an alias of `enableMetrics`; the full name wins when both are given.
  if (options.metrics !== undefined) {
    const { metrics, ...rest } = options;
    options = rest.enableMetrics === undefined ? { ...rest, enableMetrics: metrics } : rest;
  }
  const known = new Set<string>(SETTINGS_TABLE.map((s) => s.key));
  const problems: ResolvedSettingsError[] = [];
  for (const key of Object.keys(options)) {
    if (!known.has(key) && !EXTRA_OPTION_KEYS.has(key)) {
      problems.push({ source: key, value: (options as Record<string, unknown>)[key], message: unknownOptionMessage(key) });
    }
  }

  const values: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  const raw: Record<string, { from: string; value: unknown; where?: string }> = {};
  for (const setting of SETTINGS_TABLE) {
    const fromEnv = lookup(setting.env);
    const fromOptions = (options as Record<string, unknown>)[setting.key];
    if (fromEnv !== undefined && fromEnv.value !== '') {
      values[setting.key] = parseEnv(setting.kind, fromEnv.value);
      sources[setting.key] = fromEnv.source;
      raw[setting.key] = { from: setting.env, value: fromEnv.value, where: environmentOrigin(fromEnv) };
    } else if (fromOptions !== undefined) {
      values[setting.key] = fromOptions;
      sources[setting.key] = 'options';
      raw[setting.key] = { from: `option "${setting.key}"`, value: fromOptions };
    } else {
      values[setting.key] = setting.default;
      sources[setting.key] = 'default';
      raw[setting.key] = { from: `default of "${setting.key}"`, value: setting.default };
    }
  }

  const instance = plainToInstance(WebSocketToolSettingsSchema, values);
  for (const error of validateSync(instance, { forbidUnknownValues: false })) {
    const setting = SETTINGS_TABLE.find((s) => s.key === error.property) as SettingDefinition;
    const origin = raw[error.property];
    problems.push({
      source: origin.from,
      value: origin.value,
      // A secret's value is never echoed, even when it is wrong.
      message: invalidSettingMessage(
        origin.from,
        SECRET_SETTING.test(setting.key) ? '[redacted]' : origin.value,
        setting.rule,
        origin.where,
      ),
    });
  }
  if (problems.length === 0 && (values.heartbeatTimeout as number) < (values.heartbeatInterval as number)) {
    const origin = raw.heartbeatTimeout;
    problems.push({
      source: origin.from,
      value: origin.value,
      message: invalidSettingMessage(
        origin.from,
        origin.value,
        'not less than heartbeatInterval (' + String(values.heartbeatInterval) + ')',
        origin.where,
      ),
    });
  }
  if (problems.length > 0) throw new SettingsValidationError(problems);

  const taskMonitor = resolveTaskMonitorSettings(options.taskMonitor);
  if (taskMonitor.problems.length > 0) throw new SettingsValidationError(taskMonitor.problems);
  const topics = resolveTopicSettings(options.topics);
  if (topics.problems.length > 0) throw new SettingsValidationError(topics.problems);
  const overflow = resolveOverflowSettings(options.overflow);
  if (overflow.problems.length > 0) throw new SettingsValidationError(overflow.problems);
  const mailbox = resolveMailboxSettings(options.mailbox);
  if (mailbox.problems.length > 0) throw new SettingsValidationError(mailbox.problems);
  const redisFromEnv = sources.redisUrl !== 'options' && sources.redisUrl !== 'default';
  const cluster = resolveClusterSettings(values.redisUrl as string, redisFromEnv, options.cluster);

  return Object.freeze({
    ...values,
    ...durationsInMs(values),
    taskMonitor: Object.freeze({ bullmq: taskMonitor.bullmq }),
    cluster,
    topics: topics.topics,
    overflow: overflow.overflow,
    mailbox: mailbox.mailbox,
    sources: Object.freeze(sources),
  }) as unknown as WebSocketToolSettings;
}

/** Where an error message says a value from outside the process environment was found. */
function environmentOrigin(found: EnvironmentValue): string | undefined {
  if (found.source === 'env-file') return `in ${found.file ?? 'a .env file'}`;
  if (found.source === 'config') return 'from ConfigService';
  return undefined;
}

/** Option keys that are not settings (functions, objects) and so have no env var. */
const EXTRA_OPTION_KEYS = new Set<string>(['isGlobal', 'taskMonitor', 'topics', 'overflow', 'mailbox', ...CODE_OPTION_KEYS]);
