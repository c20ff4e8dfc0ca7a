import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../utils/free-port.js';

const SAMPLE_MAIN = fileURLToPath(new URL('../../../apps/sample/dist/main.js', import.meta.url));
const MONITOR = fileURLToPath(new URL('./server-monitor.preload.mjs', import.meta.url));

/** What the monitor inside the server reports for one sample. */
export interface ServerSample {
  at: number;
  /** True if a full garbage collection ran just before the reading. */
  gc: boolean;
  memory: NodeJS.MemoryUsage;
  /** Open file descriptors of the server process. */
  fds: number;
  /** Active handles and requests by kind (`Timeout`, `TCPSocketWrap`, ...). */
  resources: Record<string, number>;
  /** Event-loop delay since the previous sample. */
  loopDelayMs: { p50: number; p99: number; max: number };
}

/** An uncaught exception or unhandled rejection seen in the server. */
export interface ServerFault {
  origin: string;
  message: string;
}

/** How the server process ended. */
export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

type MonitorMessage =
  | { kind: 'sample'; id: number; sample: ServerSample }
  | { kind: 'fault'; origin: string; message: string }
  | { kind: 'warning'; name: string; message: string };

/** Options of `ServerProcess.start`. */
export interface ServerProcessOptions {
  /** `FP_WST_*` settings and any other variables for the server. */
  env?: Record<string, string>;
  /** Reuse a port (a restart where clients expect the server). */
  port?: number;
  startTimeoutMs?: number;
  /** Extra Node.js options for the server (e.g. `--cpu-prof` when investigating). */
  nodeArgs?: string[];
  /**
   * Scheduling priority (nice value) of the server's event-loop thread, where
   * the OS allows it. Latency tests raise it: on a shared machine the server
   * must not queue behind the test's own attackers or unrelated processes.
   */
  priority?: number;
}

/** The counters of `GET /ws/stats` that the reliability tests read. */
export type ServerStats = Record<string, unknown> & {
  total_active_connections: number;
  active_topics: number;
  queue_size: number;
  disconnections_by_reason: Record<string, number>;
};

/**
 * A GET on a fresh connection that is closed afterwards: a kept-alive admin
 * connection would show up in the server's descriptor count.
 */
export function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

const MiB = 1024 * 1024;
/** Bytes to MiB with one decimal, for messages and reports. */
export const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;

/** Heap plus memory outside the heap (buffers): what a server retains for its clients. */
export const retainedBytes = (s: ServerSample): number => s.memory.heapUsed + s.memory.external;

/**
 * The built sample app as its own process (`node --expose-gc`), with a
 * monitor that reports crashes, warnings and memory over IPC. A crash in the
 * server cannot be hidden by the test runner, and the test's own load does not
 * run on the server's event loop.
 */
export class ServerProcess {
  readonly faults: ServerFault[] = [];
  readonly warnings: Array<{ name: string; message: string }> = [];
  readonly exited: Promise<ServerExit>;
  private stderr = '';
  private nextSampleId = 1;
  private readonly pending = new Map<number, (sample: ServerSample) => void>();
  private exit: ServerExit | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        resolve(this.exit);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-16_384);
    });
    child.on('message', (message: MonitorMessage) => {
      if (message.kind === 'sample') {
        this.pending.get(message.id)?.(message.sample);
        this.pending.delete(message.id);
      } else if (message.kind === 'fault') {
        this.faults.push({ origin: message.origin, message: message.message });
      } else if (message.kind === 'warning') {
        this.warnings.push({ name: message.name, message: message.message });
      }
    });
    // Writing to a server that just died must not crash the test process.
    child.on('error', () => undefined);
  }

  /** Starts the sample app on 127.0.0.1 and resolves once its admin API answers. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    if (!existsSync(SAMPLE_MAIN)) throw new Error(`${SAMPLE_MAIN} is missing: run "npm run build" first (npm test does).`);
    const port = options.port ?? (await freePort());
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
      // The server gets only the settings the test chose.
      if (value === undefined || key.startsWith('FP_WST_') || key === 'REDIS_URL' || key === 'NODE_OPTIONS') continue;
      env[key] = value;
    }
    Object.assign(env, options.env ?? {}, { PORT: String(port), HOST: '127.0.0.1' });
    const child = spawn(process.execPath, ['--expose-gc', ...(options.nodeArgs ?? []), '--import', MONITOR, SAMPLE_MAIN], {
      env,
      // The sample logs every connection on stdout: not needed here. Errors and warnings go to stderr.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const server = new ServerProcess(child, port);
    if (options.priority !== undefined && child.pid !== undefined) {
      try {
        setPriority(child.pid, options.priority);
      } catch {
        // Not permitted here: the figures are then only as good as the machine is quiet.
      }
    }
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    while (Date.now() < deadline) {
      if (server.exit) throw new Error(`the server exited during start-up (${JSON.stringify(server.exit)}):\n${server.stderr}`);
      try {
        if ((await getJson(`${server.http}/ws/stats`)).status === 200) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server.kill();
    throw new Error(`the server did not start within the time limit:\n${server.stderr}`);
  }

  get http(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get ws(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  /** The last 16 KiB the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderr;
  }

  /** Memory, descriptors and handles of the server, after a full GC unless `gc` is false. */
  sample(gc = true, timeoutMs = 10_000): Promise<ServerSample> {
    const id = this.nextSampleId++;
    return new Promise((resolve, reject) => {
      if (!this.alive || !this.child.connected) return reject(new Error('the server is not running'));
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the server did not answer a memory sample in time'));
      }, timeoutMs);
      this.pending.set(id, (sample) => {
        clearTimeout(timer);
        resolve(sample);
      });
      this.child.send({ kind: 'sample', id, gc });
    });
  }

  /** `GET /ws/stats` (admin routes answer loopback requests without a token). */
  async stats(): Promise<ServerStats> {
    const { status, body } = await getJson(`${this.http}/ws/stats`);
    if (status !== 200) throw new Error(`GET /ws/stats answered ${status}`);
    return (body as { stats: ServerStats }).stats;
  }

  /** One client's admin row, or null when it is not connected. */
  async client(clientId: string): Promise<{ queued: number; messages_sent: number; topics: string[] } | null> {
    const { status, body } = await getJson(`${this.http}/ws/clients/${encodeURIComponent(clientId)}`);
    if (status === 404) return null;
    if (status !== 200) throw new Error(`GET /ws/clients/${clientId} answered ${status}`);
    return body as { queued: number; messages_sent: number; topics: string[] };
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<ServerExit & { afterMs: number }> {
    const sent = Date.now();
    if (this.alive) this.child.kill(signal);
    const timer = setTimeout(() => this.kill(), timeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, afterMs: exit.at - sent };
  }

  /** Kills the server at once (cleanup). */
  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}
