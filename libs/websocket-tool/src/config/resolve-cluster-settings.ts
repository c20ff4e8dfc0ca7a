import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebSocketClusterOptions } from './cluster-options.interface.js';
import { invalidClusterOptionMessage, invalidClusterOptionsMessage } from './config.messages.js';
import type { ClusterSettings } from './cluster-settings.interface.js';

/** Node ids and key prefixes: 1 to 64 characters safe in Redis keys, channels and logs. */
const NAME_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** `redis://` or `rediss://` and no white space. */
const REDIS_URL_PATTERN = /^rediss?:\/\/\S+$/i;

/** One URL, or several separated by commas (the seeds of a Redis Cluster). */
const isRedisUrlList = (value: string): boolean => value.split(',').every((url) => REDIS_URL_PATTERN.test(url.trim()));

const DEFAULTS = { presenceTtlSeconds: 10, outboxSize: 1000, keyPrefix: 'wst', requestTimeoutSeconds: 2 } as const;

/** A generated node id: host, process and a random suffix, so two processes on one host never collide. */
export function defaultNodeId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 40) || 'node';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

const isNumberIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;

/**
 * The cluster settings, or null when cluster mode is off (no Redis URL).
 * `FP_WST_REDIS_URL` wins over `cluster.redis.url`, which wins over the
 * `redisUrl` option. Throws one error listing every invalid field.
 *
 * `redisUrl` is the flat setting as resolved; `fromEnv` is true when it came
 * from `FP_WST_REDIS_URL` (the process, a .env file or ConfigService).
 */
export function resolveClusterSettings(
  redisUrl: string,
  fromEnv: boolean,
  options: WebSocketClusterOptions | undefined,
): ClusterSettings | null {
  const url = fromEnv ? redisUrl : options?.redis?.url || redisUrl;
  const problems: string[] = [];
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new Error(invalidClusterOptionMessage('', options, 'an object'));
  }
  if (!fromEnv && options?.redis !== undefined) {
    const given = (options.redis as { url?: unknown } | null)?.url;
    // The URL may hold a password: it is never echoed.
    if (typeof given !== 'string' || !isRedisUrlList(given)) {
      problems.push(invalidClusterOptionMessage('redis.url', '[redacted]', 'a redis:// or rediss:// URL, or several comma-separated'));
    }
    const cluster = (options.redis as { cluster?: unknown } | null)?.cluster;
    if (cluster !== undefined && typeof cluster !== 'boolean') {
      problems.push(invalidClusterOptionMessage('redis.cluster', cluster, 'true or false'));
    }
  }

  const o = options ?? {};
  if (o.nodeId !== undefined && (typeof o.nodeId !== 'string' || !NAME_PATTERN.test(o.nodeId))) {
    problems.push(invalidClusterOptionMessage('nodeId', o.nodeId, "1 to 64 letters, digits or '._:-'"));
  }
  if (o.keyPrefix !== undefined && (typeof o.keyPrefix !== 'string' || !NAME_PATTERN.test(o.keyPrefix))) {
    problems.push(invalidClusterOptionMessage('keyPrefix', o.keyPrefix, "1 to 64 letters, digits or '._:-'"));
  }
  if (o.presenceTtlSeconds !== undefined && !isNumberIn(o.presenceTtlSeconds, 1, 3600)) {
    problems.push(invalidClusterOptionMessage('presenceTtlSeconds', o.presenceTtlSeconds, 'a number of seconds from 1 to 3600'));
  }
  if (o.outboxSize !== undefined && !(Number.isInteger(o.outboxSize) && isNumberIn(o.outboxSize, 0, 1_000_000))) {
    problems.push(invalidClusterOptionMessage('outboxSize', o.outboxSize, 'an integer from 0 to 1000000'));
  }
  if (o.requestTimeoutSeconds !== undefined && !isNumberIn(o.requestTimeoutSeconds, 0.1, 60)) {
    problems.push(invalidClusterOptionMessage('requestTimeoutSeconds', o.requestTimeoutSeconds, 'a number of seconds from 0.1 to 60'));
  }
  if (problems.length > 0) throw new Error(invalidClusterOptionsMessage(problems));
  if (!url) return null;
  return Object.freeze({
    url,
    redisCluster: url.includes(',') || options?.redis?.cluster === true,
    nodeId: o.nodeId ?? defaultNodeId(),
    presenceTtlMs: Math.round((o.presenceTtlSeconds ?? DEFAULTS.presenceTtlSeconds) * 1000),
    outboxSize: o.outboxSize ?? DEFAULTS.outboxSize,
    keyPrefix: o.keyPrefix ?? DEFAULTS.keyPrefix,
    requestTimeoutMs: Math.round((o.requestTimeoutSeconds ?? DEFAULTS.requestTimeoutSeconds) * 1000),
  });
}
