import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebSocketToolModuleOptions } from './config/websocket-tool-module-options.interface.js';
import { WEBSOCKET_TOOL_MODULE_OPTIONS } from './websocket-tool.constants.js';

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
