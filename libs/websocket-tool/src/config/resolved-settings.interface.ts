import type { WebSocketToolOptions } from './websocket-tool-options.interface.js';

/** Where a setting's value came from. @publicApi */
export type SettingSource = 'default' | 'options' | 'env';

/**
 * The settings in force: defaults, then `forRoot` options, then `FP_WST_*`
 * environment variables, validated and frozen.
 *
 * @publicApi
 */
export type WebSocketToolSettings = Readonly<Required<Omit<WebSocketToolOptions, OptionAlias>>> & {
  /** Where each setting's value came from. */
  readonly sources: Readonly<Record<Exclude<keyof WebSocketToolOptions, OptionAlias>, SettingSource>>;
};

/** Option names that only stand for another setting (`metrics` for `enableMetrics`), absent from the settings. */
export type OptionAlias = 'metrics';
