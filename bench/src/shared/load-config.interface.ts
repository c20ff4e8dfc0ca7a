/** How the load generator talks to a target. */
export type WireProtocol = 'event-data' | 'websocket-tool' | 'socket-io';

/** One broadcast to every client; deliveries/s, delivery latency and server CPU per delivery. */
export interface FanOutScenario {
  kind: 'fan-out';
  clients: number;
  broadcasts: number;
  warmupBroadcasts: number;
}

/** Clients send at a fixed total rate (open loop, capped in flight); achieved rate and round trip. */
export interface EchoScenario {
  kind: 'echo';
  clients: number;
  ratePerSecond: number;
  durationMs: number;
  warmupMs: number;
  /** Sending pauses while this many messages await their echo. */
  maxInFlight: number;
}

/** Opens connections with a bounded number of handshakes in flight; server CPU per connection. */
export interface ConnectScenario {
  kind: 'connect';
  connections: number;
  inFlight: number;
}

/** Holds idle connections; server RSS per connection and server CPU while idle. */
export interface MemoryScenario {
  kind: 'memory';
  connections: number;
  inFlight: number;
  settleMs: number;
  idleMs: number;
}

/** `topics` topics with `subscribersPerTopic` subscribers each; one publish per topic per round. */
export interface TopicsScenario {
  kind: 'topics';
  topics: number;
  subscribersPerTopic: number;
  rounds: number;
}

/**
 * Fan-out through a cluster: the clients split evenly over the target's
 * nodes, every broadcast sent to the first node. A burst of `broadcasts`
 * measures deliveries/s; then `probes` broadcasts, each sent once the previous
 * one reached every client, measure the latency on the publisher's node and
 * on the other node. Against a single node every client is on that node.
 */
export interface ClusterScenario {
  kind: 'cluster';
  clients: number;
  broadcasts: number;
  warmupBroadcasts: number;
  probes: number;
}

/**
 * Redis's share of the work, one Redis against the shards of a Redis
 * Cluster: the clients split evenly over the target's nodes; a burst of
 * `broadcasts` from the first node (fan-out), then `rounds` rounds of one
 * publish to each of `topics` topics, every client subscribed to one topic.
 * Redis CPU (`used_cpu_sys + used_cpu_user` of every server) is read before
 * and after each part.
 */
export interface ShardsScenario {
  kind: 'shards';
  clients: number;
  broadcasts: number;
  topics: number;
  rounds: number;
}

/**
 * Topic history (the `websocket-tool-history` target). Recovery: `reconnects`
 * times, a subscriber leaves a topic with history, `missed` messages are
 * published, and a new connection subscribes with `since`; the time from
 * opening that connection to the last missed message. Publish throughput:
 * `publishes` messages to a topic with history and to one without, each with
 * `subscribers` subscribers, alternated `rounds` times.
 */
export interface RecoveryScenario {
  kind: 'recovery';
  missed: number;
  reconnects: number;
  subscribers: number;
  publishes: number;
  rounds: number;
}

/**
 * Delta messages (the `websocket-tool-history` target, topics `delta:*`): `subscribers` clients ask for
 * deltas and as many do not; `updates` versions of a JSON document of about `documentBytes` bytes, each
 * changing about 1 % of it, are published; bytes received per message with and without deltas, and
 * whether every delta was rebuilt into the same text the others got.
 */
export interface DeltaScenario {
  kind: 'delta';
  subscribers: number;
  updates: number;
  documentBytes: number;
}

/**
 * Presence (the `websocket-tool-presence*` targets). Connect throughput:
 * `members` clients connect and subscribe, `inFlight` at a time, to a topic
 * without presence, then as many to a topic with presence (they stay). Then
 * `reads` calls of `presenceStats` on that topic, one at a time, timed by the
 * server around the call.
 */
export interface PresenceScenario {
  kind: 'presence';
  members: number;
  inFlight: number;
  reads: number;
}

/**
 * Idle connections held in bulk, by `clientProcesses` processes of their own
 * (each under its own open-file limit, each from its own loopback source
 * address from `127.0.0.2` up, so no address runs out of ephemeral ports).
 * They are opened in `steps` equal steps, with the server's RSS read after
 * each (after a garbage collection), so the cost of the last connections
 * compares with the cost of the first; then the server's CPU and the longest
 * delay of its event loop while they sit idle for `idleMs` (heartbeat rounds
 * included), beside the longest delay before any connection (the machine's
 * own noise).
 */
export interface ManyConnectionsScenario {
  kind: 'many-connections';
  connections: number;
  clientProcesses: number;
  /** Handshakes pending at a time, per client process. */
  inFlight: number;
  steps: number;
  settleMs: number;
  idleMs: number;
}

export type ScenarioConfig =
  | FanOutScenario
  | EchoScenario
  | ConnectScenario
  | MemoryScenario
  | TopicsScenario
  | ClusterScenario
  | ShardsScenario
  | RecoveryScenario
  | DeltaScenario
  | PresenceScenario
  | ManyConnectionsScenario;

/** Another node of a clustered target. */
export interface PeerNode {
  port: number;
  serverPid: number;
}

/** Everything one load-generator process needs, passed as JSON in its environment. */
export interface LoadConfig {
  protocol: WireProtocol;
  port: number;
  /** The target's process id, for `/proc/<pid>` CPU and memory readings. */
  serverPid: number;
  /** Where the target writes `process.memoryUsage()` when sent SIGUSR2. */
  memoryFile: string;
  /** `getconf CLK_TCK`: units of utime/stime in `/proc/<pid>/stat`. */
  clockTicksPerSecond: number;
  /** Bytes of the JSON payload object each message carries (about). */
  payloadBytes: number;
  connectTimeoutMs: number;
  /** A wait for deliveries ends when nothing arrived for this long. */
  stallTimeoutMs: number;
  /** The other nodes of a clustered target (`port` and `serverPid` are its first node); empty or absent otherwise. */
  peers?: PeerNode[];
  /** The Redis server a clustered target shares, for its CPU time. */
  redisPid?: number;
  /** The ports of every Redis server (every master of a Redis Cluster) a clustered target uses, for `INFO`. */
  redisPorts?: number[];
  scenario: ScenarioConfig;
}
