import type { RedisClusterStatus } from '../cluster/backplane.interface.js';
/**
 * The shapes of the module's figures as the admin API and the cluster merge
 * read them (field names of the original plugin). The admin layer's DTO
 * classes implement these for their OpenAPI description; everything below
 * the admin layer speaks these interfaces.
 */

/** A client or an IP among the most rate-limited. @publicApi */
export interface TopRateLimitedClient {
  client_id: string;
  count: number;
}

/** @publicApi */
export interface TopRateLimitedIp {
  ip: string;
  count: number;
}

/** Hooks registered per event. @publicApi */
export interface RegisteredHooks {
  client_connected: number;
  client_disconnected: number;
  message_received: number;
  message_failed: number;
}

/** Every counter and gauge of one node (or the totals of a cluster). @publicApi */
export interface WsStatsFigures {
  total_connections: number;
  total_disconnections: number;
  messages_received: number;
  messages_sent: number;
  messages_failed: number;
  queue_overflows: number;
  heartbeat_timeouts: number;
  total_active_connections: number;
  active_named_connections: number;
  active_anonymous_connections: number;
  queue_size: number;
  max_queue_size: number;
  queue_bytes: number;
  max_queue_bytes: number;
  queue_utilization: number;
  received_per_sec: number;
  sent_per_sec: number;
  failed_per_sec: number;
  is_shutdown: boolean;
  registered_handlers: number;
  registered_hooks: RegisteredHooks;
  supervisor_restarts: number;
  rate_limited_messages: number;
  rate_limited_connections: number;
  rate_limit_disconnects: number;
  rejected_handshakes: number;
  top_rate_limited_clients: TopRateLimitedClient[];
  top_rate_limited_ips: TopRateLimitedIp[];
  disconnections_by_reason: Record<string, number>;
  /** Messages the overflow policies did not deliver, by policy then message type (see docs/delivery.md). */
  overflow_by_policy: Record<string, Record<string, number>>;
  active_topics: number;
}

/** The health part of the stats answer. @publicApi */
export interface StatsHealth {
  status: 'healthy' | 'warning' | 'critical';
  issues: string[];
  message_success_rate: number;
}

/** The link of a node to the cluster. @publicApi */
export interface BackplaneFigures {
  node_id: string;
  state: 'off' | 'connecting' | 'up' | 'down' | 'closed';
  redis: string | null;
  outbox_size: number;
  outbox_capacity: number;
  outbox_dropped: number;
  published: number;
  received: number;
  disconnects: number;
  remote_clients: number;
  /** On a Redis Cluster: its shards, their health, and the shard of each bucket of topics. */
  redis_cluster?: RedisClusterStatus;
}

/** One node's row in the cluster stats. @publicApi */
export interface ClusterNodeStats {
  node_id: string;
  stats: WsStatsFigures;
  health: StatsHealth;
  backplane: BackplaneFigures;
}

/** The cluster part of the stats. @publicApi */
export interface ClusterStats {
  node_id: string;
  nodes: ClusterNodeStats[];
  missing_nodes: string[];
}

/** `GET /ws/stats`. @publicApi */
export interface StatsSnapshot {
  stats: WsStatsFigures;
  health: StatsHealth;
  cluster?: ClusterStats;
  timestamp: number;
}

/** One connected client. Times are epoch seconds, durations seconds. @publicApi */
export interface ClientRow {
  client_id: string;
  type: 'named' | 'anonymous';
  ip: string;
  user_agent: string;
  connected_at: number;
  duration: number;
  last_ping: number | null;
  last_pong: number | null;
  time_since_pong: number | null;
  messages_received: number;
  messages_sent: number;
  messages_failed: number;
  queued: number;
  queued_bytes: number;
  health_score: number;
  is_alive: boolean;
  rate_limit_remaining: number;
  rate_limit_violations: number;
  topics: string[];
  /** The identity's `userId`, null for a connection without a user. */
  user_id: string | null;
  node_id?: string;
}

/** Counts over all connected clients. @publicApi */
export interface ClientsSummary {
  total_clients: number;
  named_clients: number;
  anonymous_clients: number;
  healthy_clients: number;
  /** Distinct users holding connections (in cluster mode, summed over the nodes: a user on two nodes counts twice). */
  users: number;
}
