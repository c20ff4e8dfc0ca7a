import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketToolOptions } from '../../config/websocket-tool-options.interface.js';
import { WebSocketToolModule } from '../../websocket-tool.module.js';
import { WsMetricsService } from './ws-metrics.service.js';

// What Node throws when prom-client is not installed.
vi.mock('./prom-client.loader.js', () => ({
  loadPromClient: () =>
    Promise.reject(
      Object.assign(new Error("Cannot find package 'prom-client' imported from /app/node_modules/@websocket-tool/nestjs/dist/x.js"), {
        code: 'ERR_MODULE_NOT_FOUND',
      }),
    ),
}));

async function boot(options: WebSocketToolOptions, env: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const moduleRef = await Test.createTestingModule({ imports: [WebSocketToolModule.forRoot(options)] }).compile();
  return moduleRef;
}

describe('metrics without prom-client installed', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('on by default only: the app starts without metrics and says so in one line', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const moduleRef = await boot({});
    await moduleRef.init();
    expect(moduleRef.get(WsMetricsService).active).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^prom-client is not installed, so WebSocketTool exports no metrics/));
    await moduleRef.close();
  });

  it('asked for with enableMetrics: true, stops the start naming the option and the packages to install', async () => {
    const moduleRef = await boot({ enableMetrics: true });
    await expect(moduleRef.init()).rejects.toThrow(
      'option "enableMetrics: true" asks for metrics, but the "prom-client" package is not installed. Install it (npm install prom-client',
    );
    await moduleRef.close();
  });

  it('asked for with FP_WST_ENABLE_METRICS=true, names the env variable', async () => {
    const moduleRef = await boot({}, { FP_WST_ENABLE_METRICS: 'true' });
    await expect(moduleRef.init()).rejects.toThrow(/^FP_WST_ENABLE_METRICS=true asks for metrics/);
    await moduleRef.close();
  });

  it('turned off, loads nothing and says nothing', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const moduleRef = await boot({ enableMetrics: false });
    await moduleRef.init();
    expect(log).not.toHaveBeenCalledWith(expect.stringContaining('prom-client'));
    await moduleRef.close();
  });
});
