import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Every child this orchestrator started and that has not exited yet. */
const live = new Set<TrackedChild>();

/** Lines a child printed last, for error messages. */
const TAIL_LINES = 20;

/** A started child with its output read line by line (always consumed, so a chatty child never blocks on a full pipe). */
export interface TrackedChild {
  process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** The last lines of stdout and stderr. */
  tail(): string;
  /** Signals the child, or its whole process group if it was started as one. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `command <args>` with piped stdio and tracks it until it exits.
 * With `group`, the child leads a process group of its own and is signalled
 * as a group, so a wrapper (`timeout`) and what it runs stop together.
 */
export function spawnTracked(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  group = false,
): TrackedChild {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env, detached: group });
  const lines: string[] = [];
  const keep = (line: string, stream: 'stdout' | 'stderr') => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    onLine(line, stream);
  };
  createInterface({ input: child.stdout }).on('line', (line) => keep(line, 'stdout'));
  createInterface({ input: child.stderr }).on('line', (line) => keep(line, 'stderr'));
  child.stdin.on('error', () => undefined);
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (group && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const exited = new Promise<number | string>((resolve) => {
    // Both events come after this function returned, so `tracked` is set by then.
    child.once('exit', (code, signal) => {
      live.delete(tracked);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      live.delete(tracked);
      resolve(`spawn error: ${err.message}`);
    });
  });
  const tracked: TrackedChild = { process: child, exited, tail: () => lines.join('\n'), kill };
  live.add(tracked);
  return tracked;
}

/**
 * Starts `node <nodeFlags> <file> <args>` with piped stdio. Its stdin stays
 * open: the child exits when it closes, i.e. when this process ends in any way.
 */
export function spawnNode(
  nodeFlags: string[],
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
  /** A nice value to run it at, through `nice` (which execs node: same process; unchanged where not permitted). */
  niceness?: number,
): TrackedChild {
  const command = [process.execPath, ...nodeFlags, file, ...args];
  if (niceness === undefined) return spawnTracked(command[0] as string, command.slice(1), env, onLine);
  return spawnTracked('nice', ['-n', String(niceness), ...command], env, onLine);
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone (or after a last bounded wait). */
export async function stopChild(child: TrackedChild, graceMs = 3000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.kill('SIGTERM');
  if ((await within(child.exited, graceMs)) !== 'timeout') return;
  child.kill('SIGKILL');
  await within(child.exited, 2000);
}

/** Kills every live child at once (exit paths cannot wait). */
export function killAllNow(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** Makes sure no child survives this process, however it ends. */
export function installCleanupHandlers(write: (text: string) => void): void {
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      write(`\nStopped by ${signal}; killing ${live.size} child process(es).\n`);
      killAllNow();
      process.exit(130);
    });
  }
  const fatal = (err: unknown) => {
    write(`\nBenchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    killAllNow();
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
