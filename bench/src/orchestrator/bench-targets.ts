import type { WireProtocol } from '../shared/load-config.interface.js';

export type TargetId =
  | 'raw'
  | 'raw-corked'
  | 'websocket-tool'
  | 'websocket-tool-defaults'
  | 'websocket-tool-short-heartbeat'
  | 'websocket-tool-history'
  | 'websocket-tool-presence'
  | 'websocket-tool-presence-redis'
  | 'nest-ws'
  | 'socket-io'
  | 'cluster-1'
  | 'cluster-2'
  | 'shards-1'
  | 'shards-3';

/** One server under test: its own process, started fresh for every run. */
export interface TargetDefinition {
  id: TargetId;
  label: string;
  /** Script under `bench/dist`. */
  entry: string;
  args: string[];
  protocol: WireProtocol;
  description: string;
  /**
   * Run as a cluster: a Redis server of the benchmark's own on a spare port,
   * and `nodes` processes of `entry`, each given its URL in `FP_WST_REDIS_URL`.
   * With `redisShards` above 1 the Redis is a Redis Cluster of that many masters.
   */
  cluster?: { nodes: number; redisShards?: number };
}

/** Every ratio in a report divides by this target's median in the same run. */
export const BASELINE_TARGET: TargetId = 'raw';

export const TARGETS: readonly TargetDefinition[] = [
  {
    id: 'raw',
    label: 'raw ws',
    entry: 'targets/raw-ws.target.js',
    args: [],
    protocol: 'event-data',
    description: 'A minimal hand-written `ws` server: parse once, serialize once, send to every recipient.',
  },
  {
    id: 'raw-corked',
    label: 'raw ws, corked',
    entry: 'targets/raw-ws.target.js',
    args: ['--cork'],
    protocol: 'event-data',
    description: 'The same server corking every socket it writes to until the end of the event-loop iteration.',
  },
  {
    id: 'websocket-tool',
    label: 'WebSocketTool',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: [],
    protocol: 'websocket-tool',
    description:
      'A Nest app with WebSocketToolModule and WebSocketToolAdapter, heartbeat on, rate limits raised, shared queue cap raised to 10,000,000.',
  },
  {
    id: 'websocket-tool-defaults',
    label: 'WebSocketTool, default queue',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: ['--defaults'],
    protocol: 'websocket-tool',
    description:
      'The same app with every queue setting as shipped (maxQueueSize 10,000 counting each broadcast once); only the load limits raised.',
  },
  {
    id: 'websocket-tool-short-heartbeat',
    label: 'WebSocketTool, heartbeat every 5 s',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: ['--heartbeat-interval', '5'],
    protocol: 'websocket-tool',
    description:
      'The WebSocketTool target with a heartbeat round every 5 s instead of 30 s, so several rounds fall in a measurement (many-connections scenario).',
  },
  {
    id: 'websocket-tool-history',
    label: 'WebSocketTool, topic history',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: ['--history'],
    protocol: 'websocket-tool',
    description:
      'The WebSocketTool target with a history of 5,000 messages (ttl 300 s) on topics hist:* and deltas on topics delta:*; other topics keep nothing (recovery and delta scenarios only).',
  },
  {
    id: 'websocket-tool-presence',
    label: 'WebSocketTool, presence',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: ['--presence'],
    protocol: 'websocket-tool',
    description: 'The WebSocketTool target with presence (no events) on topics pres:*, in memory (presence scenario only).',
  },
  {
    id: 'websocket-tool-presence-redis',
    label: 'WebSocketTool, presence in Redis',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: ['--presence'],
    protocol: 'websocket-tool',
    description:
      'The presence target in cluster mode, alone, with a Redis server of its own: presence is kept and read in Redis (presence scenario only).',
    cluster: { nodes: 1 },
  },
  {
    id: 'nest-ws',
    label: 'Nest ws gateway',
    entry: 'targets/nest-ws/nest-ws.target.js',
    args: [],
    protocol: 'event-data',
    description: 'A plain Nest `@WebSocketGateway` on `@nestjs/platform-ws` (`WsAdapter`), as the Nest docs write one.',
  },
  {
    id: 'socket-io',
    label: 'Nest Socket.IO',
    entry: 'targets/socket-io/socket-io.target.js',
    args: [],
    protocol: 'socket-io',
    description: 'The same gateway on `@nestjs/platform-socket.io` (`IoAdapter`), driven by `socket.io-client` over WebSocket only.',
  },
  {
    id: 'cluster-1',
    label: 'WebSocketTool, 1 node + Redis',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: [],
    protocol: 'websocket-tool',
    description:
      'The WebSocketTool target in cluster mode, alone: every broadcast is also published to a Redis server of its own (and its echo dropped).',
    cluster: { nodes: 1 },
  },
  {
    id: 'cluster-2',
    label: 'WebSocketTool, 2 nodes + Redis',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: [],
    protocol: 'websocket-tool',
    description: 'Two processes of the WebSocketTool target sharing a Redis server of their own; half the clients on each.',
    cluster: { nodes: 2 },
  },
  {
    id: 'shards-1',
    label: 'WebSocketTool, 3 nodes + 1 Redis',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: [],
    protocol: 'websocket-tool',
    description: 'Three processes of the WebSocketTool target sharing one Redis server of their own (PUBLISH/SUBSCRIBE).',
    cluster: { nodes: 3 },
  },
  {
    id: 'shards-3',
    label: 'WebSocketTool, 3 nodes + Redis Cluster (3 shards)',
    entry: 'targets/websocket-tool/websocket-tool.target.js',
    args: [],
    protocol: 'websocket-tool',
    description:
      'Three processes of the WebSocketTool target on a Redis Cluster of three masters of their own (sharded pub/sub, hash-tagged keys).',
    cluster: { nodes: 3, redisShards: 3 },
  },
];

export const targetById = (id: TargetId): TargetDefinition => {
  const target = TARGETS.find((t) => t.id === id);
  if (!target) throw new Error(`unknown target ${id}`);
  return target;
};
