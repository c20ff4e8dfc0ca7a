import { isPlainObject } from '../protocol/json-guards.js';
import { invalidTaskMonitorOptionMessage } from './config.messages.js';
import type { ResolvedSettingsError } from './resolved-settings-error.js';
import type { TaskMonitorBullMqOptions, TaskMonitorRedisConnection } from './task-monitor-options.interface.js';
import type { NormalizedBullMqOptions } from './task-monitor-settings.interface.js';

/** BullMQ refuses ':' in queue names; whitespace and control characters are refused as typos. */
const QUEUE_NAME = /^[^:\s\p{Cc}]{1,200}$/u;
const PREFIX = /^[^\s\p{Cc}]{1,100}$/u;
const CONNECTION_KEYS = new Set(['host', 'port', 'username', 'password', 'db', 'tls']);

/**
 * Checks `options.taskMonitor` and returns the problems (empty when valid)
 * and the normalized bridge settings, if any. Passwords never appear in a
 * problem's text. `resolveSettings` calls it; the result is
 * `settings.taskMonitor`.
 */
export function resolveTaskMonitorSettings(value: unknown): { problems: ResolvedSettingsError[]; bullmq: NormalizedBullMqOptions | null } {
  const problems: ResolvedSettingsError[] = [];
  const bad = (path: string, shown: unknown, rule: string) =>
    problems.push({ source: `option "${path}"`, value: shown, message: invalidTaskMonitorOptionMessage(path, rule) });

  if (value === undefined) return { problems, bullmq: null };
  if (!isPlainObject(value)) {
    bad('taskMonitor', typeof value, 'an object like { bullmq: { queues, connection } }');
    return { problems, bullmq: null };
  }
  for (const key of Object.keys(value)) {
    if (key !== 'bullmq') bad(`taskMonitor.${key}`, key, 'left out: the only key of taskMonitor is "bullmq"');
  }
  const raw = value.bullmq;
  if (raw === undefined) return { problems, bullmq: null };
  if (!isPlainObject(raw)) {
    bad('taskMonitor.bullmq', typeof raw, 'an object { queues, connection, prefix? }');
    return { problems, bullmq: null };
  }
  for (const key of Object.keys(raw)) {
    if (!['queues', 'connection', 'prefix'].includes(key))
      bad(`taskMonitor.bullmq.${key}`, key, 'left out: use queues, connection and prefix');
  }
  const options = raw as Partial<TaskMonitorBullMqOptions>;

  const queues = options.queues;
  if (!Array.isArray(queues) || queues.length === 0) {
    bad('taskMonitor.bullmq.queues', queues, 'a non-empty array of queue names');
  } else {
    queues.forEach((name, i) => {
      if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
        bad(`taskMonitor.bullmq.queues[${i}]`, name, 'a queue name of 1 to 200 characters without ":" or spaces');
      }
    });
    if (new Set(queues).size !== queues.length) bad('taskMonitor.bullmq.queues', queues.join(','), 'a list without repeated names');
  }

  const prefix = options.prefix ?? 'bull';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    bad('taskMonitor.bullmq.prefix', prefix, 'a key prefix of 1 to 100 characters without spaces');
  }

  const connection = normalizeConnection(options.connection, bad);
  if (problems.length > 0 || !connection) return { problems, bullmq: null };
  return {
    problems,
    // The connection stays unfrozen: BullMQ and ioredis are handed it as their options object.
    bullmq: Object.freeze({ queues: Object.freeze([...(queues as string[])]), connection, prefix }),
  };
}

function normalizeConnection(
  value: unknown,
  bad: (path: string, shown: unknown, rule: string) => void,
): NormalizedBullMqOptions['connection'] | null {
  const path = 'taskMonitor.bullmq.connection';
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      bad(path, '(not a URL)', 'a redis:// or rediss:// URL, or { host, port }');
      return null;
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      bad(path, url.protocol, 'a redis:// or rediss:// URL, or { host, port }');
      return null;
    }
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    const port = url.port ? Number(url.port) : 6379;
    if (!Number.isInteger(db) || db < 0) {
      bad(path, url.pathname, 'a URL whose path, if any, is a database number');
      return null;
    }
    return {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
      port,
      db,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    };
  }
  if (!isPlainObject(value)) {
    bad(path, typeof value, 'a redis:// or rediss:// URL, or { host, port }');
    return null;
  }
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!CONNECTION_KEYS.has(key)) {
      bad(`${path}.${key}`, key, 'left out: use host, port, username, password, db and tls');
      ok = false;
    }
  }
  const { host = '127.0.0.1', port = 6379, db = 0, username, password, tls } = value as TaskMonitorRedisConnection;
  const check = (cond: boolean, key: string, shown: unknown, rule: string) => {
    if (!cond) {
      bad(`${path}.${key}`, shown, rule);
      ok = false;
    }
  };
  check(typeof host === 'string' && host.length > 0, 'host', host, 'a host name or address');
  check(Number.isInteger(port) && port >= 1 && port <= 65535, 'port', port, 'an integer from 1 to 65535');
  check(Number.isInteger(db) && db >= 0, 'db', db, 'a database number from 0');
  check(username === undefined || typeof username === 'string', 'username', typeof username, 'a string');
  check(password === undefined || typeof password === 'string', 'password', '(hidden)', 'a string');
  check(tls === undefined || typeof tls === 'boolean', 'tls', tls, 'true or false');
  if (!ok) return null;
  return {
    host,
    port,
    db,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(tls ? { tls: {} } : {}),
  };
}
