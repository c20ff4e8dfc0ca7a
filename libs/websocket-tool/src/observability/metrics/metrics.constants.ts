/** The kind of a Prometheus metric. */
export type WsMetricType = 'counter' | 'gauge' | 'histogram';

/** One exported metric: its bare name (the `metricsPrefix` goes in front), type, labels and meaning. */
export interface WsMetricDefinition {
  readonly name: string;
  readonly type: WsMetricType;
  readonly labels: readonly string[];
  readonly help: string;
}

/** Label value shared by every message type that has no registered handler. */
export const OTHER_HANDLER_TYPE = '_other';

/** Upper bounds, in seconds, of the handler duration histogram. */
export const HANDLER_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Upper bounds, in seconds, of the outbound queue wait histogram. */
export const QUEUE_WAIT_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const define = (name: string, type: WsMetricType, help: string, labels: readonly string[] = []): WsMetricDefinition => ({
  name,
  type,
  labels,
  help,
});

/**
 * Every metric the library exports, in documentation order. The names are
 * the original plugin's (so its dashboards keep working); no label ever
 * holds a client id, an IP or a topic.
 */
export const WS_METRICS = {
  connectionsTotal: define('connections_total', 'counter', 'WebSocket connections accepted.'),
  disconnectionsTotal: define('disconnections_total', 'counter', 'WebSocket disconnections, by reason.', ['reason']),
  messagesReceivedTotal: define(
    'messages_received_total',
    'counter',
    'Frames received from clients, including invalid and rate-limited ones.',
  ),
  messagesSentTotal: define('messages_sent_total', 'counter', 'Messages written to client sockets.'),
  messagesFailedTotal: define('messages_failed_total', 'counter', 'Messages whose socket write failed.'),
  queueOverflowsTotal: define('queue_overflows_total', 'counter', 'Outbound messages dropped because a queue was full.'),
  overflowPolicyMessagesTotal: define(
    'overflow_policy_messages_total',
    'counter',
    'Messages an overflow policy did not deliver (disconnect: messages that closed their client), by policy and message type.',
    ['policy', 'type'],
  ),
  heartbeatTimeoutsTotal: define('heartbeat_timeouts_total', 'counter', 'Clients closed because they stayed silent past heartbeatTimeout.'),
  rateLimitedMessagesTotal: define('rate_limited_messages_total', 'counter', 'Inbound messages refused by a message rate limit.'),
  rateLimitedConnectionsTotal: define(
    'rate_limited_connections_total',
    'counter',
    'Handshakes refused by the per-IP connection rate limit (HTTP 429).',
  ),
  rateLimitDisconnectsTotal: define(
    'rate_limit_disconnects_total',
    'counter',
    'Connections closed after rateLimitDisconnectAfter consecutive rate-limit violations.',
  ),
  supervisorRestartsTotal: define('supervisor_restarts_total', 'counter', 'Background loops the supervisor found stopped and restarted.'),
  recoveriesTotal: define(
    'recoveries_total',
    'counter',
    'Subscribes that asked to resume from a position (since), by outcome: recovered (every missed message replayed) or not_recovered.',
    ['outcome'],
  ),
  replayedMessagesTotal: define('replayed_messages_total', 'counter', 'Missed messages replayed to subscribers that recovered.'),
  missedMessageNoticesTotal: define(
    'missed_message_notices_total',
    'counter',
    'Notices to subscribers whose node missed topic messages while its Redis link was down (cluster mode), by notice: insufficient_state (a topic with history: subscribe again with since) or topic_gap (a topic without history: messages may be lost).',
    ['notice'],
  ),
  activeConnections: define('active_connections', 'gauge', 'Open WebSocket connections.'),
  activeNamedConnections: define('active_named_connections', 'gauge', 'Open connections with a client id in the URL.'),
  activeAnonymousConnections: define('active_anonymous_connections', 'gauge', 'Open connections without a client id in the URL.'),
  queueSize: define('queue_size', 'gauge', 'Distinct messages waiting in the outbound queues (a broadcast counts once).'),
  queueBytes: define('queue_bytes', 'gauge', 'Bytes of the distinct messages waiting in the outbound queues.'),
  queueUtilization: define(
    'queue_utilization',
    'gauge',
    'How full the shared outbound budget is, from 0 to 1: the larger of queue_size / maxQueueSize and queue_bytes / maxQueueBytes.',
  ),
  historyMessages: define(
    'history_messages',
    'gauge',
    'Messages kept in the topic histories (the topics option): on one node, those of this process, expired ones not counted; in cluster mode, those the cluster holds in Redis, the same figure on every node (expired ones not yet trimmed counted, as they take memory).',
  ),
  activeUsers: define('active_users', 'gauge', 'Distinct users (identity userId) holding open connections to this node.'),
  presenceMembers: define(
    'presence_members',
    'gauge',
    "Memberships of this node's connections in topics with presence (a connection in two such topics counts twice).",
  ),
  presenceTopics: define('presence_topics', 'gauge', 'Topics with presence in which this node has members.'),
  handlersRegistered: define('handlers_registered', 'gauge', 'Registered @OnWsMessage handlers.'),
  receivedPerSec: define('received_per_sec', 'gauge', 'Frames received per second, averaged over the last 60 seconds.'),
  sentPerSec: define('sent_per_sec', 'gauge', 'Messages sent per second, averaged over the last 60 seconds.'),
  failedPerSec: define('failed_per_sec', 'gauge', 'Failed sends per second, averaged over the last 60 seconds.'),
  handlerDurationSeconds: define(
    'handler_duration_seconds',
    'histogram',
    `Time from calling a message handler to its settled result, by message type (unregistered types share "${OTHER_HANDLER_TYPE}").`,
    ['type'],
  ),
  queueWaitSeconds: define('queue_wait_seconds', 'histogram', 'Time an outbound message waited in its queue before it was written.'),
} as const satisfies Record<string, WsMetricDefinition>;

/** Key of a metric in `WS_METRICS`. */
export type WsMetricKey = keyof typeof WS_METRICS;
