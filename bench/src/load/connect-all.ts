import type { BenchConnection } from './bench-connection.interface.js';

/** What opening a batch of connections gave. */
export interface ConnectOutcome<T = BenchConnection> {
  connections: T[];
  failures: number;
  firstError: string | null;
  /** True if the overall deadline cut the batch short. */
  timedOut: boolean;
}

/**
 * Opens `count` connections with at most `inFlight` handshakes pending at a
 * time. Each attempt is bounded by `open`'s own timeout, the whole batch by
 * `deadline` (a `performance.now()` value); failures are counted, not thrown.
 */
export async function connectAll<T = BenchConnection>(
  count: number,
  inFlight: number,
  open: () => Promise<T>,
  deadline: number,
): Promise<ConnectOutcome<T>> {
  const connections: T[] = [];
  let next = 0;
  let failures = 0;
  let firstError: string | null = null;
  let timedOut = false;
  const worker = async (): Promise<void> => {
    while (next < count) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      next++;
      try {
        connections.push(await open());
      } catch (err) {
        failures++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, count)) }, worker));
  return { connections, failures, firstError, timedOut };
}
