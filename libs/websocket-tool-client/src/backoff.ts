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
}

/** @publicApi */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 2 });

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
