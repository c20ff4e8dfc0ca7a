/**
 * Exponential backoff for reconnects.
 *
 * @publicApi
 */
export interface BackoffOptions {
  /** Upper bound of the first delay. @default 1000 */
  initialDelayMs: number;
  /** Largest upper bound any delay can have. @default 30000 */
  maxDelayMs: number;
  /** Growth of the upper bound per failed attempt. @default 2 */
  multiplier: number;
  /**
   * Widest random spread added to a server's `Retry-After` (see
   * `retryAfterDelay`). @default 5000
   */
  retryAfterJitterMs?: number;
}

/** @publicApi */
export const DEFAULT_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 2,
  retryAfterJitterMs: 5000,
});

/** The longest delay timers take (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The upper bound of the delay before reconnect attempt `attempt` (0 for the
 * first): `min(maxDelayMs, initialDelayMs × multiplier^attempt)`.
 *
 * @publicApi
 */
export function backoffCeiling(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const grown = options.initialDelayMs * Math.pow(options.multiplier, Math.max(0, attempt));
  return Math.min(options.maxDelayMs, Number.isFinite(grown) ? grown : options.maxDelayMs);
}

/**
 * "Full jitter" backoff: a uniformly random delay between 0 and the ceiling,
 * so clients dropped by the same server restart spread out instead of all
 * reconnecting at the same instant.
 *
 * @param random - a source of numbers in [0, 1), `Math.random` by default
 * @publicApi
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, options));
}

/**
 * The delay after a handshake refused with `Retry-After` (429 over the
 * server's admission rate, 503 full or shutting down): never earlier than
 * the server asked, plus full jitter over a window that starts at
 * `Retry-After` (at least `initialDelayMs`) and doubles with every refusal
 * in a row, up to `retryAfterJitterMs`.
 *
 * Why this shape: a refused crowd all hears the same `Retry-After`, and the
 * server means "one more client then", not "all of you". To be let in
 * without piling up more refusals the crowd has to fan out over about
 * N ÷ admission rate seconds, which no client knows; a refusal in a row is
 * the hint that the window is still too narrow, hence the doubling. The
 * window stops growing early, because the server keeps its admission
 * budget while nobody asks (a token bucket refills whether or not anyone
 * knocks), so spreading wider does not let the crowd in sooner. It only
 * delays the last clients by up to half the window past the moment the
 * server could take them, while a narrower window costs the server more
 * refused handshakes: M waiting clients knock about M ÷ (Retry-After +
 * window ÷ 2) times a second. With the defaults and `Retry-After: 1` the
 * windows are 1, 2, 4, 5, 5... s, so a refused client knocks again within
 * 6 s, where the exponential ceiling would have grown to 30 s.
 *
 * @param refusalsInARow - 1 for the first refusal since the last open connection
 * @param random - a source of numbers in [0, 1), `Math.random` by default
 * @publicApi
 */
export function retryAfterDelay(
  retryAfterMs: number,
  refusalsInARow: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const base = Math.min(Math.max(0, retryAfterMs), MAX_TIMER_MS);
  const cap = options.retryAfterJitterMs ?? DEFAULT_BACKOFF.retryAfterJitterMs;
  // A Retry-After of 0 still gets a window, or the whole crowd would come back in the same instant.
  const window = Math.min(cap, Math.max(base, options.initialDelayMs) * Math.pow(2, Math.max(0, refusalsInARow - 1)));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(MAX_TIMER_MS, Math.ceil(base + r * window));
}
