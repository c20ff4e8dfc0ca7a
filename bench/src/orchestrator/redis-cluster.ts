import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_HOST } from '../shared/bench-protocol.constants.js';
import { sparePort, startBenchRedis, type BenchRedis } from './redis-server.js';

/** How long the new cluster may take to serve every slot. */
const READY_TIMEOUT_MS = 20_000;

/** A Redis Cluster of the benchmark's own: `masters` masters without replicas, for one run. */
export interface BenchRedisCluster {
  /** The seeds, comma-separated, as `FP_WST_REDIS_URL` takes them. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

const cli = (args: string[]): { ok: boolean; out: string } => {
  const run = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30_000 });
  return { ok: run.status === 0, out: `${run.stdout ?? ''}${run.stderr ?? ''}` };
};

/**
 * Starts `masters` redis-server processes in cluster mode (each as
 * `startBenchRedis` does, on spare ports, with its bus on a spare port of its
 * own), joins them with `redis-cli --cluster create` and waits until every
 * slot is served. `stop()` ends them and removes their directory.
 */
export async function startBenchRedisCluster(
  masters: number,
  lifetimeMs: number,
  onLine: (line: string) => void,
): Promise<BenchRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'websocket-tool-bench-cluster-'));
  const servers: BenchRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startBenchRedis(lifetimeMs, onLine, async () => {
          const bus = await sparePort();
          return ['--cluster-enabled', 'yes', '--cluster-port', String(bus), '--cluster-config-file', `nodes-${bus}.conf`, '--dir', dir];
        }),
      );
    }
    const created = cli([
      '--cluster',
      'create',
      ...servers.map((s) => `${BENCH_HOST}:${s.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (!created.ok) throw new Error(`redis-cli --cluster create failed:\n${created.out}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!servers.every((s) => /cluster_state:ok/.test(cli(['-h', BENCH_HOST, '-p', String(s.port), 'cluster', 'info']).out))) {
      if (Date.now() > deadline) throw new Error(`the Redis Cluster did not serve every slot within ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url: servers.map((s) => s.url).join(','), ports: servers.map((s) => s.port), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
