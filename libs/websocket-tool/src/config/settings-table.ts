import { ENV_PREFIX } from './config.constants.js';
import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/** How an environment variable's text becomes a value. */
export type SettingKind = 'int' | 'number' | 'boolean' | 'string';

/** One row of the settings table: the only mapping between options, env vars and defaults. */
export interface SettingDefinition<K extends keyof WebSocketToolOptions = keyof WebSocketToolOptions> {
  key: K;
  env: string;
  kind: SettingKind;
  default: Required<WebSocketToolOptions>[K];
  /** The rule, in words, for error messages and docs. */
  rule: string;
}

const row = <K extends keyof WebSocketToolOptions>(
  key: K,
  kind: SettingKind,
  def: Required<WebSocketToolOptions>[K],
  rule: string,
): SettingDefinition<K> => ({
  key,
  env: ENV_PREFIX + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase(),
  kind,
  default: def,
  rule,
});

/** Every setting, its env var, kind, default and rule. */
export const SETTINGS_TABLE: readonly SettingDefinition[] = [
  row('maxQueueSize', 'int', 10000, 'an integer from 1 to 10000000'),
  row('consumerPoolSize', 'int', 4, 'an integer from 1 to 64'),
  row('enableHeartbeat', 'boolean', true, 'true or false'),
  row('heartbeatInterval', 'number', 30, 'a number of seconds from 0.05 to 86400'),
  row('heartbeatTimeout', 'number', 60, 'a number of seconds from 0.05 to 86400, not less than heartbeatInterval'),
  row('maxClientErrors', 'int', 10, 'an integer from 1 to 1000000'),
  row('taskRestartInterval', 'number', 5, 'a number of seconds from 0.05 to 86400'),
  row('rateLimitMessagesPerWindow', 'int', 60, 'an integer from 1 to 100000000'),
  row('rateLimitMessageWindow', 'number', 60, 'a number of seconds from 0.001 to 86400'),
  row('rateLimitConnectionsPerWindow', 'int', 10, 'an integer from 1 to 100000000'),
  row('rateLimitConnectionWindow', 'number', 60, 'a number of seconds from 0.001 to 86400'),
  row('rateLimitBurstMultiplier', 'number', 2, 'a number from 1 to 1000'),
  row('rateLimitDisconnectAfter', 'int', 3, 'an integer from 1 to 1000000'),
  row('path', 'string', '/ws', "a path that starts with '/', has no trailing '/' and only URL-safe characters"),
  row('maxPayloadBytes', 'int', 65536, 'an integer from 64 to 104857600'),
  row('perMessageDeflate', 'boolean', false, 'true or false'),
  row('maxConnections', 'int', 0, 'an integer from 0 (unlimited) to 10000000'),
  row('trustProxy', 'int', 0, 'an integer from 0 to 32'),
  row('maxClientQueueSize', 'int', 1000, 'an integer from 1 to 10000000'),
  row('sendHighWaterMarkBytes', 'int', 262144, 'an integer from 1024 to 1073741824'),
  row('maxClientQueueBytes', 'int', 262144, 'an integer from 1024 to 1073741824'),
  row('maxQueueBytes', 'int', 268435456, 'an integer from 65536 to 68719476736'),
  row('slowConsumerTimeout', 'number', 10, 'a number of seconds from 0.1 to 3600'),
  row('rateLimitControlPerSecond', 'int', 10, 'an integer from 1 to 1000000'),
  row('shutdownTimeout', 'number', 5, 'a number of seconds from 0 to 600'),
  row('handlerTimeout', 'number', 30, 'a number of seconds from 0 (none) to 86400'),
  row('maxTopicsPerClient', 'int', 100, 'an integer from 1 to 100000'),
  row('maxTopicLength', 'int', 200, 'an integer from 1 to 10000'),
  row('maxJsonDepth', 'int', 32, 'an integer from 1 to 1000'),
  row('taskEventsAudience', 'string', 'subscribers', "'subscribers' or 'all'"),
  row('taskHistorySize', 'int', 200, 'an integer from 0 (no history) to 100000'),
  row('taskRetention', 'number', 600, 'a number of seconds from 0 to 604800'),
  row('maxTrackedTasks', 'int', 1000, 'an integer from 1 to 1000000'),
  row('handshakeTimeout', 'number', 10, 'a number of seconds from 1 to 600'),
  row('maxConnectionsPerIp', 'int', 256, 'an integer from 0 (unlimited) to 10000000'),
  row(
    'allowedHosts',
    'string',
    '',
    "empty (see docs/security.md) or a comma-separated list of host names, '*.example.com' for any name below one",
  ),
  row(
    'identityTopicsClaim',
    'string',
    'topics',
    "empty (off), or the name of the identity field (JWT claim) listing topics: up to 100 letters, digits, '_', '-', '.' or ':'",
  ),
  row('personalTopicPrefix', 'string', '', "empty (off), or a prefix like 'user:' (1 to 50 characters allowed in topic names)"),
  row('tokenExpiryNotice', 'number', 60, 'a number of seconds from 0 to 86400'),
  row('enableMetrics', 'boolean', true, 'true or false'),
  row(
    'metricsPrefix',
    'string',
    'fp_websocket_tool_',
    "up to 100 letters, digits, '_' or ':' not starting with a digit (empty for bare names)",
  ),
  row('enableAdmin', 'boolean', true, 'true or false'),
  row('adminPrefix', 'string', '', "empty, or a path that starts with '/', has no trailing '/' and only URL-safe characters"),
  row('adminPagePath', 'string', '/ws-admin', "a path that starts with '/', has no trailing '/' and only URL-safe characters"),
  row('adminToken', 'string', '', 'empty (local access only) or a secret; use at least 16 characters'),
  row('healthWindow', 'number', 300, 'a number of seconds from 0.1 to 86400'),
  row(
    'clientBundlePath',
    'string',
    '/ws-client.js',
    "empty or 'off' (not served), or a path that starts with '/' and has only URL-safe characters",
  ),
  row(
    'redisUrl',
    'string',
    '',
    'empty (single node), a redis:// or rediss:// URL, or several comma-separated (the seeds of a Redis Cluster); it turns cluster mode on',
  ),
];
