import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { clientBundleMissingMessage } from './client-bundle.messages.js';
import { resolveClientBundleFile } from './resolve-client-bundle.js';

interface LoadedBundle {
  file: string;
  mtimeMs: number;
  text: string;
  etag: string;
}

/** True if the setting turns the route off. */
export const isClientBundleDisabled = (path: string): boolean => path === '' || path === 'off';

/**
 * Serves the browser client bundle (`WebSocketToolClient`,
 * `WebSocketRegistry`, `safeRegisterHandler`) at `clientBundlePath`. The path
 * comes from the settings at run time, so the route is added to the HTTP
 * adapter during init (as `SwaggerModule.setup` does) rather than declared
 * with `@Get()`. The file is re-read when it changes on disk.
 *
 * @internal
 */
@Injectable()
export class ClientBundleService implements OnModuleInit {
  private readonly logger = new Logger('WebSocketTool');
  private loaded: LoadedBundle | null = null;
  private warned = false;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const path = this.settings.clientBundlePath;
    const http = this.adapterHost.httpAdapter;
    // No HTTP server (an application context or a microservice): nothing to serve.
    if (isClientBundleDisabled(path) || !http) return;
    http.get(path, (request: { headers?: Record<string, unknown> }, response: unknown) => {
      const bundle = this.load();
      http.setHeader(response, 'X-Content-Type-Options', 'nosniff');
      if (!bundle) {
        http.setHeader(response, 'Content-Type', 'text/plain; charset=utf-8');
        http.reply(response, 'Not Found', 404);
        return;
      }
      http.setHeader(response, 'Content-Type', 'text/javascript; charset=utf-8');
      // Revalidated on every load (cheap with the ETag), so an upgraded bundle is picked up at once.
      http.setHeader(response, 'Cache-Control', 'no-cache');
      http.setHeader(response, 'ETag', bundle.etag);
      if (request.headers?.['if-none-match'] === bundle.etag) {
        http.status(response, 304);
        http.end(response);
        return;
      }
      http.reply(response, bundle.text, 200);
    });
  }

  /** The bundle, re-read if its file changed; null (and one warning) if it is not built. */
  load(): LoadedBundle | null {
    const file = this.loaded?.file ?? resolveClientBundleFile();
    if (file) {
      try {
        const { mtimeMs } = statSync(file);
        if (this.loaded && this.loaded.file === file && this.loaded.mtimeMs === mtimeMs) return this.loaded;
        const text = readFileSync(file, 'utf8');
        const etag = '"' + createHash('sha256').update(text).digest('base64url').slice(0, 27) + '"';
        this.loaded = { file, mtimeMs, text, etag };
        return this.loaded;
      } catch {
        this.loaded = null;
      }
    }
    if (!this.warned) {
      this.warned = true;
      this.logger.warn(clientBundleMissingMessage(this.settings.clientBundlePath));
    }
    return null;
  }
}
