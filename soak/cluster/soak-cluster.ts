import { getJson, ServerProcess, type ServerExit, type ServerFault } from '../../test/reliability/support/server-process.js';
import { waitFor } from '../../test/reliability/support/wait-for.js';
import { RedisProcess } from './redis-process.js';

/** A node's link to Redis, as `GET /ws/stats` reports it in `cluster.nodes[].backplane`. */
export interface BackplaneRow {
  state: string;
  outbox_size: number;
  outbox_dropped: number;
  published: number;
  received: number;
  disconnects: number;
  remote_clients: number;
}

interface StatsBody {
  stats: { total_active_connections: number };
  cluster: { node_id: string; nodes: Array<{ node_id: string; backplane: BackplaneRow }>; missing_nodes: string[] };
}

interface HealthBody {
  status: string;
  cluster?: { node_id: string; state: string };
}

/** What `GET /ws/stats` on one node says about the cluster. */
export interface ClusterView {
  /** Nodes that answered, this one included. */
  nodes: string[];
  missing: string[];
  activeConnections: number;
}

/**
 * A cluster of the soak's own: a `redis-server` on a spare port without
 * persistence (the machine's Redis is never touched) and `count` processes
 * of the built sample app with `FP_WST_REDIS_URL` pointing to it, each with
 * the monitor that reports uncaught exceptions and unhandled rejections.
 */
export class SoakCluster {
  private constructor(
    readonly redis: RedisProcess,
    readonly nodes: ServerProcess[],
    /** Node ids (`cluster.node_id`), in the order of `nodes`. */
    readonly ids: string[],
  ) {}

  /**
   * Starts Redis and the nodes; resolves once every node sees all the others.
   * `priority` gives a node's scheduling priority (nice value), where the OS allows it.
   */
  static async start(
    count: number,
    env: Record<string, string>,
    priority: (index: number) => number | undefined = () => undefined,
  ): Promise<SoakCluster> {
    const redis = await RedisProcess.start();
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => ServerProcess.start({ env: { ...env, FP_WST_REDIS_URL: redis.url }, priority: priority(i) })),
    );
    const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      const ids = await Promise.all(
        nodes.map(async (node) => {
          const health = (await getJson(`${node.http}/ws/health`)).body as HealthBody;
          if (!health.cluster) throw new Error(`the node on port ${node.port} is not in cluster mode`);
          return health.cluster.node_id;
        }),
      );
      const cluster = new SoakCluster(redis, nodes, ids);
      await waitFor(
        async () => {
          const views = await Promise.all(nodes.map((_, i) => cluster.view(i)));
          return views.every((v) => v.nodes.length === count && v.missing.length === 0);
        },
        `the ${count} nodes to see each other`,
        20_000,
        200,
      );
      return cluster;
    } catch (err) {
      for (const node of nodes) node.kill();
      await redis.stop();
      throw err;
    }
  }

  /** The node's own state of its link to Redis (`up`, `down`, ...), from its health check. */
  async linkState(index: number): Promise<string> {
    const { body } = await getJson(`${this.nodes[index].http}/ws/health`);
    return (body as HealthBody).cluster?.state ?? 'none';
  }

  /** The node's own backplane counters. */
  async backplane(index: number): Promise<BackplaneRow> {
    const body = (await getJson(`${this.nodes[index].http}/ws/stats`)).body as StatsBody;
    const own = body.cluster.nodes.find((n) => n.node_id === body.cluster.node_id);
    if (!own) throw new Error(`node ${body.cluster.node_id} did not list itself in /ws/stats`);
    return own.backplane;
  }

  /** The cluster as `GET /ws/stats` on node `index` shows it (waits up to the request timeout for absent nodes). */
  async view(index: number): Promise<ClusterView> {
    const body = (await getJson(`${this.nodes[index].http}/ws/stats`)).body as StatsBody;
    return {
      nodes: body.cluster.nodes.map((n) => n.node_id),
      missing: body.cluster.missing_nodes,
      activeConnections: body.stats.total_active_connections,
    };
  }

  /** Uncaught exceptions and unhandled rejections of every node, with the node's index. */
  faults(): Array<ServerFault & { node: number }> {
    return this.nodes.flatMap((n, node) => n.faults.map((f) => ({ ...f, node })));
  }

  /**
   * Stops every node still running with SIGTERM (a graceful drain) and Redis;
   * returns how each node ended, null for a node that had exited before.
   */
  async stop(): Promise<Array<(ServerExit & { afterMs: number }) | null>> {
    const exits = await Promise.all(this.nodes.map((n) => (n.alive ? n.stop('SIGTERM', 20_000) : Promise.resolve(null))));
    await this.redis.stop();
    return exits;
  }
}
