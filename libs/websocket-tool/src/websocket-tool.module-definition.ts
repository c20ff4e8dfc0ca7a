import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebSocketToolConfigOptions } from './config/websocket-tool-module-options.interface.js';
import type { SubscriptionOptions } from './messaging/system/subscription-options.interface.js';
import type { PresenceOptions } from './presence/presence-options.interface.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS } from './config/config.constants.js';

/**
 * Everything `WebSocketToolModule.forRoot()` accepts: the settings (each also
 * settable by env var) plus options that are code, not values. `WebSocketToolConfigOptions` is what the settings resolver reads;
 * `SubscriptionOptions` (`canSubscribe`) takes a connection's handle, so it
 * is declared with subscriptions.
 *
 * @publicApi
 */
export interface WebSocketToolModuleOptions extends WebSocketToolConfigOptions, SubscriptionOptions, PresenceOptions {}

/** Options that shape the module graph rather than the runtime. */
export interface WebSocketToolModuleExtras {
  /** Register the module globally, so feature modules can inject its services without importing it. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: WebSocketToolConfigurableModule,
  OPTIONS_TYPE: WEBSOCKET_TOOL_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBSOCKET_TOOL_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebSocketToolModuleOptions>({
  moduleName: 'WebSocketTool',
  optionsInjectionToken: WEBSOCKET_TOOL_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebSocketToolModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
