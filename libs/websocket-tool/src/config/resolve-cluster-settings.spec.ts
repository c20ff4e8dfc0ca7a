import { describe, expect, it } from 'vitest';
import { resolveClusterSettings } from './resolve-cluster-settings.js';

describe('resolveClusterSettings', () => {
  it('is off without a Redis URL', () => {
    expect(resolveClusterSettings('', false, undefined)).toBeNull();
    expect(resolveClusterSettings('', false, { nodeId: 'web-1' })).toBeNull();
  });

  it('takes FP_WST_REDIS_URL over cluster.redis.url over the redisUrl option', () => {
    const cluster = { redis: { url: 'redis://from-cluster:6379' }, nodeId: 'web-1' };
    expect(resolveClusterSettings('redis://env:1', true, cluster)?.url).toBe('redis://env:1');
    expect(resolveClusterSettings('redis://opt:1', false, cluster)?.url).toBe('redis://from-cluster:6379');
    expect(resolveClusterSettings('redis://opt:1', false, { nodeId: 'a' })?.url).toBe('redis://opt:1');
  });

  it('applies the defaults, times in milliseconds, and generates distinct node ids', () => {
    const a = resolveClusterSettings('redis://r:6379', true, { requestTimeoutSeconds: 0.25 });
    expect(a).toMatchObject({ presenceTtlMs: 10_000, outboxSize: 1000, keyPrefix: 'wst', requestTimeoutMs: 250 });
    expect(a?.nodeId).not.toBe(resolveClusterSettings('redis://r:6379', true, undefined)?.nodeId);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('does not check cluster.redis.url when FP_WST_REDIS_URL wins', () => {
    expect(resolveClusterSettings('redis://env:1', true, { redis: { url: 'nonsense' } })?.url).toBe('redis://env:1');
  });

  it('names a Redis Cluster by several comma-separated seeds or by redis.cluster; one URL stays one Redis', () => {
    expect(resolveClusterSettings('redis://r:6379', true, undefined)?.redisCluster).toBe(false);
    expect(resolveClusterSettings('redis://a:7000,redis://b:7001', true, undefined)).toMatchObject({
      url: 'redis://a:7000,redis://b:7001',
      redisCluster: true,
    });
    expect(resolveClusterSettings('', false, { redis: { url: 'redis://a:7000', cluster: true } })?.redisCluster).toBe(true);
    expect(() => resolveClusterSettings('', false, { redis: { url: 'redis://a:7000,http://b' } })).toThrow('"cluster.redis.url"');
    expect(() => resolveClusterSettings('', false, { redis: { url: 'redis://a:7000', cluster: 'yes' as never } })).toThrow(
      '"cluster.redis.cluster"="yes" is invalid: it must be true or false.',
    );
  });

  it('refuses a cluster option that is not an object', () => {
    expect(() => resolveClusterSettings('', false, 'redis://x' as never)).toThrow(
      'option "cluster."="redis://x" is invalid: it must be an object.',
    );
  });
});
