/**
 * Time source and timers of a client. Tests inject a manual clock to check
 * reconnect delays without waiting.
 *
 * @publicApi
 */
export interface ClientClock {
  /** Milliseconds since an arbitrary origin that only moves forward. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface TimerGlobals {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The clock of the host: `Date.now()` and the global timers. */
export const systemClock: ClientClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => (globalThis as unknown as TimerGlobals).setTimeout(callback, ms),
  clearTimeout: (handle) => (globalThis as unknown as TimerGlobals).clearTimeout(handle),
};
