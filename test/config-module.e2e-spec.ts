import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, type ConfigType } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import {
  BroadcastService,
  ConnectionRegistry,
  WEBSOCKET_TOOL_SETTINGS,
  WebSocketToolModule,
  websocketToolConfig,
  type WebSocketToolSettings,
} from '@websocket-tool/nestjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { failTextWrites } from './utils/fail-text-writes.js';
import { sleep, WsTestClient } from './utils/ws-test-client.js';

/** Reads the settings through the namespace, as an app's own provider would. */
@Injectable()
class SettingsReader {
  constructor(
    @Inject(websocketToolConfig.KEY) readonly byKey: ConfigType<typeof websocketToolConfig>,
    readonly config: ConfigService,
  ) {}
}

@Module({ providers: [SettingsReader], exports: [SettingsReader] })
class ReaderModule {}

interface ConfigEntry {
  option: string;
  value: unknown;
  source: string;
}

/** `GET /info/config` by option name. */
async function configEntries(app: TestApp): Promise<Record<string, ConfigEntry>> {
  const res = await fetch(`${app.http}/info/config`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { settings: ConfigEntry[] };
  return Object.fromEntries(body.settings.map((s) => [s.option, s]));
}

describe('settings through @nestjs/config', () => {
  let t: TestApp | undefined;
  let dir: string;
  let envBefore: NodeJS.ProcessEnv;

  /** Writes a .env file into this test's directory and returns its path. */
  const envFile = (content: string, name = '.env'): string => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wst-config-'));
    envBefore = { ...process.env };
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
    // ConfigModule copies .env values into process.env; put it back as it was.
    for (const name of Object.keys(process.env)) if (!(name in envBefore)) delete process.env[name];
    Object.assign(process.env, envBefore);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a .env file is the only source of FP_WST_MAX_CLIENT_ERRORS=3: in the settings, /info/config (env-file), ConfigService and in force', async () => {
    const file = envFile('FP_WST_MAX_CLIENT_ERRORS=3\n');
    expect(process.env.FP_WST_MAX_CLIENT_ERRORS).toBeUndefined();
    t = await createTestApp({ isGlobal: true }, { imports: [ConfigModule.forRoot({ envFilePath: file, isGlobal: true }), ReaderModule] });

    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect(settings.maxClientErrors).toBe(3);
    expect(settings.sources.maxClientErrors).toBe('env-file');
    expect(settings.sources.maxQueueSize).toBe('default');
    const entries = await configEntries(t);
    expect(entries.maxClientErrors).toMatchObject({ value: 3, source: 'env-file' });
    expect(entries.maxQueueSize).toMatchObject({ value: 10000, source: 'default' });

    // The namespace, by token and by path.
    const reader = t.app.get(SettingsReader);
    expect(reader.byKey).toBe(settings);
    expect(reader.config.get('websocketTool.maxClientErrors')).toBe(3);
    expect(reader.config.get('websocketTool.sources.maxClientErrors')).toBe('env-file');

    // In force: the third consecutive failed send closes the client with send_error.
    const registry = t.app.get(ConnectionRegistry);
    const broadcast = t.app.get(BroadcastService);
    const c = await WsTestClient.connect(`${t.ws}/ws/flaky`);
    // Text frames fail, so the close frame still gets out.
    failTextWrites(registry.get('flaky')!.rawSocket!);
    broadcast.sendToClient('flaky', { type: 'f1' });
    broadcast.sendToClient('flaky', { type: 'f2' });
    await sleep(50);
    expect(registry.has('flaky')).toBe(true);
    broadcast.sendToClient('flaky', { type: 'f3' });
    expect(await c.closed).toEqual({ code: 4002, reason: 'send_error' });
  });

  it('a bad value in the .env file stops start-up, naming the variable and the file', async () => {
    const file = envFile('FP_WST_MAX_CLIENT_ERRORS=abc\n');
    const boot = createTestApp({}, { imports: [ConfigModule.forRoot({ envFilePath: file, isGlobal: true })] });
    await expect(boot).rejects.toThrow(`FP_WST_MAX_CLIENT_ERRORS="abc" (in ${file}) is invalid: it must be an integer from 1 to 1000000.`);
  });

  it('the first of several env files wins, and expandVariables works', async () => {
    const local = envFile('TOPIC_LIMIT=7\nFP_WST_MAX_TOPIC_LENGTH=50\n', '.env.local');
    const shared = envFile('FP_WST_MAX_TOPICS_PER_CLIENT=${TOPIC_LIMIT}\nFP_WST_MAX_TOPIC_LENGTH=99\n');
    t = await createTestApp(
      {},
      { imports: [ConfigModule.forRoot({ envFilePath: [local, shared], expandVariables: true, isGlobal: true })] },
    );
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect(settings.maxTopicsPerClient).toBe(7);
    expect(settings.sources.maxTopicsPerClient).toBe('env-file');
    expect(settings.maxTopicLength).toBe(50);
    expect(settings.sources.maxTopicLength).toBe('env-file');
  });

  it('values of a load factory count as the environment, with source "config"; a bad one names ConfigService', async () => {
    t = await createTestApp(
      { maxQueueSize: 5 },
      { imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ FP_WST_MAX_QUEUE_SIZE: 4321 })], isGlobal: true })] },
    );
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect(settings.maxQueueSize).toBe(4321);
    expect(settings.sources.maxQueueSize).toBe('config');
    expect((await configEntries(t)).maxQueueSize).toMatchObject({ value: 4321, source: 'config' });
    await t.close();

    const boot = createTestApp(
      {},
      { imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ FP_WST_ENABLE_HEARTBEAT: 'maybe' })], isGlobal: true })] },
    );
    await expect(boot).rejects.toThrow('FP_WST_ENABLE_HEARTBEAT="maybe" (from ConfigService) is invalid: it must be true or false.');
  });

  it('keeps defaults < forRoot options < environment, and a real env var wins over the .env file', async () => {
    process.env.FP_WST_MAX_TOPIC_LENGTH = '40';
    const file = envFile('FP_WST_MAX_QUEUE_SIZE=20000\nFP_WST_MAX_TOPIC_LENGTH=50\n');
    t = await createTestApp(
      { maxQueueSize: 5, consumerPoolSize: 2, maxTopicLength: 10 },
      { imports: [ConfigModule.forRoot({ envFilePath: file, isGlobal: true })] },
    );
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect([settings.maxQueueSize, settings.sources.maxQueueSize]).toEqual([20000, 'env-file']);
    expect([settings.maxTopicLength, settings.sources.maxTopicLength]).toEqual([40, 'env']);
    expect([settings.consumerPoolSize, settings.sources.consumerPoolSize]).toEqual([2, 'options']);
    expect([settings.heartbeatInterval, settings.sources.heartbeatInterval]).toEqual([30, 'default']);
    const entries = await configEntries(t);
    expect(entries.maxQueueSize.source).toBe('env-file');
    expect(entries.maxTopicLength.source).toBe('env');
    expect(entries.consumerPoolSize.source).toBe('options');
    expect(entries.heartbeatInterval.source).toBe('default');
  });

  it('with override: true the .env file wins over the process environment and is named as the source', async () => {
    process.env.FP_WST_MAX_TOPIC_LENGTH = '40';
    const file = envFile('FP_WST_MAX_TOPIC_LENGTH=50\n');
    t = await createTestApp({}, { imports: [ConfigModule.forRoot({ envFilePath: file, override: true, isGlobal: true })] });
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect([settings.maxTopicLength, settings.sources.maxTopicLength]).toEqual([50, 'env-file']);
  });

  it('without ConfigModule the process environment is read, and no namespace is needed to run', async () => {
    process.env.FP_WST_MAX_CLIENT_ERRORS = '4';
    t = await createTestApp({ maxQueueSize: 5 });
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect([settings.maxClientErrors, settings.sources.maxClientErrors]).toEqual([4, 'env']);
    expect([settings.maxQueueSize, settings.sources.maxQueueSize]).toEqual([5, 'options']);
    expect(t.app.get(websocketToolConfig.KEY)).toBe(settings);
    expect((await configEntries(t)).maxClientErrors).toMatchObject({ value: 4, source: 'env' });
  });

  it('forRootAsync takes options from ConfigService and still honours FP_WST_* from the .env file and load factories', async () => {
    const file = envFile('APP_QUEUE_LIMIT=777\nFP_WST_MAX_CLIENT_ERRORS=3\n');
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebSocketToolModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ maxQueueSize: Number(config.getOrThrow<string>('APP_QUEUE_LIMIT')) }),
        }),
        ConfigModule.forRoot({ envFilePath: file, load: [() => ({ FP_WST_MAX_TOPIC_LENGTH: 44 })] }),
      ],
    }).compile();
    try {
      const settings = moduleRef.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
      expect([settings.maxQueueSize, settings.sources.maxQueueSize]).toEqual([777, 'options']);
      expect([settings.maxClientErrors, settings.sources.maxClientErrors]).toEqual([3, 'env-file']);
      expect(moduleRef.get(ConfigService).get('websocketTool.maxQueueSize')).toBe(777);
      expect([settings.maxTopicLength, settings.sources.maxTopicLength]).toEqual([44, 'config']);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses websocketToolConfig in ConfigModule load, saying why', async () => {
    await expect(
      createTestApp({}, { imports: [ConfigModule.forRoot({ load: [websocketToolConfig], ignoreEnvFile: true })] }),
    ).rejects.toThrow(/websocketToolConfig is registered by WebSocketToolModule/);
  });

  it('a non-global ConfigModule is not seen by forRoot, yet the .env values it copied into process.env apply', async () => {
    const file = envFile('FP_WST_MAX_CLIENT_ERRORS=3\n');
    t = await createTestApp({}, { imports: [ConfigModule.forRoot({ envFilePath: file })] });
    const settings = t.app.get<WebSocketToolSettings>(WEBSOCKET_TOOL_SETTINGS);
    expect([settings.maxClientErrors, settings.sources.maxClientErrors]).toEqual([3, 'env']);
  });
});

describe('the built library without @nestjs/config installed', () => {
  it('boots and reads the process environment', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/without-nestjs-config/', import.meta.url));
    const dist = fileURLToPath(new URL('../libs/websocket-tool/dist/index.js', import.meta.url));
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run "npm run build" first (npm test does).`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', './hide-nestjs-config.mjs', 'boot.mjs'], {
      cwd: fixture,
      env: { ...process.env, FP_WST_MAX_CLIENT_ERRORS: '4' },
    });
    expect(JSON.parse(stdout)).toEqual({
      nestConfigLoads: false,
      maxQueueSize: [5, 'options'],
      maxClientErrors: [4, 'env'],
      namespace: true,
    });
  });
});
