import type { ScenarioConfig } from '../shared/load-config.interface.js';
import type { TargetId } from './bench-targets.js';

export type BenchMode = 'full' | 'quick' | 'smoke';

/** A figure shown in the report tables. */
export interface FigureDefinition {
  metric: string;
  label: string;
  better: 'higher' | 'lower';
  /** The baseline's metric its ratio divides by, when not the same metric. */
  ratioTo?: string;
}

/** One scenario of a preset: what the load generator does and against which targets. */
export interface ScenarioDefinition {
  id: string;
  title: string;
  targets: TargetId[];
  config: ScenarioConfig;
  figures: FigureDefinition[];
  /** The load generator is stopped after this long. */
  timeoutMs: number;
  /** The target this scenario's ratios divide by, when not raw ws. */
  baseline?: TargetId;
  /**
   * The nice value the target runs at, where the machine permits: a scenario
   * that measures the delays of the target's event loop wants its own delays,
   * not the time other processes of a shared machine held its core.
   */
  serverNiceness?: number;
}

export interface BenchPreset {
  mode: BenchMode;
  repetitions: number;
  payloadBytes: number;
  connectTimeoutMs: number;
  stallTimeoutMs: number;
  /** Pause between runs, so one run's teardown does not land in the next. */
  cooldownMs: number;
  /** Runs still pending after this long are skipped (and listed as skipped). */
  maxTotalMs: number;
  scenarios: ScenarioDefinition[];
}

const ALL: TargetId[] = ['raw', 'raw-corked', 'websocket-tool', 'nest-ws', 'socket-io'];
/** Fan-out also runs the module at its default queue settings, beside the tuned one. */
const FAN_OUT: TargetId[] = ['raw', 'raw-corked', 'websocket-tool', 'websocket-tool-defaults', 'nest-ws', 'socket-io'];
/** Corking changes nothing for handshakes, idle sockets or one reply at a time per client. */
const UNCORKED: TargetId[] = ['raw', 'websocket-tool', 'nest-ws', 'socket-io'];

const FAN_OUT_FIGURES: FigureDefinition[] = [
  { metric: 'deliveriesPerSec', label: 'deliveries/s', better: 'higher' },
  { metric: 'latencyP50Ms', label: 'latency p50 (ms)', better: 'lower' },
  { metric: 'latencyP99Ms', label: 'latency p99 (ms)', better: 'lower' },
  { metric: 'serverCpuUsPerDelivery', label: 'server CPU per delivery (µs)', better: 'lower' },
  { metric: 'loadGenCpuPct', label: 'load generator CPU (% of one core)', better: 'lower' },
];
const ECHO_FIGURES: FigureDefinition[] = [
  { metric: 'achievedPerSec', label: 'echoes/s', better: 'higher' },
  { metric: 'rttP50Ms', label: 'round trip p50 (ms)', better: 'lower' },
  { metric: 'rttP99Ms', label: 'round trip p99 (ms)', better: 'lower' },
  { metric: 'serverCpuUsPerMessage', label: 'server CPU per echo (µs)', better: 'lower' },
  { metric: 'loadGenCpuPct', label: 'load generator CPU (% of one core)', better: 'lower' },
];
const CONNECT_FIGURES: FigureDefinition[] = [
  { metric: 'serverCpuUsPerConnection', label: 'server CPU per connection (µs)', better: 'lower' },
  { metric: 'connectionsPerSec', label: 'connections/s', better: 'higher' },
];
/** Targets of the cluster scenario; the one-node run with Redis is its baseline. */
const CLUSTER: TargetId[] = ['cluster-1', 'cluster-2', 'websocket-tool'];
/** Targets of the shards scenario; one Redis is its baseline. */
const SHARDS: TargetId[] = ['shards-1', 'shards-3'];

const SHARDS_FIGURES: FigureDefinition[] = [
  { metric: 'fanOutDeliveriesPerSec', label: 'fan-out deliveries/s', better: 'higher' },
  {
    metric: 'fanOutRedisCpuUsPerMessage',
    label: 'fan-out: Redis CPU µs per broadcast (all servers, idle CPU subtracted)',
    better: 'lower',
  },
  { metric: 'topicDeliveriesPerSec', label: 'topics: deliveries/s', better: 'higher' },
  {
    metric: 'topicRedisCpuUsPerDelivery',
    label: 'topics: Redis CPU µs per delivered message (all servers, idle CPU subtracted)',
    better: 'lower',
  },
  {
    metric: 'topicRedisCpuUsPerMessage',
    label: 'topics: Redis CPU µs per published message (all servers, idle CPU subtracted)',
    better: 'lower',
  },
  {
    metric: 'topicBusiestServerCpuUsPerMessage',
    label: 'topics: the busiest Redis server, CPU µs per published message of the whole cluster',
    better: 'lower',
  },
  { metric: 'busiestShardPublishesPct', label: "topics: the busiest Redis server's share of the publishes (%)", better: 'lower' },
  { metric: 'redisIdleCpuPct', label: 'Redis CPU with no traffic, all servers (% of a core; subtracted above)', better: 'lower' },
];

