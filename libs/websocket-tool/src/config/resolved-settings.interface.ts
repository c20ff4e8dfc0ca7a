import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/** Where a setting's value came from. @publicApi */
export type SettingSource = 'default' | 'options' | 'env';

/**
 * The settings in force: defaults, then `forRoot` options, then `FP_WST_*`
 * environment variables, validated and frozen.
 *
 * @publicApi
 */
export type WebSocketToolSettings = Readonly<Required<WebSocketToolOptions>> & {
  /** Where each setting's value came from. */
  readonly sources: Readonly<Record<keyof WebSocketToolOptions, SettingSource>>;
};
