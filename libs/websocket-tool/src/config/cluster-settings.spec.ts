import { describe, expect, it } from 'vitest';
import type { WebSocketClusterOptions } from './cluster-options.interface.js';
import { redactRedisUrl } from './redis-url.js';
import { resolveSettings } from './resolve-settings.js';

/** The cluster part of the one resolver's answer, from options and an environment. */
const cluster = (env: Record<string, string>, options: { redisUrl?: string; cluster?: WebSocketClusterOptions } = {}) =>
  resolveSettings(options, env).cluster;

const attempt = () =>
  cluster(
    {},
    {
      redisUrl: 'redis://opt:1',
      cluster: {
        redis: { url: 'http://user:s3cret@host' },
        nodeId: 'has space',
        presenceTtlSeconds: 0,
        outboxSize: 1.5,
        keyPrefix: '',
        requestTimeoutSeconds: 100,
      },
    },
  );

describe('cluster settings, resolved with the others', () => {
  it('is off without a Redis URL, and an empty FP_WST_REDIS_URL counts as unset', () => {
    expect(cluster({})).toBeNull();
    expect(cluster({ FP_WST_REDIS_URL: '' })).toBeNull();
    expect(cluster({}, { cluster: { nodeId: 'web-1' } })).toBeNull();
  });

  it('is on with FP_WST_REDIS_URL alone, with the documented defaults in milliseconds', () => {
    const config = cluster({ FP_WST_REDIS_URL: 'redis://redis:6379' });
    expect(config).toMatchObject({
      url: 'redis://redis:6379',
      presenceTtlMs: 10_000,
      outboxSize: 1000,
      keyPrefix: 'wst',
      requestTimeoutMs: 2000,
    });
    expect(config?.nodeId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    expect(cluster({ FP_WST_REDIS_URL: 'redis://redis:6379' })?.nodeId).not.toBe(config?.nodeId);
  });

  it('takes FP_WST_REDIS_URL over cluster.redis.url over the redisUrl option', () => {
    const options = {
      redis: { url: 'redis://from-cluster:6379' },
      nodeId: 'web-1',
      presenceTtlSeconds: 3,
      outboxSize: 5,
      keyPrefix: 'app',
    };
    expect(cluster({ FP_WST_REDIS_URL: 'redis://from-env:6379' }, { redisUrl: 'redis://opt:1', cluster: options })).toEqual({
      url: 'redis://from-env:6379',
      redisCluster: false,
      nodeId: 'web-1',
      presenceTtlMs: 3000,
      outboxSize: 5,
      keyPrefix: 'app',
      requestTimeoutMs: 2000,
    });
    expect(cluster({}, { redisUrl: 'redis://opt:1', cluster: options })?.url).toBe('redis://from-cluster:6379');
    expect(cluster({}, { redisUrl: 'redis://opt:1', cluster: { nodeId: 'a' } })?.url).toBe('redis://opt:1');
  });

  it('counts FP_WST_REDIS_URL from a .env file or ConfigService as the environment, over cluster.redis.url', () => {
    for (const source of ['env-file', 'config'] as const) {
      const resolved = resolveSettings({ cluster: { redis: { url: 'redis://from-cluster:6379' } } }, (name) =>
        name === 'FP_WST_REDIS_URL' ? { value: 'redis://from-file:6379', source, file: '/app/.env' } : undefined,
      );
      expect(resolved.sources.redisUrl).toBe(source);
      expect(resolved.cluster?.url).toBe('redis://from-file:6379');
    }
  });

  it('refuses bad options with one message per field, never echoing the URL', () => {
    expect(attempt).toThrow(/cluster\.redis\.url"="\[redacted\]" is invalid: it must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(attempt).toThrow(/cluster\.nodeId"="has space"/);
    expect(attempt).toThrow(/cluster\.presenceTtlSeconds"=0/);
    expect(attempt).toThrow(/cluster\.outboxSize"=1\.5/);
    expect(attempt).toThrow(/cluster\.keyPrefix"=""/);
    expect(attempt).toThrow(/cluster\.requestTimeoutSeconds"=100/);
    expect(attempt).not.toThrow(/s3cret/);
  });

  it('validates FP_WST_REDIS_URL without echoing it', () => {
    expect(() => cluster({ FP_WST_REDIS_URL: 'http://:s3cret@host' })).toThrow(
      'FP_WST_REDIS_URL="[redacted]" is invalid: it must be empty (single node), a redis:// or rediss:// URL, or several comma-separated',
    );
  });

  it('replaces the credentials of a Redis URL it shows', () => {
    expect(redactRedisUrl('redis://:s3cret@redis:6379/2')).toBe('redis://***@redis:6379/2');
    expect(redactRedisUrl('rediss://user:s3cret@redis')).toBe('rediss://***@redis');
    expect(redactRedisUrl('redis://redis:6379')).toBe('redis://redis:6379');
  });
});
