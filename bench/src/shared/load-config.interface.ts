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

export type ScenarioConfig = FanOutScenario | EchoScenario | ConnectScenario | MemoryScenario | TopicsScenario;

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
  scenario: ScenarioConfig;
}
