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
  /**
   * Upper bound of distinct messages waiting in the outbound queues of all clients together: a broadcast's
   * message counts once, however many clients it waits for (as in the original plugin). Past it, the client
   * that stopped reading and holds the most is closed as a slow consumer to make room; with none, the new
   * message is dropped. `FP_WST_MAX_QUEUE_SIZE`. @default 10000
   */
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
  /**
   * Keep-alive messages (`system.ping`, `system.pong`, `system.heartbeat`, `pong`) a connection may send per
   * second (burst: × `rateLimitBurstMultiplier`). They do not count against the message limit; past this one
   * they are refused like any message. `FP_WST_RATE_LIMIT_CONTROL_PER_SECOND`. @default 10
   */
  rateLimitControlPerSecond?: number;
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
  /**
   * Most messages queued for one client whose socket takes no more; past it the client is closed as a slow
   * consumer (4003). `FP_WST_MAX_CLIENT_QUEUE_SIZE`. @default 1000
   */
  maxClientQueueSize?: number;
  /** Socket buffer size in bytes above which a client is treated as slow and its queue is held. `FP_WST_SEND_HIGH_WATER_MARK_BYTES`. @default 262144 */
  sendHighWaterMarkBytes?: number;
  /**
   * Most bytes queued for one client whose socket takes no more; past it the client is closed as a slow
   * consumer (4003). With the socket's own buffer (`sendHighWaterMarkBytes`) this bounds what one client that
   * stops reading can pin: 512 KiB at the defaults. `FP_WST_MAX_CLIENT_QUEUE_BYTES`. @default 262144
   */
  maxClientQueueBytes?: number;
  /**
   * Upper bound of the bytes of distinct messages waiting in all outbound queues together (a broadcast counts
   * once); handled like `maxQueueSize`. `FP_WST_MAX_QUEUE_BYTES`. @default 268435456 (256 MiB)
   */
  maxQueueBytes?: number;
  /**
   * Seconds a client's socket may stay above `sendHighWaterMarkBytes` with messages waiting and without its
   * buffer going down before it is closed as a slow consumer (4003). `FP_WST_SLOW_CONSUMER_TIMEOUT`. @default 10
   */
  slowConsumerTimeout?: number;
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
  /**
   * Who gets task events: `'subscribers'` of `task:<taskId>` plus the task's owner, or `'all'` clients
   * (the original plugin's behaviour). `FP_WST_TASK_EVENTS_AUDIENCE`.
   * @default 'subscribers'
   */
  taskEventsAudience?: 'subscribers' | 'all';
  /** Events of each task kept for late subscribers; 0 turns history off. `FP_WST_TASK_HISTORY_SIZE`. @default 200 */
  taskHistorySize?: number;
  /** Seconds a finished task is remembered for late subscribers before it is forgotten. `FP_WST_TASK_RETENTION`. @default 600 */
  taskRetention?: number;
  /** Most tasks tracked at once; past it the oldest finished (else oldest) task is forgotten. `FP_WST_MAX_TRACKED_TASKS`. @default 1000 */
  maxTrackedTasks?: number;
  /**
   * Seconds a client has to send each complete request on the server, the upgrade included (and to pass
   * authentication); slower ones get 408. A later request on a kept-alive connection is timed from its first
   * byte, and a connection idle after a response is closed after this or the server's `keepAliveTimeout`,
   * whichever is longer. `FP_WST_HANDSHAKE_TIMEOUT`.
   * @default 10
   */
  handshakeTimeout?: number;
  /**
   * Most TCP connections (HTTP and WebSocket together) one peer address may hold open on the server; past it a
   * new connection gets 503 before its request is read. 0 turns the cap off. Not applied when `trustProxy` is
   * above 0, since the peer is then the proxy. Raise it for many users behind one NAT. `FP_WST_MAX_CONNECTIONS_PER_IP`.
   * @default 256
   */
  maxConnectionsPerIp?: number;
  /**
   * Host names the WebSocket endpoint answers to, comma-separated; `*.example.com` allows any name below
   * `example.com`. A handshake whose `Host` matches none gets 403 (loopback names from a loopback peer always
   * pass). Empty: any `Host`, except the DNS-rebinding shape (a browser on this machine reaching the server by a
   * name that is not local, with no proxy in between), which gets 403. See docs/security.md. `FP_WST_ALLOWED_HOSTS`.
   * @default ''
   */
  allowedHosts?: string;
  /**
   * The identity field (with `jwt`: the token claim) listing topics the connection is subscribed to before it gets
   * its first message, welcome included; what `authenticate` returns works the same way. Invalid names are
   * skipped; `maxTopicsPerClient` applies. Empty turns it off. See docs/presence.md. `FP_WST_IDENTITY_TOPICS_CLAIM`.
   * @default 'topics'
   */
  identityTopicsClaim?: string;
  /**
   * With a prefix such as `user:`, every connection of a user is subscribed to its personal topic
   * (`user:<userId>`) before its first message, and a client may not subscribe to another user's personal topic
   * (`forbidden`). Empty: no personal topics. `FP_WST_PERSONAL_TOPIC_PREFIX`.
   * @default ''
   */
  personalTopicPrefix?: string;
  /**
   * Seconds before the `exp` of the token a connection was authenticated with that it is told
   * `system.token_expiring`; it may then send `system.refresh` with a new token. A connection whose token expired
   * unrefreshed is closed with `4004 token_expired` at the next heartbeat. `FP_WST_TOKEN_EXPIRY_NOTICE`.
   * @default 60
   */
  tokenExpiryNotice?: number;
  /**
   * Export the module's Prometheus metrics into prom-client's default registry (served by the app's
   * `PrometheusModule` at `/metrics`). Off, nothing is registered and nothing is timed. `FP_WST_ENABLE_METRICS`.
   * @default true
   */
  enableMetrics?: boolean;
  /**
   * Alias of `enableMetrics` (`metrics: false` turns the metrics off); `enableMetrics` and
   * `FP_WST_ENABLE_METRICS` win when given.
   * @default true
   */
  metrics?: boolean;
  /**
   * Put in front of every metric name; `''` gives the bare names. Independent of `PrometheusModule`'s
   * `customMetricPrefix`. `FP_WST_METRICS_PREFIX`.
   * @default 'fp_websocket_tool_'
   */
  metricsPrefix?: string;
  /** Serve the admin REST API and the admin page; off, their routes answer 404. `FP_WST_ENABLE_ADMIN`. @default true */
  enableAdmin?: boolean;
  /** Path in front of every admin route (`<prefix>/ws/stats`, `<prefix>/ws-admin`, ...). `FP_WST_ADMIN_PREFIX`. @default '' */
  adminPrefix?: string;
  /** Path of the admin dashboard page, after `adminPrefix`. `FP_WST_ADMIN_PAGE_PATH`. @default '/ws-admin' */
  adminPagePath?: string;
  /**
   * Secret that opens the admin API and page to remote callers (`Authorization: Bearer <token>`, or HTTP Basic
   * with the token as password). Empty: only local requests (127.0.0.1, ::1) are let in. `FP_WST_ADMIN_TOKEN`.
   * @default ''
   */
  adminToken?: string;
  /** Seconds over which the health check counts events (overflows, failures, rate limiting). `FP_WST_HEALTH_WINDOW`. @default 300 */
  healthWindow?: number;
  /**
   * Path where the app serves the browser client bundle (`<script src="/ws-client.js">`); `''` or `'off'`
   * serves nothing (an empty env var counts as unset, so use `off` there). `FP_WST_CLIENT_BUNDLE_PATH`.
   * @default '/ws-client.js'
   */
  clientBundlePath?: string;
  /**
   * Redis URL that turns on cluster mode (`redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS): every
   * instance with the same Redis acts as one WebSocket server. Empty runs a single node. More cluster options
   * (node id, presence TTL, outbox) are in the `cluster` option; this env var wins over `cluster.redis.url`, which wins
   * over this option. See docs/clustering.md. `FP_WST_REDIS_URL`.
   * @default ''
   */
  redisUrl?: string;
}
