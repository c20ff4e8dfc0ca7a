import { Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from './api-docs.decorators.js';
import type { WebSocketToolSettings } from '../config/resolved-settings.interface.js';
import { WsHandlerRegistry } from '../messaging/discovery/ws-handler-registry.js';
import { WEBSOCKET_TOOL_SETTINGS } from '../config/config.constants.js';
import { AdminController } from './admin-controller.decorator.js';
import { ConfigResponseDto, HandlersResponseDto } from './dto/info.dto.js';
import { describeSettings } from './settings-view.js';

/** The hook events under the original plugin's names. */
const HOOK_NAMES = {
  connect: 'client_connected',
  disconnect: 'client_disconnected',
  message_received: 'message_received',
  message_failed: 'message_failed',
} as const;

/** Settings in force and registered handlers. */
@AdminController()
export class AdminInfoController {
  constructor(
    @Inject(WEBSOCKET_TOOL_SETTINGS) private readonly settings: WebSocketToolSettings,
    private readonly handlers: WsHandlerRegistry,
  ) {}

  @Get(['info/config', 'ws/config'])
  @ApiOperation({ summary: 'Every setting in force: option, env var, value, default and source (secrets redacted)' })
  @ApiOkResponse({ type: ConfigResponseDto })
  config(): ConfigResponseDto {
    const settings = describeSettings(this.settings);
    const rateLimits = Object.fromEntries(settings.filter((s) => s.option.startsWith('rateLimit')).map((s) => [s.option, s.value]));
    return { settings, rate_limits: rateLimits, timestamp: Date.now() / 1000 };
  }

  @Get(['ws/handlers', 'info/handlers'])
  @ApiOperation({ summary: 'Registered message types with their provider, method and DTO, and the lifecycle hooks' })
  @ApiOkResponse({ type: HandlersResponseDto })
  list(): HandlersResponseDto {
    const handlers = [...this.handlers.handlers.values()]
      .map((h) => ({
        type: h.type,
        provider: h.providerName,
        method: h.methodName,
        dto: h.dto?.name ?? null,
        rate_limit: h.rateLimit === undefined ? null : h.rateLimit === false ? (false as const) : { ...h.rateLimit },
      }))
      .toSorted((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    const hooks = Object.fromEntries(
      (Object.keys(HOOK_NAMES) as (keyof typeof HOOK_NAMES)[]).map((event) => [
        HOOK_NAMES[event],
        this.handlers.hooks[event].map((h) => h.where),
      ]),
    );
    return { handlers, hooks, timestamp: Date.now() / 1000 };
  }
}