const CLUSTER_FIGURES: FigureDefinition[] = [
  { metric: 'deliveriesPerSec', label: 'deliveries/s, burst', better: 'higher' },
  {
    metric: 'crossNodeP50Ms',
    label: 'latency p50 on the other node (ms; ratio to the 1-node p50)',
    better: 'lower',
    ratioTo: 'sameNodeP50Ms',
  },
  {
    metric: 'crossNodeP99Ms',
    label: 'latency p99 on the other node (ms; ratio to the 1-node p99)',
    better: 'lower',
    ratioTo: 'sameNodeP99Ms',
  },
  { metric: 'crossNodeAddedP50Ms', label: 'cross-node added latency p50 (ms)', better: 'lower' },
  { metric: 'crossNodeAddedP99Ms', label: 'cross-node added latency p99 (ms)', better: 'lower' },
  { metric: 'sameNodeP50Ms', label: "latency p50 on the publisher's node (ms)", better: 'lower' },
  { metric: 'sameNodeP99Ms', label: "latency p99 on the publisher's node (ms)", better: 'lower' },
  { metric: 'latencyP50Ms', label: 'burst latency p50 (ms)', better: 'lower' },
  { metric: 'latencyP99Ms', label: 'burst latency p99 (ms)', better: 'lower' },
  { metric: 'serverCpuUsPerDelivery', label: 'server CPU per delivery, all nodes (µs)', better: 'lower' },
  { metric: 'redisCpuPct', label: 'Redis CPU during the burst (% of one core)', better: 'lower' },
  { metric: 'loadGenCpuPct', label: 'load generator CPU (% of one core)', better: 'lower' },
];
const RECOVERY_FIGURES: FigureDefinition[] = [
  { metric: 'recoveryP50Ms', label: 'reconnect to last missed message p50 (ms)', better: 'lower' },
  { metric: 'recoveryP99Ms', label: 'reconnect to last missed message p99 (ms)', better: 'lower' },
  { metric: 'historyDeliveriesPerSec', label: 'deliveries/s, topic with history', better: 'higher' },
  { metric: 'plainDeliveriesPerSec', label: 'deliveries/s, topic without history', better: 'higher' },
  { metric: 'historyToPlainRatio', label: 'publish throughput with history ÷ without', better: 'higher' },
];
const DELTA_FIGURES: FigureDefinition[] = [
  { metric: 'fullBytesPerMessage', label: 'bytes received per message, full', better: 'lower' },
  { metric: 'deltaBytesPerMessage', label: 'bytes received per message, with deltas', better: 'lower' },
  { metric: 'bytesRatio', label: 'bytes without deltas ÷ with', better: 'higher' },
  { metric: 'rebuiltIdenticalPct', label: 'deltas rebuilt byte-identical (%)', better: 'higher' },
  { metric: 'serverCpuUsPerDelivery', label: 'server CPU per delivery (µs)', better: 'lower' },
];

