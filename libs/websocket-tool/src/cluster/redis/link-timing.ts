/** The timing of the link to Redis: reconnection backoff and pauses. */

/** Longest pause between two reconnection attempts (before jitter): a node is back within about 4 s of Redis. */
export const MAX_RECONNECT_DELAY_MS = 4000;

/** Resolves after `ms`, without holding the process open. @internal */
export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Resolves on the next turn of the event loop. @internal */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Delay before reconnection attempt `attempt` (1, 2, ...): 200 ms doubling up
 * to 4 s, plus up to 100 ms of jitter so nodes do not reconnect in lockstep.
 * However long Redis was away, a node retries within about 4.1 s of its return.
 */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** Math.min(Math.max(attempt, 1), 6)) + Math.floor(Math.random() * 100);
}
