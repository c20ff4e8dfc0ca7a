import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { redisAnswers } from './redis-ping.js';

/** Polls `probe` until it is truthy, or fails after `timeoutMs` naming `what`. */
async function until<T>(probe: () => T | Promise<T>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One `redis-server` of a test cluster. */
interface ClusterServer {
  port: number;
  child: ChildProcess;
}

/** `INFO` of one server as a map. */
export async function redisInfo(port: number, section = ''): Promise<Record<string, string>> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const text = section ? await redis.info(section) : await redis.info();
    return Object.fromEntries(
      text
        .split('\r\n')
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis Cluster owned by one test: `masters` masters with `replicas` replicas
 * each, on spare ports, without persistence, in a temporary directory that
 * `stop()` removes with the processes. A short node timeout makes a replica
 * take over about a second after its master dies.
 */
export class TestRedisCluster {
  private constructor(
    private readonly servers: ClusterServer[],
    private readonly dir: string,
  ) {}

  /** The seeds as `FP_WST_REDIS_URL` takes them: comma-separated URLs. */
  get url(): string {
    return this.servers.map((s) => `redis://127.0.0.1:${s.port}`).join(',');
  }

  get ports(): number[] {
    return this.servers.map((s) => s.port);
  }

  static async start(masters = 3, replicas = 1): Promise<TestRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'wst-redis-cluster-'));
    const servers: ClusterServer[] = [];
    const cluster = new TestRedisCluster(servers, dir);
    try {
      for (let i = 0; i < masters * (1 + replicas); i++) {
        const port = await freePort();
        // The cluster bus gets a spare port of its own: the default, port + 10000, may be taken or past 65535.
        const busPort = await freePort();
        const child = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--cluster-port',
            String(busPort),
            // A replica syncs at once (not after the default 5 s wait), so it can take over early in a test.
            '--repl-diskless-sync-delay',
            '0',
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--cluster-node-timeout',
            '1000',
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
          ],
          { stdio: 'ignore' },
        );
        servers.push({ port, child });
      }
      for (const s of servers) await until(() => redisAnswers(s.port), `redis-server on port ${s.port}`, 10_000);
      const create = spawnSync(
        'redis-cli',
        ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
      await until(async () => (await cluster.states()).every((s) => s === 'ok'), 'every node to report cluster_state:ok', 20_000);
      // A replica that has not synced yet would not take over from its master.
      await until(
        async () => {
          const infos = await Promise.all(servers.map((s) => redisInfo(s.port, 'replication').catch(() => ({}) as Record<string, string>)));
          const synced = infos.filter((info) => info.role === 'slave' && info.master_link_status === 'up').length;
          return synced === masters * replicas;
        },
        'every replica to sync with its master',
        20_000,
      );
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  private async states(): Promise<string[]> {
    return Promise.all(this.live().map((s) => this.clusterState(s.port)));
  }

  private async clusterState(port: number): Promise<string> {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const info = (await redis.call('CLUSTER', 'INFO')) as string;
      return /cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown';
    } catch {
      return 'unreachable';
    } finally {
      redis.disconnect();
    }
  }

  private live(): ClusterServer[] {
    return this.servers.filter((s) => s.child.exitCode === null && s.child.signalCode === null);
  }

  /** The ports of the servers that are masters now. */
  async masterPorts(): Promise<number[]> {
    const roles = await Promise.all(this.live().map(async (s) => ({ port: s.port, role: (await redisInfo(s.port, 'replication')).role })));
    return roles.filter((r) => r.role === 'master').map((r) => r.port);
  }

  /** The port of the master serving `slot`. */
  async masterOf(slot: number): Promise<number> {
    const redis = new Redis({ host: '127.0.0.1', port: this.live()[0].port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return Number(range[2][1]);
    } finally {
      redis.disconnect();
    }
  }

  /** Kills one server (SIGKILL: a crash) and waits until it has exited. */
  async kill(port: number): Promise<void> {
    const server = this.servers.find((s) => s.port === port);
    if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
    server.child.kill('SIGKILL');
    await exited;
  }

  /** Waits until every live server has a replica promoted in place of the dead master `port` and serves every slot. */
  async waitFailover(port: number, timeoutMs = 20_000): Promise<void> {
    await until(
      async () => {
        const views = await Promise.all(this.live().map((s) => this.masterPortsSeenBy(s.port)));
        return views.every((masters) => masters.length > 0 && !masters.includes(port)) && (await this.states()).every((s) => s === 'ok');
      },
      `a replica to take over from ${port}`,
      timeoutMs,
    );
  }

  /** The master ports in the slot map of the server on `port` (empty if it does not answer). */
  private async masterPortsSeenBy(port: number): Promise<number[]> {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
      return ranges.map((range) => Number(range[2][1]));
    } catch {
      return [];
    } finally {
      redis.disconnect();
    }
  }

  /** Kills every server and removes the directory. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => this.kill(s.port)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
