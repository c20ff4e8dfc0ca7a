import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDefaultParser } from '@nestjs/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configServiceEnvironment } from './config-service-environment.js';
import { resolveSettings } from './resolve-settings.js';

/** A stand-in for ConfigService: its own configuration first, then the given environment. */
const fakeConfigService = (own: Record<string, unknown>, env: NodeJS.ProcessEnv, envFilePaths: string[]) => ({
  envFilePaths,
  parser: getDefaultParser(),
  get: (name: string): unknown => own[name] ?? env[name],
});

describe('configServiceEnvironment', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wst-env-'));
    file = join(dir, '.env');
    writeFileSync(file, 'FP_WST_MAX_QUEUE_SIZE=20\nFP_WST_MAX_TOPIC_LENGTH=50\nFP_WST_PATH=${BASE}/ws\nOTHER=1\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names a value from a .env file, the process or ConfigService configuration', () => {
    // What ConfigModule leaves behind: file values copied into the environment unless already there.
    const env = { FP_WST_MAX_QUEUE_SIZE: '20', FP_WST_MAX_TOPIC_LENGTH: '40', FP_WST_PATH: '/app/ws', FP_WST_MAX_CLIENT_ERRORS: '5' };
    const boot = { FP_WST_MAX_TOPIC_LENGTH: '40', FP_WST_MAX_CLIENT_ERRORS: '5' };
    const lookup = configServiceEnvironment(fakeConfigService({ FP_WST_HANDLER_TIMEOUT: 3 }, env, [file]), boot, env);
    expect(lookup('FP_WST_MAX_QUEUE_SIZE')).toEqual({ value: '20', source: 'env-file', file });
    expect(lookup('FP_WST_PATH')).toEqual({ value: '/app/ws', source: 'env-file', file });
    expect(lookup('FP_WST_MAX_TOPIC_LENGTH')).toEqual({ value: '40', source: 'env' });
    expect(lookup('FP_WST_MAX_CLIENT_ERRORS')).toEqual({ value: '5', source: 'env' });
    expect(lookup('FP_WST_HANDLER_TIMEOUT')).toEqual({ value: 3, source: 'config' });
    expect(lookup('FP_WST_CONSUMER_POOL_SIZE')).toBeUndefined();
  });

  it('the same value in the environment at boot and in the file counts as the environment', () => {
    const env = { FP_WST_MAX_QUEUE_SIZE: '20' };
    const lookup = configServiceEnvironment(fakeConfigService({}, env, [file]), { ...env }, env);
    expect(lookup('FP_WST_MAX_QUEUE_SIZE')?.source).toBe('env');
  });

  it('without the env file paths nothing is attributed to a file', () => {
    const env = { FP_WST_MAX_QUEUE_SIZE: '20' };
    const lookup = configServiceEnvironment({ get: (name) => env[name as keyof typeof env] }, {}, env);
    expect(lookup('FP_WST_MAX_QUEUE_SIZE')).toEqual({ value: '20', source: 'env' });
  });

  it('lets resolveSettings name the file or ConfigService in an error', () => {
    const env = { FP_WST_MAX_QUEUE_SIZE: 'abc' };
    writeFileSync(file, 'FP_WST_MAX_QUEUE_SIZE=abc\n');
    const lookup = configServiceEnvironment(fakeConfigService({ FP_WST_ENABLE_HEARTBEAT: 'maybe' }, env, [file]), {}, env);
    expect(() => resolveSettings({}, lookup)).toThrow(
      `FP_WST_MAX_QUEUE_SIZE="abc" (in ${file}) is invalid: it must be an integer from 1 to 10000000.\n` +
        '  - FP_WST_ENABLE_HEARTBEAT="maybe" (from ConfigService) is invalid: it must be true or false.',
    );
  });
});