const PRESENCE_FIGURES: FigureDefinition[] = [
  { metric: 'presenceStatsP50Ms', label: 'presenceStats p50 (ms)', better: 'lower' },
  { metric: 'presenceStatsP99Ms', label: 'presenceStats p99 (ms)', better: 'lower' },
  { metric: 'connectsPerSecPresence', label: 'connects + subscribes/s, topic with presence', better: 'higher' },
  { metric: 'connectsPerSecPlain', label: 'connects + subscribes/s, topic without presence', better: 'higher' },
  { metric: 'presenceConnectRatio', label: 'connect throughput with presence ÷ without', better: 'higher' },
];
const MANY_FIGURES: FigureDefinition[] = [
  { metric: 'connections', label: 'connections held', better: 'higher' },
  { metric: 'rssKbPerConnection', label: 'server RSS per connection (KiB)', better: 'lower' },
  { metric: 'rssKbPerConnectionFirstStep', label: 'server RSS per connection, first step (KiB)', better: 'lower' },
  { metric: 'rssKbPerConnectionLastStep', label: 'server RSS per connection, last step (KiB)', better: 'lower' },
  { metric: 'heapKbPerConnection', label: 'server JS heap + external per connection (KiB)', better: 'lower' },
  { metric: 'heapKbPerConnectionFirstStep', label: 'server JS heap + external per connection, first step (KiB)', better: 'lower' },
  { metric: 'heapKbPerConnectionLastStep', label: 'server JS heap + external per connection, last step (KiB)', better: 'lower' },
  { metric: 'idleCpuPctOfCore', label: 'idle server CPU, heartbeat rounds included (% of one core)', better: 'lower' },
  { metric: 'loopDelayMaxMs', label: 'longest event-loop delay while idle (ms)', better: 'lower' },
  { metric: 'loopDelayP99Ms', label: 'event-loop delay while idle, p99 of the longest per 100 ms (ms)', better: 'lower' },
  { metric: 'loopDelayMaxQuietMs', label: "longest event-loop delay before connecting: the machine's noise (ms)", better: 'lower' },
  { metric: 'serverCpuUsPerConnection', label: 'server CPU per connection opened (µs)', better: 'lower' },
  { metric: 'connectionsPerSec', label: 'connections opened/s', better: 'higher' },
];
/** Connections the many-connections scenario stops at, whatever the limits allow. */
const MANY_CONNECTIONS_GOAL = 100_000;
/** Descriptors a process keeps besides its connections (listening socket, epoll, pipes, files, Redis). */
const FD_HEADROOM = 500;
/** Time idle after the last step: longer than the default heartbeat interval (30 s), so a round falls in it. */
const MANY_IDLE_MS = 35_000;
/** The limits the many-connections scenario is sized by. */
export interface MachineLimits {
  /** Open files one process may have (`ulimit -n` of the benchmark); null if unknown. */
  openFileLimit: number | null;
  /** Connections asked for on the command line; null: as many as the limit allows. */
  connections: number | null;
}

/**
 * The many-connections scenario's size: what was asked, else as many as one
 * server process can hold (its open-file limit less headroom), up to 100,000;
 * spread over enough holder processes that none passes the same limit, and
 * at least four, which connect in parallel.
 */
function manyConnections(mode: BenchMode, limits: MachineLimits): ScenarioDefinition {
  const perProcess = limits.openFileLimit === null ? 10_000 : Math.max(100, limits.openFileLimit - FD_HEADROOM);
  const most = Math.min(MANY_CONNECTIONS_GOAL, perProcess);
  const byMode = { full: most, quick: Math.min(5000, most), smoke: Math.min(500, most) }[mode];
  const connections = limits.connections ?? byMode;
  const clientProcesses = Math.max(4, Math.ceil(connections / perProcess));
  const idleMs = mode === 'smoke' ? 6000 : MANY_IDLE_MS;
  const why =
    limits.connections === null && mode === 'full' && connections < MANY_CONNECTIONS_GOAL && limits.openFileLimit !== null
      ? ` (not ${n(MANY_CONNECTIONS_GOAL)}: every connection is a descriptor of the one server process, whose open-file limit is ` +
        `${n(limits.openFileLimit)}, less ${FD_HEADROOM} kept for the rest)`
      : '';
  return {
    id: 'many-connections',
    title:
      `Many connections: ${n(connections)} idle connections with heartbeat${why}, from ${clientProcesses} client processes ` +
      `(source addresses 127.0.0.2 and up), held ${idleMs / 1000} s`,
    targets: ['websocket-tool-short-heartbeat', 'websocket-tool'],
    config: {
      kind: 'many-connections',
      connections,
      clientProcesses,
      inFlight: 50,
      steps: 4,
      settleMs: 1000,
      idleMs,
    },
    figures: MANY_FIGURES,
    timeoutMs: 120_000 + idleMs + Math.ceil(connections / 200) * 1000,
    baseline: 'websocket-tool',
    serverNiceness: -10,
  };
}

const MEMORY_FIGURES: FigureDefinition[] = [
  { metric: 'rssKbPerConnection', label: 'server RSS per connection (KiB)', better: 'lower' },
  { metric: 'heapKbPerConnection', label: 'server JS heap + external per connection (KiB)', better: 'lower' },
  { metric: 'idleCpuPctOfCore', label: 'idle server CPU (% of one core)', better: 'lower' },
  { metric: 'rssBaselineMb', label: 'server RSS before connecting (MiB)', better: 'lower' },
];

