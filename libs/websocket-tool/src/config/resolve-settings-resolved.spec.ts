import { describe, expect, it } from 'vitest';
import { resolveSettings } from './resolve-settings.js';
import { DURATION_SETTINGS } from './setting-durations.js';
import { SETTINGS_TABLE } from './settings-table.js';

const durationsOf = (settings: object) =>
  Object.fromEntries(Object.keys(DURATION_SETTINGS).map((ms) => [ms, (settings as Record<string, unknown>)[ms]]));

describe('resolveSettings: the one resolved settings object', () => {
  it('gives every duration in milliseconds, once, from the seconds in force', () => {
    expect(durationsOf(resolveSettings({}, {}))).toEqual({
      heartbeatIntervalMs: 30_000,
      heartbeatTimeoutMs: 60_000,
      taskRestartIntervalMs: 5000,
      rateLimitMessageWindowMs: 60_000,
      rateLimitConnectionWindowMs: 60_000,
      slowConsumerTimeoutMs: 10_000,
      shutdownTimeoutMs: 5000,
      handlerTimeoutMs: 30_000,
      taskRetentionMs: 600_000,
      handshakeTimeoutMs: 10_000,
      healthWindowMs: 300_000,
      tokenExpiryNoticeMs: 60_000,
    });
  });

  it('converts the value that won: defaults < options < environment', () => {
    const s = resolveSettings(
      { heartbeatInterval: 2, heartbeatTimeout: 4, handlerTimeout: 0, shutdownTimeout: 0.25 },
      { FP_WST_HEARTBEAT_TIMEOUT: '7.5', FP_WST_HEALTH_WINDOW: '0.1' },
    );
    expect([s.heartbeatInterval, s.heartbeatIntervalMs, s.sources.heartbeatInterval]).toEqual([2, 2000, 'options']);
    expect([s.heartbeatTimeout, s.heartbeatTimeoutMs, s.sources.heartbeatTimeout]).toEqual([7.5, 7500, 'env']);
    expect([s.handlerTimeout, s.handlerTimeoutMs]).toEqual([0, 0]);
    expect(s.shutdownTimeoutMs).toBe(250);
    // The same float arithmetic as the `seconds * 1000` it replaces.
    expect(s.healthWindowMs).toBe(0.1 * 1000);
    expect(s.taskRestartIntervalMs).toBe(5000);
  });

  it('has a milliseconds field for every setting counted in seconds, and only for those', () => {
    const inSeconds = SETTINGS_TABLE.filter((s) => s.rule.includes('seconds')).map((s) => s.key);
    expect(Object.values(DURATION_SETTINGS).toSorted()).toEqual(inSeconds.toSorted());
  });

  it('keeps the settings view and the sources to the table: no source for a derived field', () => {
    const s = resolveSettings({}, {});
    expect(Object.keys(s.sources).toSorted()).toEqual(SETTINGS_TABLE.map((row) => row.key).toSorted());
    expect(Object.isFrozen(s.taskMonitor)).toBe(true);
  });

  it('carries the taskMonitor option validated and normalized', () => {
    expect(resolveSettings({}, {}).taskMonitor).toEqual({ bullmq: null });
    const s = resolveSettings({ taskMonitor: { bullmq: { queues: ['jobs'], connection: 'redis://cache:6380/1' } } }, {});
    expect(s.taskMonitor.bullmq).toEqual({ queues: ['jobs'], connection: { host: 'cache', port: 6380, db: 1 }, prefix: 'bull' });
  });

  it('refuses a bad taskMonitor option with the task monitor message, once the flat settings are valid', () => {
    const bad = { taskMonitor: { bullmq: { queues: [], connection: 'redis://h' } } };
    expect(() => resolveSettings(bad, {})).toThrow(
      'WebSocketTool settings are invalid:\n  - option "taskMonitor.bullmq.queues" is invalid: it must be a non-empty array of queue names.',
    );
    expect(() => resolveSettings({ ...bad, maxQueueSize: 0 }, {})).toThrow(
      'WebSocketTool settings are invalid:\n  - option "maxQueueSize"=0 is invalid: it must be an integer from 1 to 10000000.',
    );
  });

  it('carries the cluster settings: null on a single node, times in milliseconds in cluster mode', () => {
    expect(resolveSettings({}, {}).cluster).toBeNull();
    expect(resolveSettings({ cluster: { nodeId: 'web-1' } }, {}).cluster).toBeNull();
    const s = resolveSettings(
      { redisUrl: 'redis://opt:1', cluster: { redis: { url: 'redis://from-cluster:6379' }, nodeId: 'web-1', presenceTtlSeconds: 3 } },
      {},
    );
    expect(s.cluster).toEqual({
      url: 'redis://from-cluster:6379',
      redisCluster: false,
      nodeId: 'web-1',
      presenceTtlMs: 3000,
      outboxSize: 1000,
      keyPrefix: 'wst',
      requestTimeoutMs: 2000,
    });
    const fromEnv = resolveSettings({ cluster: { redis: { url: 'redis://from-cluster:6379' } } }, { FP_WST_REDIS_URL: 'redis://env:6379' });
    expect(fromEnv.cluster?.url).toBe('redis://env:6379');
    expect(fromEnv.cluster?.nodeId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });

  it('refuses bad cluster options with one error naming each field', () => {
    expect(() => resolveSettings({ cluster: { nodeId: 'has space', outboxSize: 1.5 } }, {})).toThrow(
      'WebSocketTool cluster options are invalid:\n' +
        '  - option "cluster.nodeId"="has space" is invalid: it must be 1 to 64 letters, digits or \'._:-\'.\n' +
        '  - option "cluster.outboxSize"=1.5 is invalid: it must be an integer from 0 to 1000000.',
    );
    expect(() => resolveSettings({ cluster: { redis: { url: 'http://u:s3cret@h' } } }, {})).toThrow(
      /option "cluster\.redis\.url"="\[redacted\]" is invalid/,
    );
  });

  it('still names unknown options, and accepts the code options', () => {
    expect(() => resolveSettings({ canSubscribe: () => true, authenticate: () => null } as never, {})).not.toThrow();
    expect(() => resolveSettings({ taskMonitr: {} } as never, {})).toThrow(/option "taskMonitr" is not a WebSocketTool option/);
  });
});
