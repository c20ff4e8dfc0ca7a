import { afterEach, describe, expect, it } from 'vitest';
import { WEBSOCKET_TOOL_SETTINGS, WebSocketToolModule, type WebSocketToolSettings } from '@websocket-tool/nestjs';
import { Test } from '@nestjs/testing';
import { Injectable, Module } from '@nestjs/common';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

@Injectable()
class SettingsSource {
  limit(): number {
    return 1234;
  }
}

@Module({ providers: [SettingsSource], exports: [SettingsSource] })
class SettingsSourceModule {}

describe('configuration at boot', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    delete process.env.FP_WST_MAX_QUEUE_SIZE;
    await t?.close();
    t = undefined;
  });

  it('a bad FP_WST_* value stops start-up with a message naming the variable', async () => {
    process.env.FP_WST_MAX_QUEUE_SIZE = 'abc';
    await expect(createTestApp()).rejects.toThrow(/FP_WST_MAX_QUEUE_SIZE="abc" is invalid: it must be an integer/);
    process.env.FP_WST_MAX_QUEUE_SIZE = '0';
    await expect(createTestApp()).rejects.toThrow(/FP_WST_MAX_QUEUE_SIZE="0" is invalid/);
  });

  it('environment overrides forRoot options', async () => {
    process.env.FP_WST_MAX_QUEUE_SIZE = '20000';
    t = await createTestApp({ maxQueueSize: 5 });
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect(settings.maxQueueSize).toBe(20000);
    expect(settings.sources.maxQueueSize).toBe('env');
  });

  it('forRootAsync takes options from an injected service, and isGlobal works', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebSocketToolModule.forRootAsync({
          imports: [SettingsSourceModule],
          inject: [SettingsSource],
          useFactory: (source: SettingsSource) => ({ maxQueueSize: source.limit() }),
          isGlobal: true,
        }),
      ],
    }).compile();
    expect(moduleRef.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS).maxQueueSize).toBe(1234);
    await moduleRef.close();
  });

  it('the installed ws is 8.23.0 or later (caps queued pongs)', () => {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('ws/package.json', { paths: [require.resolve('@nestjs/platform-ws')] });
    const version = JSON.parse(readFileSync(pkgPath, 'utf8')).version as string;
    const [major, minor] = version.split('.').map(Number);
    expect(major).toBe(8);
    expect(minor).toBeGreaterThanOrEqual(23);
  });
});
