/**
 * Options of `WebSocketToolModule.forRoot()`. Every field is optional; each
 * one can also be set by its `FP_WST_*` environment variable, which wins over
 * the value given here (see docs/configuration.md for the full table).
 *
 * Times are in seconds, as in the original plugin's settings.
 *
 * @publicApi
 */
export interface WebSocketToolOptions {
  /** Upper bound of messages queued for all clients together. `FP_WST_MAX_QUEUE_SIZE`. @default 10000 */
  maxQueueSize?: number;
  /** Outbound consumers that drain the per-client queues concurrently. `FP_WST_CONSUMER_POOL_SIZE`. @default 4 */
  consumerPoolSize?: number;
  /** Send pings and close silent clients. `FP_WST_ENABLE_HEARTBEAT`. @default true */
  enableHeartbeat?: boolean;
  /** Seconds between heartbeat sweeps. `FP_WST_HEARTBEAT_INTERVAL`. @default 30 */
  heartbeatInterval?: number;
  /** Seconds of silence after which a client is closed (`heartbeat_timeout`). `FP_WST_HEARTBEAT_TIMEOUT`. @default 60 */
  heartbeatTimeout?: number;
  /** Consecutive send failures that disconnect a client (`send_error`). `FP_WST_MAX_CLIENT_ERRORS`. @default 10 */
  maxClientErrors?: number;
  /** Seconds between supervisor checks of the background loops. `FP_WST_TASK_RESTART_INTERVAL`. @default 5 */
  taskRestartInterval?: number;
  /** Messages a connection may send per window (burst: × `rateLimitBurstMultiplier`). `FP_WST_RATE_LIMIT_MESSAGES_PER_WINDOW`. @default 60 */
  rateLimitMessagesPerWindow?: number;
  /** Length of the message window in seconds. `FP_WST_RATE_LIMIT_MESSAGE_WINDOW`. @default 60 */
  rateLimitMessageWindow?: number;
  /** Handshakes one IP may make per window (burst: × `rateLimitBurstMultiplier`). `FP_WST_RATE_LIMIT_CONNECTIONS_PER_WINDOW`. @default 10 */
  rateLimitConnectionsPerWindow?: number;
  /** Length of the connection window in seconds. `FP_WST_RATE_LIMIT_CONNECTION_WINDOW`. @default 60 */
  rateLimitConnectionWindow?: number;
  /** Bucket capacity as a multiple of the per-window rate. `FP_WST_RATE_LIMIT_BURST_MULTIPLIER`. @default 2 */
  rateLimitBurstMultiplier?: number;
  /** Consecutive rate-limit violations that close the connection with 1008. `FP_WST_RATE_LIMIT_DISCONNECT_AFTER`. @default 3 */
  rateLimitDisconnectAfter?: number;
  /** Base path of the WebSocket endpoint; `<path>/<clientId>` is the named form. `FP_WST_PATH`. @default '/ws' */
  path?: string;
  /** Largest inbound frame in bytes; a larger one closes the connection with 1009. `FP_WST_MAX_PAYLOAD_BYTES`. @default 65536 */
  maxPayloadBytes?: number;
  /** Negotiate permessage-deflate (costs memory per connection). `FP_WST_PER_MESSAGE_DEFLATE`. @default false */
  perMessageDeflate?: boolean;
  /** Most concurrent connections; 0 means unlimited. A full server answers 503. `FP_WST_MAX_CONNECTIONS`. @default 0 */
  maxConnections?: number;
  /** Proxy hops to trust in `X-Forwarded-For` for the client IP; 0 uses the socket address. `FP_WST_TRUST_PROXY`. @default 0 */
  trustProxy?: number;
  /** Most messages queued for one client; past it the client is closed as a slow consumer. `FP_WST_MAX_CLIENT_QUEUE_SIZE`. @default 1000 */
  maxClientQueueSize?: number;
  /** Socket buffer size in bytes above which a client is treated as slow and its queue is held. `FP_WST_SEND_HIGH_WATER_MARK_BYTES`. @default 1048576 */
  sendHighWaterMarkBytes?: number;
  /** Seconds graceful shutdown waits for queued messages before closing clients. `FP_WST_SHUTDOWN_TIMEOUT`. @default 5 */
  shutdownTimeout?: number;
  /** Seconds a handler may run before the sender gets `handler_timeout`; 0 disables. `FP_WST_HANDLER_TIMEOUT`. @default 30 */
  handlerTimeout?: number;
  /** Most topics one connection may subscribe to. `FP_WST_MAX_TOPICS_PER_CLIENT`. @default 100 */
  maxTopicsPerClient?: number;
  /** Longest topic name in characters. `FP_WST_MAX_TOPIC_LENGTH`. @default 200 */
  maxTopicLength?: number;
  /** Deepest JSON nesting accepted in an inbound message. `FP_WST_MAX_JSON_DEPTH`. @default 32 */
  maxJsonDepth?: number;
}
