import { createConnection } from 'node:net';
import { BENCH_HOST } from '../shared/bench-protocol.constants.js';

/** What one Redis server has done so far, from `INFO`. */
export interface RedisCounters {
  /** `used_cpu_sys + used_cpu_user`, in milliseconds. */
  cpuMs: number;
  /** Messages published to it: calls of PUBLISH and SPUBLISH, and of the scripts (each publishes once). */
  publishes: number;
}

/** Sends one inline command and returns the bulk string reply (enough for `INFO`). */
function ask(port: number, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: BENCH_HOST, port });
    let data = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`INFO on port ${port} timed out`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const header = data.indexOf('\r\n');
      if (header === -1) return;
      if (data[0] !== '$') return fail(new Error(`unexpected reply to ${command}: ${data.slice(0, 80)}`));
      const length = Number(data.slice(1, header));
      if (Buffer.byteLength(data, 'utf8') >= header + 2 + length) {
        socket.destroy();
        resolve(data.slice(header + 2, header + 2 + length));
      }
    });
  });
}

const field = (info: string, name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
const calls = (info: string, command: string): number => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);

/** The counters of the Redis server on `port`. */
export async function readRedisCounters(port: number, timeoutMs = 2000): Promise<RedisCounters> {
  const info = await ask(port, 'INFO all', timeoutMs);
  return {
    cpuMs: (field(info, 'used_cpu_sys') + field(info, 'used_cpu_user')) * 1000,
    publishes: calls(info, 'publish') + calls(info, 'spublish'),
  };
}

/** The counters of every server, or null if one did not answer. */
export async function readAllRedisCounters(ports: readonly number[]): Promise<RedisCounters[] | null> {
  try {
    return await Promise.all(ports.map((port) => readRedisCounters(port)));
  } catch {
    return null;
  }
}

/** What the servers did between two readings: each server's CPU and publishes. */
export interface RedisWork {
  cpuMs: number[];
  publishes: number[];
}

/** The work between two readings, or null if one failed. */
export function redisWork(before: RedisCounters[] | null, after: RedisCounters[] | null): RedisWork | null {
  if (!before || !after || before.length !== after.length) return null;
  return {
    cpuMs: after.map((a, i) => a.cpuMs - before[i].cpuMs),
    publishes: after.map((a, i) => a.publishes - before[i].publishes),
  };
}

/**
 * The CPU the servers spend with no traffic, per millisecond (their cron,
 * the nodes' refreshes and, on a Redis Cluster, the bus between its servers),
 * measured over `ms`: subtracted from a part's CPU, it leaves the CPU the
 * messages cost.
 */
export async function idleCpuPerMs(ports: readonly number[], ms: number): Promise<number[] | null> {
  const before = await readAllRedisCounters(ports);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const work = redisWork(before, await readAllRedisCounters(ports));
  const elapsed = performance.now() - started;
  return work ? work.cpuMs.map((cpu) => cpu / elapsed) : null;
}
