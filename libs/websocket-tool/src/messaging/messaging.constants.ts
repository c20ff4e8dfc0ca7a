/** Metadata key of `@OnWsMessage`. */
export const WS_MESSAGE_HANDLER_METADATA = 'WEBSOCKET_TOOL:MESSAGE_HANDLER';
/** Metadata key of the lifecycle hook decorators (`@OnWsConnect`, ...). */
export const WS_HOOK_METADATA = 'WEBSOCKET_TOOL:HOOK';
/** Metadata key of `@WsEmits` (on a class). */
export const WS_EMITS_METADATA = 'WEBSOCKET_TOOL:EMITS';
