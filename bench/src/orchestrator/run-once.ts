import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READY_LINE_KEY, RESULT_LINE_KEY } from '../shared/bench-protocol.constants.js';
import type { LoadConfig } from '../shared/load-config.interface.js';
import type { LoadResult } from '../shared/load-result.interface.js';
import type { BenchPreset, ScenarioDefinition } from './bench-presets.js';
import type { TargetDefinition } from './bench-targets.js';
import { spawnNode, stopChild, type TrackedChild } from './child-processes.js';
import { startBenchRedis, type BenchRedis } from './redis-server.js';
import { startBenchRedisCluster, type BenchRedisCluster } from './redis-cluster.js';

/** How long a target may take to print its ready line. */
const READY_TIMEOUT_MS = 30_000;

/** One scenario against one target, as recorded in the results. */
export interface RunRecord {
  scenario: string;
  target: string;
  repetition: number;
  /** Position in the run order, from 1. */
  order: number;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  result?: LoadResult;
  wallMs: number;
  loadAverage1m: number;
}

/** What every run needs besides its scenario and target. */
export interface RunEnvironment {
  distDir: string;
  preset: BenchPreset;
  clockTicksPerSecond: number;
  verbose: boolean;
  write(text: string): void;
}

/** The children's environment: ours, minus `FP_WST_*` overrides, so every run uses the settings in the code. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FP_WST_')) env[key] = value;
  return { ...env, ...extra };
}

const parseLine = (line: string, key: string): unknown => {
  if (!line.startsWith('{')) return undefined;
  try {
    return (JSON.parse(line) as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
};

/**
 * Extra node flags for the targets from `BENCH_TARGET_NODE_FLAGS`, to profile
 * one (`--cpu-prof --cpu-prof-dir=/tmp/prof`). Not used by the figures.
 */
const targetNodeFlags = (): string[] => (process.env.BENCH_TARGET_NODE_FLAGS ?? '').split(' ').filter(Boolean);

interface StartedNode {
  child: TrackedChild;
  port: number;
}

