import { ApiProperty, ApiPropertyOptional } from '../api-docs.decorators.js';
import type {
  BackplaneFigures,
  ClusterNodeStats,
  ClusterStats,
  RegisteredHooks,
  StatsHealth,
  StatsSnapshot,
  TopRateLimitedClient,
  TopRateLimitedIp,
  WsStatsFigures,
} from '../../observability/stats-snapshot.interface.js';
import type { RedisClusterStatus } from '../../cluster/backplane.interface.js';

/** Hooks registered per event, under the original plugin's names. @publicApi */
export class RegisteredHooksDto implements RegisteredHooks {
  @ApiProperty({ example: 1 }) client_connected!: number;
  @ApiProperty({ example: 1 }) client_disconnected!: number;
  @ApiProperty({ example: 0 }) message_received!: number;
  @ApiProperty({ example: 0 }) message_failed!: number;
}

/** A client among the most rate-limited. @publicApi */
export class TopRateLimitedClientDto implements TopRateLimitedClient {
  @ApiProperty({ example: 'alice' }) client_id!: string;
  @ApiProperty({ description: 'Rate-limit rejections (approximate once more than 100 clients are tracked)', example: 12 })
  count!: number;
}

/** An IP among the most rate-limited. @publicApi */
export class TopRateLimitedIpDto implements TopRateLimitedIp {
  @ApiProperty({ example: '203.0.113.7' }) ip!: string;
  @ApiProperty({ example: 12 }) count!: number;
}

/**
 * Every counter and gauge of the module. Counters are totals since start;
 * `*_per_sec` are averages over the last 60 s.
 *
 * @publicApi
 */
export class WsStatsDto implements WsStatsFigures {
  @ApiProperty({ description: 'Connections accepted since start' }) total_connections!: number;
  @ApiProperty({ description: 'Connections closed since start' }) total_disconnections!: number;
  @ApiProperty({ description: 'Frames received from clients' }) messages_received!: number;
  @ApiProperty({ description: 'Messages written to client sockets' }) messages_sent!: number;
  @ApiProperty({ description: 'Messages whose write failed' }) messages_failed!: number;
  @ApiProperty({ description: 'Messages dropped because a queue was full' }) queue_overflows!: number;
  @ApiProperty({ description: 'Clients closed for not answering pings' }) heartbeat_timeouts!: number;
  @ApiProperty({ description: 'Open connections' }) total_active_connections!: number;
  @ApiProperty() active_named_connections!: number;
  @ApiProperty() active_anonymous_connections!: number;
  @ApiProperty({ description: 'Distinct messages waiting in the outbound queues (a broadcast counts once)' }) queue_size!: number;
  @ApiProperty({ description: 'maxQueueSize' }) max_queue_size!: number;
  @ApiProperty({ description: 'Bytes of the distinct messages waiting in the outbound queues' }) queue_bytes!: number;
  @ApiProperty({ description: 'maxQueueBytes' }) max_queue_bytes!: number;
  @ApiProperty({ description: 'The larger of queue_size / max_queue_size and queue_bytes / max_queue_bytes', example: 0.01 })
  queue_utilization!: number;
  @ApiProperty({ description: 'Frames received per second (last 60 s)' }) received_per_sec!: number;
  @ApiProperty({ description: 'Messages sent per second (last 60 s)' }) sent_per_sec!: number;
  @ApiProperty({ description: 'Failed sends per second (last 60 s)' }) failed_per_sec!: number;
  @ApiProperty({ description: 'True while the server shuts down' }) is_shutdown!: boolean;
  @ApiProperty({ description: 'Message types with an @OnWsMessage handler' }) registered_handlers!: number;
  @ApiProperty({ type: RegisteredHooksDto }) registered_hooks!: RegisteredHooksDto;
  @ApiProperty({ description: 'Background loops restarted by the supervisor' }) supervisor_restarts!: number;
  @ApiProperty({ description: 'Messages refused by a rate limit' }) rate_limited_messages!: number;
  @ApiProperty({ description: 'Handshakes refused by the per-IP connection limit' }) rate_limited_connections!: number;
  @ApiProperty({ description: 'Clients closed after repeated rate-limit violations' }) rate_limit_disconnects!: number;
  @ApiProperty({ description: 'Upgrade requests refused for any reason' }) rejected_handshakes!: number;
  @ApiProperty({ type: [TopRateLimitedClientDto], description: 'Top 10' }) top_rate_limited_clients!: TopRateLimitedClientDto[];
  @ApiProperty({ type: [TopRateLimitedIpDto], description: 'Top 10' }) top_rate_limited_ips!: TopRateLimitedIpDto[];
  @ApiProperty({ description: 'Closed connections per reason', example: { client: 3, server: 1, heartbeat_timeout: 0 } })
  disconnections_by_reason!: Record<string, number>;
  @ApiProperty({
    description: 'Messages the overflow policies did not deliver, by policy then message type',
    example: { coalesce: { 'price.tick': 1200 }, disconnect: { 'chat.message': 1 } },
  })
  overflow_by_policy!: Record<string, Record<string, number>>;
  @ApiProperty({ description: 'Topics with at least one subscriber' }) active_topics!: number;
}