interface Sizes {
  fanOut: [clients: number, broadcasts: number];
  fanOutLarge: [clients: number, broadcasts: number];
  echo: [clients: number, rate: number, durationMs: number];
  capacity: [clients: number, rate: number, durationMs: number, maxInFlight: number];
  connect: [connections: number, inFlight: number];
  memory: [connections: number, idleMs: number];
  topics: [topics: number, subscribers: number, rounds: number];
  cluster: [clients: number, broadcasts: number, probes: number];
  shards: [clients: number, broadcasts: number, topics: number, rounds: number];
  recovery: [missed: number, reconnects: number, subscribers: number, publishes: number, rounds: number];
  delta: [subscribers: number, updates: number];
  presence: [members: number, inFlight: number, reads: number];
  warmupMs: number;
  timeoutMs: number;
}

const n = (value: number): string => value.toLocaleString('en-US');

function scenarios(z: Sizes): ScenarioDefinition[] {
  const [fanClients, fanCount] = z.fanOut;
  const [bigClients, bigCount] = z.fanOutLarge;
  const [echoClients, echoRate, echoMs] = z.echo;
  const [capClients, capRate, capMs, capInFlight] = z.capacity;
  const [deltaSubscribers, deltaUpdates] = z.delta;
  const [connections, connectInFlight] = z.connect;
  const [idleConnections, idleMs] = z.memory;
  const [topics, subscribers, rounds] = z.topics;
  const [clusterClients, clusterCount, probes] = z.cluster;
  const [shardClients, shardBroadcasts, shardTopics, shardRounds] = z.shards;
  const [missed, reconnects, recSubscribers, recPublishes, recRounds] = z.recovery;
  const [members, presenceInFlight, reads] = z.presence;
  const t = z.timeoutMs;
  return [
    {
      id: 'fan-out',
      title: `Fan-out: ${n(fanClients)} clients, ${n(fanCount)} broadcasts`,
      targets: FAN_OUT,
      config: { kind: 'fan-out', clients: fanClients, broadcasts: fanCount, warmupBroadcasts: 10 },
      figures: FAN_OUT_FIGURES,
      timeoutMs: t,
    },
    {
      id: 'fan-out-large',
      title: `Fan-out: ${n(bigClients)} clients, ${n(bigCount)} broadcasts`,
      targets: FAN_OUT,
      config: { kind: 'fan-out', clients: bigClients, broadcasts: bigCount, warmupBroadcasts: 5 },
      figures: FAN_OUT_FIGURES,
      timeoutMs: t * 2,
    },
    {
      id: 'echo',
      title: `Echo: ${n(echoClients)} clients, ${n(echoRate)} msg/s for ${echoMs / 1000} s`,
      targets: UNCORKED,
      config: {
        kind: 'echo',
        clients: echoClients,
        ratePerSecond: echoRate,
        durationMs: echoMs,
        warmupMs: z.warmupMs,
        maxInFlight: 20_000,
      },
      figures: ECHO_FIGURES,
      timeoutMs: t,
    },
    {
      id: 'echo-capacity',
      title: `Echo capacity: ${n(capClients)} clients, ${n(capRate)} msg/s offered (at most ${n(capInFlight)} unanswered) for ${capMs / 1000} s`,
      targets: UNCORKED,
      config: {
        kind: 'echo',
        clients: capClients,
        ratePerSecond: capRate,
        durationMs: capMs,
        warmupMs: z.warmupMs,
        maxInFlight: capInFlight,
      },
      figures: ECHO_FIGURES,
      timeoutMs: t,
    },
    {
      id: 'connect',
      title: `Connect: ${n(connections)} connections, ${n(connectInFlight)} handshakes in flight`,
      targets: UNCORKED,
      config: { kind: 'connect', connections, inFlight: connectInFlight },
      figures: CONNECT_FIGURES,
      timeoutMs: t,
    },
    {
      id: 'memory',
      title: `Idle: ${n(idleConnections)} connections held ${idleMs / 1000} s`,
      targets: UNCORKED,
      config: { kind: 'memory', connections: idleConnections, inFlight: 200, settleMs: 1000, idleMs },
      figures: MEMORY_FIGURES,
      timeoutMs: t + idleMs,
    },
    {
      id: 'topics',
      title: `Topics: ${n(topics)} topics × ${subscribers} subscribers, ${rounds} rounds of one publish per topic`,
      targets: ALL,
      config: { kind: 'topics', topics, subscribersPerTopic: subscribers, rounds },
      figures: FAN_OUT_FIGURES,
      timeoutMs: t,
    },
    {
      id: 'cluster',
      title: `Cluster: ${n(clusterClients)} clients over 1 or 2 nodes, ${n(clusterCount)} broadcasts in a burst, then ${n(probes)} one at a time`,
      targets: CLUSTER,
      config: { kind: 'cluster', clients: clusterClients, broadcasts: clusterCount, warmupBroadcasts: 10, probes },
      figures: CLUSTER_FIGURES,
      timeoutMs: t,
      baseline: 'cluster-1',
    },
    {
      id: 'shards',
      title: `Redis Cluster: ${n(shardClients)} clients over 3 nodes on 1 Redis or on 3 shards; ${n(shardBroadcasts)} broadcasts, then ${shardRounds} rounds of one publish to each of ${n(shardTopics)} topics`,
      targets: SHARDS,
      config: { kind: 'shards', clients: shardClients, broadcasts: shardBroadcasts, topics: shardTopics, rounds: shardRounds },
      figures: SHARDS_FIGURES,
      timeoutMs: t,
      baseline: 'shards-1',
    },
    {
      id: 'recovery',
      title: `Recovery: ${n(missed)} missed messages replayed after a reconnect (${reconnects} times); ${n(recPublishes)} publishes to ${recSubscribers} subscribers with and without history`,
      targets: ['websocket-tool-history'],
      config: { kind: 'recovery', missed, reconnects, subscribers: recSubscribers, publishes: recPublishes, rounds: recRounds },
      figures: RECOVERY_FIGURES,
      timeoutMs: t,
      baseline: 'websocket-tool-history',
    },
    {
      id: 'delta',
      title: `Delta: ${n(deltaUpdates)} updates of a 4 KB JSON document changing about 1 % each, to ${deltaSubscribers} subscribers with deltas and ${deltaSubscribers} without`,
      targets: ['websocket-tool-history'],
      config: { kind: 'delta', subscribers: deltaSubscribers, updates: deltaUpdates, documentBytes: 4096 },
      figures: DELTA_FIGURES,
      timeoutMs: t,
      baseline: 'websocket-tool-history',
    },
    {
      id: 'presence',
      title: `Presence: ${n(members)} members of one topic, ${n(reads)} presenceStats calls; connect + subscribe throughput with and without presence`,
      targets: ['websocket-tool-presence', 'websocket-tool-presence-redis'],
      config: { kind: 'presence', members, inFlight: presenceInFlight, reads },
      figures: PRESENCE_FIGURES,
      timeoutMs: t,
      baseline: 'websocket-tool-presence',
    },
  ];
}

