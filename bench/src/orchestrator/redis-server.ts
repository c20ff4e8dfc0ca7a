import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { BENCH_HOST } from '../shared/bench-protocol.constants.js';
import { spawnTracked, stopChild, type TrackedChild } from './child-processes.js';

/** The port of the machine's own Redis, which the benchmark never uses. */
const SHARED_REDIS_PORT = 6379;
/** How long redis-server may take to accept connections. */
const READY_TIMEOUT_MS = 10_000;
/** A port found free can be taken before Redis binds it; start again on another. */
const START_ATTEMPTS = 3;

/** A Redis server of the benchmark's own, for one run of a clustered target. */
export interface BenchRedis {
  url: string;
  port: number;
  /** redis-server's own process id (the tracked child is the `timeout` wrapper around it). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago, never the shared Redis's. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, BENCH_HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string' || address.port === SHARED_REDIS_PORT) reject(new Error('no spare port'));
        else resolve(address.port);
      });
    });
  });
}

async function startOnce(lifetimeMs: number, onLine: (line: string) => void, extraArgs: string[]): Promise<BenchRedis> {
  const port = await sparePort();
  let pid: number | undefined;
  let onReady: (() => void) | undefined;
  const ready = new Promise<'ready'>((resolve) => {
    onReady = () => resolve('ready');
  });
  // Redis outlives neither this process nor the run: a watcher in the shell
  // stops it once its stdin (a pipe from this process) closes, which happens
  // however this process ends, and `timeout` kills the lot after `lifetimeMs`
  // in any case. They form one process group, which `stop` signals as a whole.
  const redisArgs = [
    '--port',
    String(port),
    '--bind',
    BENCH_HOST,
    '--protected-mode',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    tmpdir(),
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
    ...extraArgs,
  ];
  const child: TrackedChild = spawnTracked(
    'timeout',
    [
      '--signal=KILL',
      `${Math.ceil(lifetimeMs / 1000)}s`,
      'sh',
      '-c',
      // A background job's stdin is /dev/null, so the watcher reads the pipe through fd 3.
      'exec 3<&0; redis-server "$@" 3<&- & redis=$!; (cat <&3 > /dev/null; kill "$redis" 2> /dev/null) & wait "$redis"',
      'sh',
      ...redisArgs,
    ],
    process.env,
    (line) => {
      const announced = /\bpid=(\d+)/.exec(line);
      if (announced && pid === undefined) pid = Number(announced[1]);
      if (/Ready to accept connections/.test(line)) onReady?.();
      onLine(line);
    },
    true,
  );
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready,
    child.exited.then((code) =>
      code === 127 || String(code).startsWith('spawn error')
        ? `redis-server (or timeout) is not installed: ${code}`
        : `redis-server exited (${code}) before it was ready`,
    ),
    new Promise<string>(
      (resolve) => (timer = setTimeout(() => resolve(`redis-server not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS)),
    ),
  ]);
  clearTimeout(timer);
  // The group may outlive its leader (the watcher); a last SIGKILL to the group ends whatever is left.
  const stop = async (): Promise<void> => {
    await stopChild(child);
    child.kill('SIGKILL');
  };
  if (outcome !== 'ready') {
    await stop();
    throw new Error(`${outcome} (port ${port}):\n${child.tail()}`);
  }
  return { url: `redis://${BENCH_HOST}:${port}`, port, pid, stop };
}

/**
 * Starts `redis-server` on a spare port of 127.0.0.1, without persistence
 * (`--save ''`, `--appendonly no`), killed after `lifetimeMs` at the latest.
 * The machine's own Redis (6379) is never used. Call `stop()` when done.
 * `extraArgs` are added to redis-server's (a cluster node's settings).
 */
export async function startBenchRedis(
  lifetimeMs: number,
  onLine: (line: string) => void,
  extraArgs: () => Promise<string[]> = async () => [],
): Promise<BenchRedis> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(lifetimeMs, onLine, await extraArgs());
    } catch (err) {
      lastError = err;
      if (err instanceof Error && err.message.includes('not installed')) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
