/**
 * State of the connection between this node and the rest of the cluster.
 *
 * - `off`: single node (no backplane);
 * - `connecting`: cluster mode, never connected to Redis yet;
 * - `up`: publishing and subscribed;
 * - `down`: lost Redis, reconnecting with backoff;
 * - `closed`: the app has shut down.
 *
 * @publicApi
 */
export type BackplaneState = 'off' | 'connecting' | 'up' | 'down' | 'closed';

/**
 * Figures of the backplane for the admin API.
 *
 * @publicApi
 */
export interface BackplaneStatus {
  node_id: string;
  state: BackplaneState;
  /** Redis URL with its credentials replaced by `***`; null on a single node. */
  redis: string | null;
  /** Messages waiting for Redis to come back. */
  outbox_size: number;
  outbox_capacity: number;
  /** Messages dropped since start because the outbox was full. */
  outbox_dropped: number;
  /** Messages published to the other nodes since start. */
  published: number;
  /** Messages received from the other nodes since start (own echoes not counted). */
  received: number;
  /** Times the connection to Redis was lost. */
  disconnects: number;
  /** Clients on the other nodes that this node knows of. */
  remote_clients: number;
  /** On a Redis Cluster: its shards, their health, and the shard of each bucket of topics. */
  redis_cluster?: RedisClusterStatus;
}

/**
 * The state of this node's link to the rest of the cluster, for health
 * checks, the admin API and user code. The work itself is split into seams
 * injected where needed: `ClusterBroker` (messages), `ClusterPresence`
 * (where each client is, named-id takeovers), `ClusterAdmission` (the
 * cluster-wide per-IP handshake limit) and `ClusterRequests` (questions to
 * the other nodes). On a single node `InMemoryBackplane` answers, and each
 * seam has an in-memory implementation.
 *
 * Guarantees of a `clustered` backplane:
 * - at most once: a message reaches each recipient once or, if a node or the
 *   broker is unreachable at that moment, not at all (no retries, no storage);
 * - a node's own messages are delivered to its clients by the caller, never
 *   again through the broker;
 * - messages of one node reach every other node in the order they were sent.
 *
 * Inject it (`constructor(private readonly backplane: Backplane)`) to read
 * the node id and state.
 *
 * @publicApi
 */
export abstract class Backplane {
  /** This node's id. */
  abstract readonly nodeId: string;
  /** True when messages travel to other nodes (cluster mode). */
  abstract readonly clustered: boolean;
  /** True while messages reach the other nodes (always true on a single node). */
  abstract get connected(): boolean;
  abstract get state(): BackplaneState;
  abstract status(): BackplaneStatus;
  /** The node holding a client connected elsewhere, or undefined (unknown, or connected here). */
  abstract locate(clientId: string): string | undefined;
  /** On a Redis Cluster: where a topic's messages, history and presence live; null otherwise. */
  shardOf(topic: string): TopicShard | null {
    void topic;
    return null;
  }
}

/**
 * Where a topic lives on a Redis Cluster: its bucket, the slot of that
 * bucket's hash tag, and the master serving it (null before the slot map is read).
 *
 * @publicApi
 */
export interface TopicShard {
  bucket: number;
  slot: number;
  master: string | null;
}

/**
 * One shard of a Redis Cluster as this node sees it: its master, the slot
 * ranges it serves, and whether each server answered the last probe.
 *
 * @publicApi
 */
export interface RedisShardStatus {
  /** `host:port` of the master. */
  master: string;
  /** The slot ranges it serves, `[from, to]` inclusive. */
  slots: Array<[number, number]>;
  /** True if the master answered the last probe (every 2 s). */
  reachable: boolean;
  /** Always `master` (its replicas are listed under it). */
  role: 'master';
  replicas: Array<{ address: string; reachable: boolean; role: 'replica' }>;
}

/**
 * Where the cluster's names live on a Redis Cluster: the shards, and for each
 * bucket (a topic's is `crc16(topic) % buckets`) its slot and master.
 *
 * @publicApi
 */
export interface RedisClusterStatus {
  shards: RedisShardStatus[];
  buckets: Array<{ bucket: number; slot: number; master: string | null }>;
  /** The slot and master of the control keys and the cluster channel (node registry, broadcasts). */
  control: { slot: number; master: string | null };
}
