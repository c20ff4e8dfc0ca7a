import { Inject, Injectable, Logger, type CanActivate, type OnApplicationBootstrap, type OnModuleInit, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import type { WebSocketToolConfigOptions } from '../config/websocket-tool-module-options.interface.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { adminGuardUnavailableMessage, adminLocalOnlyMessage, adminTokenShortMessage } from './admin.messages.js';
import { digestSecret, secretMatches } from './admin-request.js';

/** How admin requests are let in. */
export type AdminAccessMode = 'disabled' | 'guard' | 'token' | 'local';

/** Shortest admin token that does not draw a warning at start-up. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * Decides, once at start-up, how the admin routes are protected: an
 * app-provided `adminGuard`, else the `adminToken`, else local requests only.
 * Holds only a digest of the token.
 *
 * @internal
 */
@Injectable()
export class AdminAccessPolicy implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('WebSocketTool');
  readonly mode: AdminAccessMode;
  private readonly tokenDigest: Buffer | null;
  private guard: CanActivate | null = null;

  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    @Inject(WEBSOCKET_TOOL_MODULE_OPTIONS) private readonly options: WebSocketToolConfigOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.tokenDigest = settings.adminToken ? digestSecret(settings.adminToken) : null;
    this.mode = !settings.enableAdmin ? 'disabled' : options?.adminGuard ? 'guard' : this.tokenDigest ? 'token' : 'local';
  }

  /** The app's guard, when `mode` is `guard`. */
  get appGuard(): CanActivate | null {
    return this.guard;
  }

  async onModuleInit(): Promise<void> {
    const configured = this.options?.adminGuard;
    if (this.mode !== 'guard' || !configured) return;
    if (typeof configured !== 'function') {
      this.guard = configured;
      return;
    }
    const type = configured as Type<CanActivate>;
    try {
      this.guard = this.moduleRef.get(type, { strict: false });
    } catch {
      try {
        this.guard = await this.moduleRef.create(type);
      } catch (err) {
        throw new Error(adminGuardUnavailableMessage(type.name, err instanceof Error ? err.message : String(err)), { cause: err });
      }
    }
  }

  onApplicationBootstrap(): void {
    const paths = `${this.settings.adminPrefix}/ws/*, ${this.settings.adminPrefix}/info/*, ${this.settings.adminPrefix}${this.settings.adminPagePath}`;
    if (this.mode === 'local') this.logger.warn(adminLocalOnlyMessage(paths));
    if (this.mode === 'token' && this.settings.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
      this.logger.warn(adminTokenShortMessage(this.settings.adminToken.length, MIN_ADMIN_TOKEN_LENGTH));
    }
  }

  /** Compares a presented secret with the admin token in constant time. */
  tokenMatches(candidate: string): boolean {
    return this.tokenDigest !== null && secretMatches(candidate, this.tokenDigest);
  }
}
