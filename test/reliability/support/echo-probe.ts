import { Worker } from 'node:worker_threads';

const WORKER = new URL('./echo-probe.worker.mjs', import.meta.url);

/** Milliseconds since the epoch with sub-ms precision, comparable across threads. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The value below which `p` percent of the sorted values lie (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** What the probe saw between two marks. */
export interface ProbeWindow {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** Echoes sent in the window that got no reply within the probe's patience. */
  lost: number;
}

type WorkerMessage =
  | { kind: 'open' }
  | { kind: 'sent'; id: number; at: number }
  | { kind: 'rtt'; id: number; at: number; ms: number }
  | { kind: 'refused'; status: number }
  | { kind: 'error'; message: string }
  | { kind: 'close'; code: number; reason: string };

/**
 * A well-behaved client that asks for an echo every `intervalMs` and records
 * each round trip, so a test can show that an attack on the server does not
 * hurt everyone else. Its socket lives on a worker thread: the attackers on
 * the test's main thread cannot delay it.
 */
export class EchoProbe {
  private readonly inFlight = new Map<number, number>();
  private readonly rtts: Array<{ at: number; ms: number }> = [];
  /** Intervals the test asked to leave out, e.g. a forced GC in the server. */
  private readonly excluded: Array<[number, number]> = [];
  private closeInfo: { code: number; reason: string } | null = null;
  private readonly workerExited: Promise<number>;

  private constructor(
    private readonly worker: Worker,
    private readonly patienceMs: number,
  ) {
    this.workerExited = new Promise((resolve) => worker.once('exit', resolve));
    worker.on('error', () => undefined);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'sent') this.inFlight.set(message.id, message.at);
      else if (message.kind === 'rtt') {
        this.inFlight.delete(message.id);
        this.rtts.push({ at: message.at, ms: message.ms });
      } else if (message.kind === 'close') this.closeInfo = { code: message.code, reason: message.reason };
    });
  }

  /**
   * Connects to `url` (with `headers`, e.g. its own `X-Forwarded-For`) and
   * starts probing. With `ping` it sends `system.ping` instead of `echo`: a
   * round trip through the same loop and queues that no rate limit applies to.
   */
  static async start(
    url: string,
    headers: Record<string, string> = {},
    intervalMs = 20,
    patienceMs = 2000,
    ping = false,
  ): Promise<EchoProbe> {
    const worker = new Worker(WORKER, { workerData: { url, headers, intervalMs, ping } });
    const probe = new EchoProbe(worker, patienceMs);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.kind === 'open') return done(null);
        if (message.kind === 'refused') return done(new Error(`probe refused with HTTP ${message.status}`));
        if (message.kind === 'error' || message.kind === 'close')
          return done(new Error(`probe could not connect: ${JSON.stringify(message)}`));
      };
      const done = (err: Error | null) => {
        worker.off('message', onMessage);
        if (err) {
          void worker.terminate();
          reject(err);
        } else resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', done);
    });
    return probe;
  }

  /**
   * Runs `work` (a forced full GC in the server, typically) and leaves every
   * echo in flight meanwhile out of the figures: that pause is the test's doing.
   */
  async excluding<T>(work: () => Promise<T>): Promise<T> {
    const interval: [number, number] = [preciseNow(), Number.POSITIVE_INFINITY];
    this.excluded.push(interval);
    try {
      return await work();
    } finally {
      interval[1] = preciseNow();
    }
  }

  private counts(start: number, end: number): boolean {
    return !this.excluded.some(([from, to]) => start <= to && end >= from);
  }

  /** A point in time to measure from (or to). */
  mark(): number {
    return preciseNow();
  }

  /**
   * Round trips of the echoes sent between `from` and `to` (default: now);
   * waits until those still in flight are answered or given up on.
   */
  async since(from: number, to = preciseNow()): Promise<ProbeWindow> {
    const inWindow = (at: number) => at >= from && at <= to;
    const deadline = Date.now() + this.patienceMs + 200;
    while ([...this.inFlight.values()].some((at) => inWindow(at) && preciseNow() - at < this.patienceMs) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const window = this.rtts.filter((r) => inWindow(r.at) && this.counts(r.at, r.at + r.ms)).map((r) => r.ms);
    const lost = [...this.inFlight.values()].filter((at) => inWindow(at) && this.counts(at, at + this.patienceMs));
    return {
      samples: window.length,
      p50: percentile(window, 50),
      p99: percentile(window, 99),
      max: window.length ? Math.max(...window) : Number.NaN,
      lost: lost.length,
    };
  }

  /** Null while open; how it closed otherwise. */
  get closed(): { code: number; reason: string } | null {
    return this.closeInfo;
  }

  /** Closes the probe's connection and ends its thread. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop', []);
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await this.workerExited;
    clearTimeout(timer);
  }
}
