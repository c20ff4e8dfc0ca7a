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

/** A message another node published, to deliver to this node's clients. @internal */
export type ClusterDelivery =
  | { kind: 'broadcast'; json: string; except: readonly string[] | null }
  | { kind: 'topic'; json: string; topic: string }
  | { kind: 'client'; json: string; clientId: string };

/** One node's answer to a cluster request. @internal */
export interface ClusterReply {
  node: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** Answers of a cluster request, and the live nodes that did not answer in time. @internal */
export interface ClusterReplies {
  replies: ClusterReply[];
  missing: string[];
}

/** Outcome of the cluster-wide per-IP handshake limit. @internal */
export type ClusterIpAdmission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

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
}

/**
 * The link between the nodes of a cluster. `BroadcastService`, the
 * connection registry, the handshake and the admin API go through it; the
 * default `InMemoryBackplane` is a single node and does nothing.
 *
 * Guarantees of an implementation that is `clustered`:
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
  /** True while messages reach the other nodes. */
  abstract get connected(): boolean;
  abstract get state(): BackplaneState;
  abstract status(): BackplaneStatus;

  /** @internal Sends a broadcast (already delivered here) to the other nodes. */
  abstract publishBroadcast(json: string, except: readonly string[] | null): void;
  /** @internal Sends a topic message (already delivered here) to the other nodes. */
  abstract publishTopic(topic: string, json: string): void;
  /** @internal Sends a message to a client on another node; false if it was dropped (outbox full, unknown client). */
  abstract sendToClient(clientId: string, json: string): boolean;
  /** @internal Receives the messages of the other nodes. */
  abstract onDelivery(handler: (delivery: ClusterDelivery) => void): void;

  /** @internal A client connected to this node. */
  abstract clientAdded(clientId: string, named: boolean, connectedAt: number): void;
  /** @internal A client left this node. */
  abstract clientRemoved(clientId: string): void;
  /** @internal Called with a named client id that connected again on another node: close it here. */
  abstract onTakeover(handler: (clientId: string) => void): void;
  /** The node holding a client connected elsewhere, or undefined (unknown, or connected here). */
  abstract locate(clientId: string): string | undefined;

  /** @internal Takes a handshake token for `ip` from the cluster-wide bucket; null when the cluster cannot decide (use the local limit). */
  abstract admitConnection(ip: string, capacity: number, ratePerMs: number): Promise<ClusterIpAdmission | null>;

  /** @internal Answers the requests `op` of other nodes. */
  abstract handle(op: string, handler: (args: unknown) => unknown): void;
  /** @internal Asks every live node (or one) and gathers the answers, this node's included. */
  abstract request(op: string, args: unknown, target?: string): Promise<ClusterReplies>;
}
