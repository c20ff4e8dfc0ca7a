import type { Provider } from '@nestjs/common';
import { WEBSOCKET_TOOL_MODULE_OPTIONS, WEBSOCKET_TOOL_SETTINGS } from './config.constants.js';
import { configServiceEnvironment, type ConfigServiceLike } from './config-service-environment.js';
import { NEST_CONFIGURATION_TOKEN, NestConfigService } from './nest-config.js';
import { resolveSettings } from './resolve-settings.js';
import type { WebSocketToolSettings } from './resolved-settings.interface.js';
import { processEnvironment } from './settings-environment.js';
import { WEBSOCKET_TOOL_CONFIG_NAMESPACE, websocketToolConfig } from './websocket-tool.config.js';
import type { WebSocketToolConfigOptions } from './websocket-tool-module-options.interface.js';

/**
 * The one place where options become settings, for `forRoot` and
 * `forRootAsync` alike: defaults, then options, then `FP_WST_*` variables,
 * validated. The variables are read through `ConfigService` when the module
 * can inject it (`ConfigModule.forRoot({ isGlobal: true })`, or `imports:
 * [ConfigModule]` in `forRootAsync`), else from process.env. An invalid value
 * throws here and Nest stops start-up.
 *
 * The settings are then put in `ConfigService`'s configuration under
 * `websocketTool`, when the app has `ConfigModule`.
 */
export const settingsProvider: Provider = {
  provide: WEBSOCKET_TOOL_SETTINGS,
  useFactory: (
    options: WebSocketToolConfigOptions & { isGlobal?: boolean },
    configService?: ConfigServiceLike,
    configuration?: Record<string, unknown>,
  ): WebSocketToolSettings => {
    const { isGlobal: _ignored, ...rest } = options ?? {};
    const settings = resolveSettings(rest, configService ? configServiceEnvironment(configService) : processEnvironment());
    if (configuration) configuration[WEBSOCKET_TOOL_CONFIG_NAMESPACE] = settings;
    return settings;
  },
  inject: [
    WEBSOCKET_TOOL_MODULE_OPTIONS,
    // Without @nestjs/config there is no ConfigService class; a placeholder token keeps the argument positions.
    { token: NestConfigService ?? Symbol('no @nestjs/config'), optional: true },
    { token: NEST_CONFIGURATION_TOKEN, optional: true },
  ],
};

/** `@Inject(websocketToolConfig.KEY)`: the settings under the `registerAs`-style token. */
export const websocketToolConfigProvider: Provider = {
  provide: websocketToolConfig.KEY,
  useExisting: WEBSOCKET_TOOL_SETTINGS,
};
