import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { HolderStatus } from './connection-holder.main.js';

const HOLDER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'connection-holder.main.js');

/** The loopback source address of holder `index`: 127.0.0.2, 127.0.0.3, … (127.0.0.1 is the server's). */
export const sourceAddress = (index: number): string => `127.0.0.${2 + index}`;

/** One holder process and its pending answers, in order. */
interface Holder {
  child: ChildProcess;
  waiting: Array<{ resolve: (status: HolderStatus) => void; reject: (err: Error) => void }>;
  stderr: string[];
}

/**
 * The processes that hold the many-connections scenario's clients
 * (`connection-holder.main.ts`), each with its own open-file limit and
 * source address. Each exits when its stdin closes: with `stop()`, or when
 * the load generator ends however it ends.
 */
export class ConnectionHolders {
  private readonly holders: Holder[];

  constructor(count: number, url: string, inFlight: number, connectTimeoutMs: number, maxLifetimeMs: number) {
    this.holders = Array.from({ length: count }, (_, i) => {
      const child = spawn(process.execPath, [HOLDER_SCRIPT], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          ...process.env,
          BENCH_HOLDER_URL: url,
          BENCH_SOURCE_ADDRESS: sourceAddress(i),
          BENCH_HOLDER_IN_FLIGHT: String(inFlight),
          BENCH_CONNECT_TIMEOUT_MS: String(connectTimeoutMs),
          BENCH_MAX_LIFETIME_MS: String(maxLifetimeMs),
        },
      });
      const holder: Holder = { child, waiting: [], stderr: [] };
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        holder.waiting.shift()?.resolve(JSON.parse(line) as HolderStatus);
      });
      child.once('exit', (code) => {
        const err = new Error(`a connection holder exited (${code}): ${holder.stderr.join(' | ')}`);
        for (const pending of holder.waiting.splice(0)) pending.reject(err);
      });
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
        holder.stderr.push(line);
        if (holder.stderr.length > 5) holder.stderr.shift();
      });
      child.stdin?.on('error', () => undefined);
      return holder;
    });
  }

  get size(): number {
    return this.holders.length;
  }

  /** Opens `total` more connections, spread evenly over the holders; resolves with every holder's status. */
  open(total: number): Promise<HolderStatus[]> {
    const base = Math.floor(total / this.holders.length);
    const extra = total % this.holders.length;
    return Promise.all(this.holders.map((holder, i) => this.ask(holder, `open ${base + (i < extra ? 1 : 0)}`)));
  }

  status(): Promise<HolderStatus[]> {
    return Promise.all(this.holders.map((holder) => this.ask(holder, 'status')));
  }

  /** Closes every holder's stdin: each drops its connections and exits. */
  stop(): void {
    for (const { child } of this.holders) child.stdin?.end();
  }

  private ask(holder: Holder, command: string): Promise<HolderStatus> {
    return new Promise((resolve, reject) => {
      if (holder.child.exitCode !== null) {
        reject(new Error(`a connection holder exited (${holder.child.exitCode}): ${holder.stderr.join(' | ')}`));
        return;
      }
      holder.waiting.push({ resolve, reject });
      holder.child.stdin?.write(command + '\n');
    });
  }
}

/** The statuses of all holders added up. */
export function totalStatus(statuses: HolderStatus[]): HolderStatus {
  return statuses.reduce<HolderStatus>(
    (sum, s) => ({
      held: sum.held + s.held,
      failed: sum.failed + s.failed,
      closedByServer: sum.closedByServer + s.closedByServer,
      firstError: sum.firstError ?? s.firstError,
    }),
    { held: 0, failed: 0, closedByServer: 0, firstError: null },
  );
}