/** The health part of the stats answer. @publicApi */
export class StatsHealthDto implements StatsHealth {
  @ApiProperty({ enum: ['healthy', 'warning', 'critical'] }) status!: 'healthy' | 'warning' | 'critical';
  @ApiProperty({ type: [String] }) issues!: string[];
  @ApiProperty({ description: 'sent / (sent + failed) since start', example: 1 }) message_success_rate!: number;
}

/** The link of a node to the cluster (cluster mode). @publicApi */
export class BackplaneStatusDto implements BackplaneFigures {
  @ApiProperty({ example: 'web-1' }) node_id!: string;
  @ApiProperty({ enum: ['off', 'connecting', 'up', 'down', 'closed'] }) state!: 'off' | 'connecting' | 'up' | 'down' | 'closed';
  @ApiProperty({ type: String, nullable: true, description: 'Redis URL, credentials replaced by ***' }) redis!: string | null;
  @ApiProperty({ description: 'Messages waiting for Redis to come back' }) outbox_size!: number;
  @ApiProperty() outbox_capacity!: number;
  @ApiProperty({ description: 'Messages dropped because the outbox was full' }) outbox_dropped!: number;
  @ApiProperty({ description: 'Messages published to the other nodes' }) published!: number;
  @ApiProperty({ description: 'Messages received from the other nodes' }) received!: number;
  @ApiProperty({ description: 'Times the connection to Redis was lost' }) disconnects!: number;
  @ApiProperty({ description: 'Clients of the other nodes known here' }) remote_clients!: number;
  @ApiPropertyOptional({
    description:
      'On a Redis Cluster: `shards` (master, slot ranges, reachable, role, replicas), `buckets` (the slot and master of each bucket of topics; a topic is in bucket crc16(topic) % 16) and `control` (slot and master of the node registry and cluster channel)',
  })
  redis_cluster?: RedisClusterStatus;
}

/** One node of the cluster in `GET /ws/stats`. @publicApi */
export class ClusterNodeStatsDto implements ClusterNodeStats {
  @ApiProperty({ example: 'web-1' }) node_id!: string;
  @ApiProperty({ type: WsStatsDto }) stats!: WsStatsDto;
  @ApiProperty({ type: StatsHealthDto }) health!: StatsHealthDto;
  @ApiProperty({ type: BackplaneStatusDto }) backplane!: BackplaneStatusDto;
}

/** The cluster part of `GET /ws/stats` (cluster mode only). @publicApi */
export class ClusterStatsDto implements ClusterStats {
  @ApiProperty({ description: 'The node that answered', example: 'web-1' }) node_id!: string;
  @ApiProperty({ type: [ClusterNodeStatsDto], description: 'One row per node that answered, this one first' })
  nodes!: ClusterNodeStatsDto[];
  @ApiProperty({ type: [String], description: 'Live nodes that did not answer in time (their figures are not in the totals)' })
  missing_nodes!: string[];
}

/** `GET /ws/stats`. @publicApi */
export class StatsResponseDto implements StatsSnapshot {
  @ApiProperty({ type: WsStatsDto, description: 'In cluster mode: totals over the nodes that answered' }) stats!: WsStatsDto;
  @ApiProperty({ type: StatsHealthDto, description: "This node's health" }) health!: StatsHealthDto;
  @ApiPropertyOptional({ type: ClusterStatsDto, description: 'Per-node rows (cluster mode only)' }) cluster?: ClusterStatsDto;
  @ApiProperty({ description: 'Epoch seconds', example: 1767268800.123 }) timestamp!: number;
}
