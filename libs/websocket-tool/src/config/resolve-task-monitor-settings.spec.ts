import { describe, expect, it } from 'vitest';
import { resolveTaskMonitorSettings } from './resolve-task-monitor-settings.js';

const messages = (value: unknown) => resolveTaskMonitorSettings(value).problems.map((p) => p.message);

describe('resolveTaskMonitorSettings', () => {
  it('accepts nothing, an empty object, and a full bridge', () => {
    expect(resolveTaskMonitorSettings(undefined)).toEqual({ problems: [], bullmq: null });
    expect(resolveTaskMonitorSettings({})).toEqual({ problems: [], bullmq: null });
    expect(resolveTaskMonitorSettings({ bullmq: { queues: ['a', 'b'], connection: { port: 6380 } } }).bullmq).toEqual({
      queues: ['a', 'b'],
      connection: { host: '127.0.0.1', port: 6380, db: 0 },
      prefix: 'bull',
    });
  });

  it('reads a redis URL, credentials and TLS included', () => {
    const { bullmq } = resolveTaskMonitorSettings({
      bullmq: { queues: ['q'], connection: 'rediss://me:p%40ss@redis.internal:6390/2', prefix: 'app' },
    });
    expect(bullmq).toEqual({
      queues: ['q'],
      connection: { host: 'redis.internal', port: 6390, db: 2, username: 'me', password: 'p@ss', tls: {} },
      prefix: 'app',
    });
  });

  it('names each wrong field and never prints a password', () => {
    const found = messages({
      bullmq: { queues: ['ok', 'bad:name', 'ok'], connection: { host: '', port: 70000, password: 42, nope: 1 }, prefix: 'a b', extra: 1 },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"taskMonitor.bullmq.extra"'),
        expect.stringContaining('"taskMonitor.bullmq.queues[1]"'),
        expect.stringContaining('a list without repeated names'),
        expect.stringContaining('"taskMonitor.bullmq.prefix"'),
        expect.stringContaining('"taskMonitor.bullmq.connection.nope"'),
        expect.stringContaining('"taskMonitor.bullmq.connection.host"'),
        expect.stringContaining('"taskMonitor.bullmq.connection.port"'),
        expect.stringContaining('"taskMonitor.bullmq.connection.password"'),
      ]),
    );
    const url = resolveTaskMonitorSettings({ bullmq: { queues: ['q'], connection: 'ftp://u:hunter2@host' } }).problems;
    expect(url).toHaveLength(1);
    expect(JSON.stringify(url)).not.toContain('hunter2');
    expect(messages({ bullmq: { queues: ['q'], connection: 'not a url with secret' } })[0]).not.toContain('secret');
  });

  it('refuses a non-object and unknown keys', () => {
    expect(messages('bullmq')).toEqual([expect.stringContaining('"taskMonitor" is invalid')]);
    expect(messages({ bullmq: { queues: [], connection: 'redis://h' } })).toEqual([
      expect.stringContaining('a non-empty array of queue names'),
    ]);
    expect(messages({ bulmq: {} })).toEqual([expect.stringContaining('"taskMonitor.bulmq"')]);
  });
});
