/** DI token of the options passed to `forRoot` / `forRootAsync` (before defaults and env). */
export const WEBSOCKET_TOOL_MODULE_OPTIONS = 'WEBSOCKET_TOOL:MODULE_OPTIONS';
/** DI token of the resolved, validated and frozen settings. */
export const WEBSOCKET_TOOL_SETTINGS = 'WEBSOCKET_TOOL:SETTINGS';

/** Prefix of every environment variable the library reads. */
export const ENV_PREFIX = 'FP_WST_';
