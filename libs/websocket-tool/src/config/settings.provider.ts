import type { Provider } from '@nestjs/common';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from '../websocket-tool.constants.js';
import { resolveSettings } from './resolve-settings.js';
import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/**
 * The one place where options become settings, for `forRoot` and
 * `forRootAsync` alike: defaults, then options, then `FP_WST_*` env vars,
 * validated. An invalid value throws here and Nest stops start-up.
 */
export const settingsProvider: Provider = {
  provide: WEBSOCKET_TOOL_SETTINGS,
  useFactory: (options: WebSocketToolOptions & { isGlobal?: boolean }) => {
    const { isGlobal: _ignored, ...rest } = options ?? {};
    return resolveSettings(rest);
  },
  inject: [WEBSOCKET_TOOL_MODULE_OPTIONS],
};
