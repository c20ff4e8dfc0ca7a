/** DI token of the options passed to `forRoot` / `forRootAsync` (before defaults and env). */
export const WEBSOCKET_TOOL_MODULE_OPTIONS = 'WEBSOCKET_TOOL:MODULE_OPTIONS';
/** DI token of the resolved, validated and frozen settings. */
export const WEBSOCKET_TOOL_SETTINGS = 'WEBSOCKET_TOOL:SETTINGS';

/** Metadata key of `@OnWsMessage`. */
export const WS_MESSAGE_HANDLER_METADATA = 'WEBSOCKET_TOOL:MESSAGE_HANDLER';
/** Metadata key of the lifecycle hook decorators (`@OnWsConnect`, ...). */
export const WS_HOOK_METADATA = 'WEBSOCKET_TOOL:HOOK';
/** Metadata key of `@WsRateLimit` / `@SkipWsRateLimit`. */
export const WS_RATE_LIMIT_METADATA = 'WEBSOCKET_TOOL:RATE_LIMIT';

/** Prefix of the message types the library reserves for itself. */
export const RESERVED_TYPE_PREFIX = 'system.';

/** Prefix of every environment variable the library reads. */
export const ENV_PREFIX = 'FP_WST_';
