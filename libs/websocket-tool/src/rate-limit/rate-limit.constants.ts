/** Metadata key of `@WsRateLimit` / `@SkipWsRateLimit`. */
export const WS_RATE_LIMIT_METADATA = 'WEBSOCKET_TOOL:RATE_LIMIT';