async function startTarget(
  env: RunEnvironment,
  target: TargetDefinition,
  lifetimeMs: number,
  memoryFile: string,
  extraEnv: Record<string, string> = {},
  name: string = target.id,
  niceness?: number,
): Promise<StartedNode> {
  let onReady: ((port: number) => void) | undefined;
  const ready = new Promise<number>((resolve) => {
    onReady = resolve;
  });
  const child = spawnNode(
    ['--expose-gc', ...targetNodeFlags()],
    join(env.distDir, target.entry),
    target.args,
    childEnv({ ...extraEnv, BENCH_MAX_LIFETIME_MS: String(lifetimeMs), BENCH_MEMORY_FILE: memoryFile }),
    (line, stream) => {
      const announced = parseLine(line, READY_LINE_KEY) as { port?: unknown } | undefined;
      if (typeof announced?.port === 'number') onReady?.(announced.port);
      else if (env.verbose) env.write(`    [${name} ${stream}] ${line}\n`);
    },
    niceness,
  );
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready,
    child.exited.then((code) => `exited (${code}) before it was ready`),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`not ready within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (typeof outcome === 'number') return { child, port: outcome };
  await stopChild(child);
  throw new Error(`target ${name} ${outcome}:\n${child.tail()}`);
}

/**
 * Starts every node of a clustered target at once, each with the Redis URL
 * passed explicitly (the children's environment has no `FP_WST_*` of ours).
 * If one fails, the others are stopped before the error is thrown.
 */
async function startNodes(
  env: RunEnvironment,
  target: TargetDefinition,
  lifetimeMs: number,
  memoryFiles: string[],
  redisUrl: string,
): Promise<StartedNode[]> {
  const settled = await Promise.allSettled(
    memoryFiles.map((file, i) => startTarget(env, target, lifetimeMs, file, { FP_WST_REDIS_URL: redisUrl }, `${target.id} node ${i + 1}`)),
  );
  const nodes = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(nodes.map((node) => stopChild(node.child)));
    throw failed.reason;
  }
  return nodes;
}

async function runLoadGenerator(env: RunEnvironment, config: LoadConfig, timeoutMs: number): Promise<LoadResult> {
  let result: LoadResult | undefined;
  const child = spawnNode(
    [],
    join(env.distDir, 'load/load-generator.main.js'),
    [],
    childEnv({ BENCH_LOAD_CONFIG: JSON.stringify(config), BENCH_MAX_LIFETIME_MS: String(timeoutMs) }),
    (line, stream) => {
      const reported = parseLine(line, RESULT_LINE_KEY) as LoadResult | undefined;
      if (reported) result = reported;
      else if (env.verbose) env.write(`    [load ${stream}] ${line}\n`);
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    child.exited,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs + 5000))),
  ]);
  clearTimeout(timer);
  if (code === 'timeout') {
    await stopChild(child, 1000);
    throw new Error(`load generator did not finish within ${timeoutMs} ms:\n${child.tail()}`);
  }
  if (!result) throw new Error(`load generator exited (${code}) without a result:\n${child.tail()}`);
  return result;
}

/**
 * Starts the target (for a clustered target: its Redis server, then its
 * nodes), runs the load generator against it, stops them all. Never throws.
 */
export async function runOnce(
  env: RunEnvironment,
  scenario: ScenarioDefinition,
  target: TargetDefinition,
  repetition: number,
  order: number,
  loadAverage: () => number,
): Promise<RunRecord> {
  const started = performance.now();
  const record = (fields: Pick<RunRecord, 'status' | 'error' | 'result'>): RunRecord => ({
    scenario: scenario.id,
    target: target.id,
    repetition,
    order,
    ...fields,
    wallMs: Math.round(performance.now() - started),
    loadAverage1m: loadAverage(),
  });
  const nodes: StartedNode[] = [];
  let redis: BenchRedis | undefined;
  let redisCluster: BenchRedisCluster | undefined;
  const lifetimeMs = scenario.timeoutMs + 60_000;
  const memoryFiles = Array.from({ length: target.cluster?.nodes ?? 1 }, (_, i) =>
    join(tmpdir(), `websocket-tool-bench-${process.pid}-${order}${i === 0 ? '' : `-${i + 1}`}.json`),
  );
  try {
    const onRedisLine = (line: string): void => {
      if (env.verbose) env.write(`    [redis] ${line}\n`);
    };
    if (target.cluster && (target.cluster.redisShards ?? 1) > 1) {
      redisCluster = await startBenchRedisCluster(target.cluster.redisShards ?? 1, lifetimeMs, onRedisLine);
      nodes.push(...(await startNodes(env, target, lifetimeMs, memoryFiles, redisCluster.url)));
    } else if (target.cluster) {
      redis = await startBenchRedis(lifetimeMs, onRedisLine);
      nodes.push(...(await startNodes(env, target, lifetimeMs, memoryFiles, redis.url)));
    } else {
      // The many-connections scenario reads the longest delay of the target's event loop.
      const probe: Record<string, string> = scenario.config.kind === 'many-connections' ? { BENCH_LOOP_PROBE: '1' } : {};
      nodes.push(await startTarget(env, target, lifetimeMs, memoryFiles[0] as string, probe, target.id, scenario.serverNiceness));
    }
    const pids = nodes.map((node) => node.child.process.pid);
    const [first, ...peers] = nodes;
    if (!first || pids.some((pid) => pid === undefined)) throw new Error(`target ${target.id} has no pid`);
    const config: LoadConfig = {
      protocol: target.protocol,
      port: first.port,
      serverPid: pids[0] as number,
      memoryFile: memoryFiles[0] as string,
      clockTicksPerSecond: env.clockTicksPerSecond,
      payloadBytes: env.preset.payloadBytes,
      connectTimeoutMs: env.preset.connectTimeoutMs,
      stallTimeoutMs: env.preset.stallTimeoutMs,
      peers: peers.map((node, i) => ({ port: node.port, serverPid: pids[i + 1] as number })),
      redisPid: redis?.pid,
      redisPorts: redisCluster?.ports ?? (redis ? [redis.port] : undefined),
      scenario: scenario.config,
    };
    return record({ status: 'ok', result: await runLoadGenerator(env, config, scenario.timeoutMs) });
  } catch (err) {
    return record({ status: 'failed', error: err instanceof Error ? err.message : String(err) });
  } finally {
    await Promise.all(nodes.map((node) => stopChild(node.child)));
    if (redis) await redis.stop();
    if (redisCluster) await redisCluster.stop();
    for (const file of memoryFiles) rmSync(file, { force: true });
  }
}
