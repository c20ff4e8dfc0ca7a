import { existsSync, readFileSync, rmSync } from 'node:fs';

/**
 * Reads the target's CPU time and resident memory from `/proc/<pid>`
 * (Linux). The figures cover every thread of the process (the event loop,
 * libuv's pool, the garbage collector).
 */
export class ServerProbe {
  constructor(
    private readonly pid: number,
    private readonly clockTicksPerSecond: number,
    private readonly memoryFile: string,
  ) {}

  /** User + system CPU time in milliseconds, or null if `/proc` cannot be read. */
  cpuMs(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces; fields are counted after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const utime = Number(fields[11]);
      const stime = Number(fields[12]);
      return ((utime + stime) * 1000) / this.clockTicksPerSecond;
    } catch {
      return null;
    }
  }

  /**
   * Asks the target for a full garbage collection and a fresh
   * `process.memoryUsage()` in the memory file (it handles SIGUSR2, see
   * `guardTargetLifetime`); read it with `heapKb()` a moment later.
   */
  collectGarbage(): void {
    rmSync(this.memoryFile, { force: true });
    try {
      process.kill(this.pid, 'SIGUSR2');
    } catch {
      // The target is gone; the next reading says so.
    }
  }

  /**
   * Waits until the target has written the memory file asked for by
   * `collectGarbage()` (a collection of a large heap on a busy machine takes
   * a while); false if it has not after `timeoutMs`.
   */
  async memoryWritten(timeoutMs = 10_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!existsSync(this.memoryFile)) {
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** JS heap in use plus external memory (buffers) in KiB, from the last `collectGarbage()`, or null. */
  heapKb(): number | null {
    try {
      const usage = JSON.parse(readFileSync(this.memoryFile, 'utf8')) as { heapUsed: number; external: number };
      return (usage.heapUsed + usage.external) / 1024;
    } catch {
      return null;
    }
  }

  /**
   * The delays of the target's event loop between two wall-clock times
   * (epoch ms): the longest, and the 99th percentile of the longest per
   * 100 ms (one bad moment apart), from the last `collectGarbage()` of a
   * target that runs its loop probe (`BENCH_LOOP_PROBE=1`); null otherwise.
   */
  loopDelayMs(fromMs: number, toMs: number): { max: number; p99: number } | null {
    try {
      const { loopDelay } = JSON.parse(readFileSync(this.memoryFile, 'utf8')) as { loopDelay?: Array<[number, number]> };
      const inWindow = (loopDelay ?? [])
        .filter(([end]) => end > fromMs && end <= toMs)
        .map(([, delay]) => delay)
        .toSorted((a, b) => a - b);
      if (inWindow.length === 0) return null;
      return { max: inWindow[inWindow.length - 1] as number, p99: inWindow[Math.floor(inWindow.length * 0.99)] as number };
    } catch {
      return null;
    }
  }

  /** Resident set size in KiB, or null if `/proc` cannot be read. */
  rssKb(): number | null {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) : null;
    } catch {
      return null;
    }
  }
}

/** `b - a`, or null when either reading failed. */
export const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

/** The load generator's own CPU time in milliseconds. */
export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
