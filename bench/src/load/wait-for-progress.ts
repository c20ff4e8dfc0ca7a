const POLL_MS = 10;

/**
 * Resolves true once `done()` holds, or false once `progress()` has not
 * moved for `stallMs` or `maxMs` have passed. Polls every few milliseconds;
 * callers that need the exact completion time record it where it happens.
 */
export function waitForProgress(done: () => boolean, progress: () => number, stallMs: number, maxMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = performance.now();
    let last = progress();
    let lastMoved = started;
    const check = () => {
      if (done()) return resolve(true);
      const now = performance.now();
      const current = progress();
      if (current !== last) {
        last = current;
        lastMoved = now;
      }
      if (now - lastMoved > stallMs || now - started > maxMs) return resolve(false);
      setTimeout(check, POLL_MS);
    };
    check();
  });
}