const SIZES: Record<BenchMode, Sizes> = {
  full: {
    fanOut: [2000, 200],
    fanOutLarge: [10_000, 200],
    echo: [500, 5000, 10_000],
    capacity: [500, 100_000, 4000, 5000],
    connect: [5000, 200],
    memory: [10_000, 30_000],
    topics: [1000, 10, 10],
    cluster: [2000, 200, 200],
    shards: [2000, 200, 1000, 20],
    recovery: [1000, 100, 100, 2000, 3],
    delta: [50, 500],
    presence: [3000, 100, 2000],
    warmupMs: 500,
    timeoutMs: 120_000,
  },
  quick: {
    fanOut: [500, 50],
    fanOutLarge: [2000, 20],
    echo: [200, 2000, 2000],
    capacity: [200, 100_000, 1500, 2000],
    connect: [1000, 100],
    memory: [1000, 3000],
    topics: [200, 10, 3],
    cluster: [500, 50, 100],
    shards: [600, 100, 200, 10],
    recovery: [1000, 30, 50, 1000, 3],
    delta: [20, 200],
    presence: [3000, 100, 1000],
    warmupMs: 300,
    timeoutMs: 45_000,
  },
  smoke: {
    fanOut: [50, 20],
    fanOutLarge: [100, 10],
    echo: [50, 500, 1000],
    capacity: [50, 5000, 1000, 500],
    connect: [100, 20],
    memory: [100, 1000],
    topics: [50, 5, 2],
    cluster: [50, 10, 20],
    shards: [60, 10, 20, 3],
    recovery: [1000, 5, 10, 200, 1],
    delta: [5, 50],
    presence: [100, 20, 50],
    warmupMs: 200,
    timeoutMs: 30_000,
  },
};

/**
 * The scenarios and repetitions of a mode; `full` uses the published sizes with three repetitions.
 * `limits` size the many-connections scenario.
 */
export function presetFor(mode: BenchMode, limits: MachineLimits = { openFileLimit: null, connections: null }): BenchPreset {
  return {
    mode,
    repetitions: mode === 'full' ? 3 : 1,
    payloadBytes: 100,
    connectTimeoutMs: 15_000,
    stallTimeoutMs: mode === 'full' ? 10_000 : 5000,
    cooldownMs: mode === 'full' ? 500 : 300,
    maxTotalMs: { full: 45, quick: 6, smoke: 3 }[mode] * 60_000,
    scenarios: [...scenarios(SIZES[mode]), manyConnections(mode, limits)],
  };
}
