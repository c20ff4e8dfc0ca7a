import type { ClientConnection } from '../../connection/client-connection.js';
import type { Correlation } from './envelope.js';

/** A handler call that has not settled yet, watched for `handlerTimeout`. */
export interface InFlight {
  readonly connection: ClientConnection;
  readonly type: string;
  readonly id: Correlation;
  readonly deadline: number;
  timedOut: boolean;
}

/**
 * Watches the handler calls that returned a promise. A sweep every quarter of
 * the timeout (10 ms to 1 s) reports those past their deadline once; their
 * late outcome is dropped. One timer for all calls, none per call.
 */
export class HandlerTimeouts {
  private readonly inFlight = new Set<InFlight>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** 0 turns the watch off. */
    readonly timeoutMs: number,
    private readonly onTimeout: (watch: InFlight) => void,
  ) {}

  start(): void {
    if (this.timeoutMs <= 0 || this.timer) return;
    const every = Math.max(10, Math.min(1000, this.timeoutMs / 4));
    this.timer = setInterval(() => this.sweep(Date.now()), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Starts watching a call; null when timeouts are off. */
  watch(connection: ClientConnection, type: string, id: Correlation, now: number): InFlight | null {
    if (this.timeoutMs <= 0) return null;
    const watch: InFlight = { connection, type, id, deadline: now + this.timeoutMs, timedOut: false };
    this.inFlight.add(watch);
    return watch;
  }

  /** Ends the watch of a settled call; false if it already timed out (its outcome is dropped). */
  settle(watch: InFlight): boolean {
    this.inFlight.delete(watch);
    return !watch.timedOut;
  }

  /** Reports every call past its deadline. */
  sweep(now: number): void {
    for (const watch of this.inFlight) {
      if (watch.deadline <= now) {
        watch.timedOut = true;
        this.inFlight.delete(watch);
        this.onTimeout(watch);
      }
    }
  }
}
