import { websocketToolConfigFactoryMessage } from './config.messages.js';
import type { WebSocketToolSettings } from './resolved-settings.interface.js';

/**
 * Name of the `ConfigService` namespace that holds the settings in force:
 * `configService.get('websocketTool.maxQueueSize')`.
 *
 * @publicApi
 */
export const WEBSOCKET_TOOL_CONFIG_NAMESPACE = 'websocketTool';

/**
 * The settings in force as a typed `@nestjs/config` namespace, in the shape
 * `registerAs('websocketTool', …)` gives, registered by `WebSocketToolModule`
 * itself once the settings are resolved (defaults, options, environment); do
 * not add it to `ConfigModule.forRoot({ load })`.
 *
 * @example
 * ```ts
 * constructor(@Inject(websocketToolConfig.KEY) config: ConfigType<typeof websocketToolConfig>) {
 *   config.maxQueueSize; // also configService.get('websocketTool.maxQueueSize')
 * }
 * ```
 * @publicApi
 */
export const websocketToolConfig: (() => WebSocketToolSettings) & {
  readonly KEY: `CONFIGURATION(${typeof WEBSOCKET_TOOL_CONFIG_NAMESPACE})`;
} = Object.assign(
  (): WebSocketToolSettings => {
    throw new Error(websocketToolConfigFactoryMessage());
  },
  { KEY: `CONFIGURATION(${WEBSOCKET_TOOL_CONFIG_NAMESPACE})` as const },
);
