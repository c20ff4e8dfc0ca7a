// The parts of the admin API's answers the page reads (see docs/admin-api.md for the whole shapes).

export interface RateLimitedEntry {
  client_id?: string;
  ip?: string;
  count: number;
}

export interface StatsCounters {
  total_active_connections: number;
  active_named_connections: number;
  active_anonymous_connections: number;
  total_connections: number;
  total_disconnections: number;
  rejected_handshakes: number;
  messages_received: number;
  messages_sent: number;
  messages_failed: number;
  queue_overflows: number;
  queue_size: number;
  max_queue_size: number;
  queue_utilization: number;
  heartbeat_timeouts: number;
  supervisor_restarts: number;
  rate_limited_messages: number;
  rate_limited_connections: number;
  rate_limit_disconnects: number;
  top_rate_limited_clients: RateLimitedEntry[];
  top_rate_limited_ips: RateLimitedEntry[];
  received_per_sec: number;
  sent_per_sec: number;
  failed_per_sec: number;
}

export interface HealthAnswer {
  status: string;
  issues: string[];
}

export interface ClusterNode {
  node_id: string;
  stats: { total_active_connections: number };
  health: { status: string };
  backplane: { state: string };
}

export interface ClusterAnswer {
  node_id: string;
  nodes: ClusterNode[];
  missing_nodes: string[];
}

/** `GET /ws/stats` */
export interface StatsAnswer {
  timestamp: number;
  stats: StatsCounters;
  health: HealthAnswer;
  cluster?: ClusterAnswer | null;
}

export interface ClientRow {
  client_id: string;
  node_id?: string;
  type: string;
  user_id?: string | null;
  ip: string;
  user_agent: string;
  duration: number;
  messages_received: number;
  messages_sent: number;
  messages_failed: number;
  health_score: number;
  rate_limit_remaining: number;
  time_since_pong: number | null;
  topics: string[];
}

/** `GET /ws/clients` */
export interface ClientsAnswer {
  total: number;
  offset: number;
  clients: ClientRow[];
  summary: { total_clients: number; named_clients: number; anonymous_clients: number; healthy_clients: number; users?: number };
  missing_nodes?: string[];
}

/** `GET /ws/handlers` */
export interface HandlersAnswer {
  handlers: Array<{
    type: string;
    provider: string;
    method: string;
    dto: string | null;
    rate_limit: null | false | { limit: number; window: number };
  }>;
}

/** `GET /info/config` */
export interface ConfigAnswer {
  settings: Array<{ option: string; env: string; value: unknown; default: unknown; source: string }>;
}

/** `DELETE /ws/clients/:id` */
export interface DisconnectAnswer {
  message: string;
}

/** `POST /ws/send-message` */
export interface SendAnswer {
  message: string;
  queued: number;
  dropped: number;
}

/** `GET /ws/topics` */
export interface TopicsAnswer {
  topics: Array<{
    topic: string;
    subscribers: number;
    history: { epoch: string; offset: number; size: number } | null;
    shard?: { bucket: number; slot: number; master: string | null };
  }>;
  total: number;
  missing_nodes?: string[];
}

/** `GET /ws/topics/{topic}/presence` */
export interface PresenceAnswer {
  topic: string;
  stats: { clients: number; users: number };
  members: Array<{ clientId: string; userId: string | null; info: Record<string, unknown>; node: string; joinedAt: number }>;
}
